import * as z from "zod";
import { EmployerView } from "../shared/domain/employer.js";
import { CandidateView, RedeemBody } from "../shared/domain/candidate.js";
import { route } from "../shared/http/routes.js";
import { versioned } from "../shared/http/reply.js";
import { redeemInvitation } from "../shared/services/invitations.js";

route({
  name: "invitations-redeem",
  method: "POST",
  path: "invitations/redeem",
  action: "invitations.redeem",
  summary: "Redeem an invitation code",
  body: RedeemBody,
  responses: {
    200: { description: "your account is linked; your record (candidate) or your company (employer)", schema: z.union([CandidateView, EmployerView]) },
    404: { description: "the code is not known" },
    409: { description: "the code was used already, or this account is linked already" },
    410: { description: "the code has expired" },
  },
  handler: async ({ principal, body }) => {
    // One route for both kinds of invitation; the record returned shows which one it was.
    return versioned(await redeemInvitation(principal, body.code));
  },
});
