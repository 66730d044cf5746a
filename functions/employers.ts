import * as z from "zod";
import { EmployerFields, EmployerListQuery, EmployerPatchBody, KvkNumber } from "../shared/domain/employer.js";
import { PageQuery } from "../shared/http/request.js";
import { versioned, createdWithInvitation } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { EmployerCreated, EmployerForCaller, EmployerPage, EmployerStaffView, KvkCompany } from "../shared/http/views.js";
import { createEmployer, getEmployer, listEmployers, updateEmployer } from "../shared/services/employers.js";
import { lookupCompany } from "../shared/services/kvk.js";

route({
  name: "employers-create",
  method: "POST",
  path: "employers",
  action: "employers.create",
  summary: "Register an employer",
  body: EmployerFields,
  responses: {
    201: {
      description: "the employer, with the one-time invitation code for its user",
      schema: EmployerCreated,
      headers: { ETag: true, Location: true },
    },
    409: { description: "the KvK number is already registered in the municipality" },
  },
  handler: async ({ principal, body }) => {
    return createdWithInvitation("employers", await createEmployer(principal, body));
  },
});

route({
  name: "employers-list",
  method: "GET",
  path: "employers",
  action: "employers.list",
  summary: "List the employers your municipality registered",
  query: EmployerListQuery.extend(PageQuery).strict(),
  responses: { 200: { description: "a page of employers, by company name (q: name prefix)", schema: EmployerPage } },
  handler: async ({ principal, query }) => ({ body: await listEmployers(principal, query) }),
});

route({
  name: "employers-get",
  method: "GET",
  path: "employers/{id}",
  action: "employers.read",
  summary: "Read an employer",
  params: IdParams,
  responses: {
    200: {
      description: "the employer; an employer user reading their own also gets the municipality's contact person",
      schema: EmployerForCaller,
      headers: { ETag: true },
    },
  },
  handler: async ({ principal, params }) => {
    return versioned(await getEmployer(principal, params.id));
  },
});

route({
  name: "employers-update",
  method: "PATCH",
  path: "employers/{id}",
  action: "employers.update",
  summary: "Change an employer",
  params: IdParams,
  body: EmployerPatchBody,
  ifMatch: true,
  responses: {
    200: { description: "the employer", schema: EmployerStaffView, headers: { ETag: true } },
    409: { description: "the employer is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body, ifMatch }) => {
    return versioned(await updateEmployer(principal, params.id, body, ifMatch));
  },
});

route({
  name: "kvk-lookup",
  method: "GET",
  path: "kvk/{kvkNumber}",
  action: "kvk.lookup",
  summary: "Look up company details by KvK number",
  params: z.object({ kvkNumber: KvkNumber }),
  responses: {
    200: {
      description: "company name and visiting address, to prefill registration",
      schema: KvkCompany,
    },
    404: { description: "KvK knows no company with this number" },
    502: { description: "KvK answered with an error" },
    503: { description: "KvK did not answer in time, or is not configured (Retry-After); or the identity provider is unreachable", headers: { "Retry-After": false } },
  },
  handler: async ({ params }) => ({ body: await lookupCompany(params.kvkNumber) }),
});
