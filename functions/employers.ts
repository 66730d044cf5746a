import * as z from "zod";
import { EmployerFields, EmployerListQuery, EmployerPatchBody } from "../shared/domain/employer.js";
import { isoDate } from "../shared/domain/fields.js";
import { PageQuery } from "../shared/http/request.js";
import { versioned, createdWithInvitation } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { EmployerCreated, EmployerForCaller, EmployerPage, EmployerStaffView } from "../shared/http/views.js";
import { createEmployer, getEmployer, listEmployers, updateEmployer } from "../shared/services/employers.js";
import { endEmployer } from "../shared/services/lifecycle.js";

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
  name: "employers-end",
  method: "POST",
  path: "employers/{id}/end",
  action: "employers.end",
  summary: "End an employer's participation",
  params: IdParams,
  body: z.strictObject({ endedOn: isoDate.optional() }),
  responses: {
    200: {
      description: "the employer, ended; its users lose access and its open vacancies close",
      schema: EmployerStaffView,
      headers: { ETag: true },
    },
    409: { description: "the employer is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body }) => versioned(await endEmployer(principal, params.id, body.endedOn)),
});
