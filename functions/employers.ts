import * as z from "zod";
import { EmployerFields, EmployerListQuery, EmployerPatchBody, EmployerView, KvkNumber, OwnEmployerView } from "../shared/domain/employer.js";
import { PageQuery } from "../shared/http/request.js";
import { versioned, createdWithInvitation } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { IdParams, pageOf } from "../shared/http/schemas.js";
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
      schema: EmployerView.extend({ invitationCode: z.string(), invitationExpiresAt: z.string() }),
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
  responses: { 200: { description: "a page of employers, by company name (q: name prefix)", schema: pageOf(EmployerView) } },
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
    200: { description: "the employer; an employer user reading their own also gets the municipality's contact person", schema: OwnEmployerView.partial({ municipalityContact: true }) },
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
  responses: { 200: { description: "the employer", schema: EmployerView } },
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
      schema: z.object({ kvkNumber: z.string(), companyName: z.string(), address: z.object({ street: z.string(), postcode: z.string(), city: z.string() }).optional() }),
    },
    404: { description: "KvK knows no company with this number" },
    502: { description: "KvK answered with an error" },
    503: { description: "KvK did not answer in time, or is not configured" },
  },
  handler: async ({ params }) => ({ body: await lookupCompany(params.kvkNumber) }),
});
