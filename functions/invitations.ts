import { RedeemBody } from "../shared/domain/candidate.js";
import { route } from "../shared/http/routes.js";
import { httpEtag } from "../shared/http/etag.js";
import { Redeemed } from "../shared/http/views.js";
import { redeemInvitation } from "../shared/services/invitations.js";

route({
  name: "invitations-redeem",
  method: "POST",
  path: "invitations/redeem",
  action: "invitations.redeem",
  summary: "Redeem an invitation code",
  body: RedeemBody,
  responses: {
    200: {
      description:
        "your account is linked: `kind` says to what, your record (`candidate`) or your company (`employer`); the ETag is that record's",
      schema: Redeemed,
      headers: { ETag: true },
    },
    403: {
      description: "the code is for the other kind of account (a candidate's code redeemed with an employer token, or the other way round)",
    },
    404: { description: "the code is not known" },
    409: { description: "the code was used already, or this account is linked already" },
    410: { description: "the code has expired, or the employer's participation has ended" },
  },
  handler: async ({ principal, body }) => {
    // One route for both kinds of invitation; `kind` says which one it was.
    const linked = await redeemInvitation(principal, body.code);
    const answer =
      linked.kind === "candidate" ? { kind: linked.kind, candidate: linked.view } : { kind: linked.kind, employer: linked.view };
    return { body: answer, etag: httpEtag(linked.etag) };
  },
});
