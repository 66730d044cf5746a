import * as z from "zod";
import { AcceptTermsBody, ProfilePatchBody } from "../shared/domain/candidate.js";
import { versioned } from "../shared/http/reply.js";
import { NOT_LINKED } from "../shared/http/responses.js";
import { route } from "../shared/http/routes.js";
import { CandidateOwnView } from "../shared/http/views.js";
import { acceptTerms, eraseMyProfile, getMyProfile, setSharing, updateMyProfile } from "../shared/services/me.js";

const RECORD = {
  description: "your record, including the target groups staff recorded",
  schema: CandidateOwnView,
  headers: { ETag: true },
};
const BUSY = "your record is being changed elsewhere right now; try again";

route({
  name: "me-profile-get",
  method: "GET",
  path: "me/profile",
  action: "me.profile.read",
  summary: "Read your own record",
  responses: { 200: RECORD, 404: NOT_LINKED },
  handler: async ({ principal }) => versioned(await getMyProfile(principal)),
});

route({
  name: "me-profile-update",
  method: "PATCH",
  path: "me/profile",
  action: "me.profile.update",
  summary: "Change your own profile",
  body: ProfilePatchBody,
  writes: "profile",
  ifMatch: true,
  responses: { 200: RECORD, 404: NOT_LINKED, 409: { description: BUSY } },
  handler: async ({ principal, body, ifMatch }) => versioned(await updateMyProfile(principal, body.profile, ifMatch)),
});

route({
  name: "me-profile-erase",
  method: "DELETE",
  path: "me/profile",
  action: "me.profile.erase",
  summary: "Erase everything you entered",
  responses: {
    204: { description: "your profile fields and files are erased" },
    404: NOT_LINKED,
    409: { description: `a legal hold applies (GDPR Art. 17(3)(e); detail gives its reason), or ${BUSY}` },
  },
  handler: async ({ principal }) => {
    await eraseMyProfile(principal);
    return { status: 204 };
  },
});

route({
  name: "me-terms-accept",
  method: "POST",
  path: "me/terms",
  action: "me.terms.accept",
  summary: "Accept the terms of use",
  body: AcceptTermsBody,
  responses: { 200: RECORD, 404: NOT_LINKED, 409: { description: `that is not the current version of the terms, or ${BUSY}` } },
  handler: async ({ principal, body }) => versioned(await acceptTerms(principal, body.version)),
});

route({
  name: "me-sharing",
  method: "PUT",
  path: "me/sharing",
  action: "me.sharing.update",
  summary: "Share your profile with employers, or stop sharing",
  body: z.strictObject({ withEmployers: z.boolean() }),
  ifMatch: true,
  responses: { 200: RECORD, 404: NOT_LINKED, 409: { description: `accept the current terms of use first, or ${BUSY}` } },
  handler: async ({ principal, body, ifMatch }) => versioned(await setSharing(principal, body.withEmployers, ifMatch)),
});
