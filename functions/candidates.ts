import * as z from "zod";
import { AdminPatchBody, CandidateListQuery, CreateCandidateBody } from "../shared/domain/candidate.js";
import { switchWithReason } from "../shared/domain/fields.js";
import { ServiceEnd } from "../shared/domain/retention.js";
import { PageQuery } from "../shared/http/request.js";
import { versioned, createdWithInvitation } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { CandidateCreated, CandidateForCaller, CandidateListPage, CandidateStaffView } from "../shared/http/views.js";
import {
  createCandidate,
  getCandidate,
  listCandidates,
  setEmployerVisibility,
  setStatus,
  updateCandidateAdmin,
} from "../shared/services/candidates.js";
import { deleteCandidateNow, recordServiceEnd, setLegalHold } from "../shared/services/lifecycle.js";

route({
  name: "candidates-create",
  method: "POST",
  path: "candidates",
  action: "candidates.create",
  summary: "Invite a candidate",
  body: CreateCandidateBody,
  writes: "admin",
  responses: {
    201: {
      description: "the candidate, with the one-time invitation code to hand over",
      schema: CandidateCreated,
      headers: { ETag: true, Location: true },
    },
    409: { description: "the client number is already in use in the municipality" },
  },
  handler: async ({ principal, body }) => {
    return createdWithInvitation("candidates", await createCandidate(principal, body.admin));
  },
});

route({
  name: "candidates-list",
  method: "GET",
  path: "candidates",
  action: "candidates.list",
  summary: "List the candidates of your municipality",
  query: CandidateListQuery.extend(PageQuery).strict(),
  responses: { 200: { description: "a page of candidates, by last name", schema: CandidateListPage } },
  handler: async ({ principal, query }) => ({ body: await listCandidates(principal, query) }),
});

route({
  name: "candidates-get",
  method: "GET",
  path: "candidates/{id}",
  action: "candidates.read",
  summary: "Read a candidate",
  params: IdParams,
  responses: {
    200: {
      description:
        "the candidate, projected for the caller: staff of the candidate's municipality get the whole record; employers and account managers of other municipalities the employer projection",
      schema: CandidateForCaller,
      headers: { ETag: true },
    },
  },
  handler: async ({ principal, params }) => {
    return versioned(await getCandidate(principal, params.id));
  },
});

route({
  name: "candidates-update",
  method: "PATCH",
  path: "candidates/{id}",
  action: "candidates.updateAdmin",
  summary: "Change a candidate's administrative data",
  params: IdParams,
  body: AdminPatchBody,
  writes: "admin",
  ifMatch: true,
  responses: {
    200: { description: "the changed candidate", schema: CandidateStaffView, headers: { ETag: true } },
    409: { description: "the new client number is already in use, or the candidate is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body, ifMatch }) => {
    return versioned(await updateCandidateAdmin(principal, params.id, body.admin, ifMatch));
  },
});

route({
  name: "candidates-delete",
  method: "DELETE",
  path: "candidates/{id}",
  action: "candidates.delete",
  summary: "Erase a candidate and all their files now (request to stop participating)",
  params: IdParams,
  responses: {
    204: { description: "everything of the candidate is gone; a deletion record without personal data remains" },
    409: { description: "a legal hold applies (GDPR Art. 17(3)(e)); detail gives its reason" },
    412: { description: "the candidate was changed while being erased, so the record was kept; try again" },
  },
  handler: async ({ principal, params }) => {
    await deleteCandidateNow(principal, params.id);
    return { status: 204 };
  },
});

route({
  name: "candidates-employer-visibility",
  method: "PUT",
  path: "candidates/{id}/employer-visibility",
  action: "candidates.setEmployerVisibility",
  summary: "Hide a profile from employers, or show it again",
  params: IdParams,
  body: switchWithReason("hidden", "say why the profile is hidden"),
  ifMatch: true,
  responses: {
    200: { description: "the candidate", schema: CandidateStaffView, headers: { ETag: true } },
    409: { description: "the candidate is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body, ifMatch }) => {
    return versioned(await setEmployerVisibility(principal, params.id, body, ifMatch));
  },
});

route({
  name: "candidates-status",
  method: "PUT",
  path: "candidates/{id}/status",
  action: "candidates.setStatus",
  summary: "Set a candidate active or inactive",
  params: IdParams,
  body: z.strictObject({ status: z.enum(["active", "inactive"]) }),
  ifMatch: true,
  responses: {
    200: { description: "the candidate", schema: CandidateStaffView, headers: { ETag: true } },
    409: {
      description: "the candidate has not redeemed the invitation yet, or the candidate is being changed by others right now; try again",
    },
  },
  handler: async ({ principal, params, body, ifMatch }) => {
    return versioned(await setStatus(principal, params.id, body.status, ifMatch));
  },
});

route({
  name: "candidates-service-end",
  method: "POST",
  path: "candidates/{id}/service-end",
  action: "candidates.recordServiceEnd",
  summary: "Record the end of service, which starts the retention period",
  params: IdParams,
  body: ServiceEnd,
  ifMatch: true,
  responses: {
    200: { description: "the candidate, inactive, with its retention date and rule", schema: CandidateStaffView, headers: { ETag: true } },
    409: { description: "the candidate is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body, ifMatch }) => versioned(await recordServiceEnd(principal, params.id, body, ifMatch)),
});

route({
  name: "candidates-legal-hold",
  method: "PUT",
  path: "candidates/{id}/legal-hold",
  action: "candidates.setLegalHold",
  summary: "Suspend or resume deletion of a candidate's data",
  params: IdParams,
  body: switchWithReason("hold", "say why deletion is suspended"),
  ifMatch: true,
  responses: {
    200: { description: "the candidate", schema: CandidateStaffView, headers: { ETag: true } },
    409: { description: "the candidate is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body, ifMatch }) => versioned(await setLegalHold(principal, params.id, body, ifMatch)),
});
