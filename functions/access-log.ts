import * as z from "zod";
import { PageQuery } from "../shared/http/request.js";
import { NOT_LINKED } from "../shared/http/responses.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { AccessLogPage } from "../shared/http/views.js";
import { candidateAccessLog, myAccessLog } from "../shared/services/access-log.js";

// Who viewed or changed a candidate's data (GDPR Art. 15): the candidate sees it, and staff answer written requests with it.
const LOG = { description: "a page of the access log, newest first", schema: AccessLogPage };

route({
  name: "me-access-log",
  method: "GET",
  path: "me/access-log",
  action: "me.accessLog",
  summary: "See who viewed or changed your data",
  description: "Logged.",
  query: z.object(PageQuery).strict(),
  responses: { 200: LOG, 404: NOT_LINKED },
  handler: async ({ principal, query }) => ({ body: await myAccessLog(principal, query.pageSize, query.continuation) }),
});

route({
  name: "candidates-access-log",
  method: "GET",
  path: "candidates/{id}/access-log",
  action: "candidates.accessLog",
  summary: "See who viewed or changed a candidate's data",
  description: "As `GET /me/access-log`; logged.",
  params: IdParams,
  query: z.object(PageQuery).strict(),
  responses: { 200: LOG },
  handler: async ({ principal, params, query }) => ({
    body: await candidateAccessLog(principal, params.id, query.pageSize, query.continuation),
  }),
});
