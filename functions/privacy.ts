import * as z from "zod";
import { PageQuery } from "../shared/http/request.js";
import { route, type Reply } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { AccessLogPage, CandidateExport } from "../shared/http/views.js";
import { candidateAccessLog, myAccessLog } from "../shared/services/access-log.js";
import { exportCandidate, exportFileName, exportMine, type CandidateExport as Export } from "../shared/services/export.js";

/**
 * What the DPIA promises the people whose data this is (GDPR Art. 15 and 20): a copy of everything
 * stored about them, and who looked at it. Staff answer written requests with the same documents.
 */

const NOT_LINKED = { description: "no record is linked to this account (redeem the invitation code first), or it no longer exists" };

const attachment = ({ etag, document }: { etag: string; document: Export }): Reply => ({
  body: document,
  etag,
  headers: { "Content-Disposition": `attachment; filename="${exportFileName()}"` },
});

const EXPORT = {
  description: "the export, as a file; the ETag is the record's version",
  schema: CandidateExport,
  headers: { ETag: true, "Content-Disposition": true },
} as const;

route({
  name: "me-export",
  method: "GET",
  path: "me/export",
  action: "me.export",
  summary: "Download everything stored about you",
  description: "GDPR Art. 15 and 20; logged.",
  responses: { 200: EXPORT, 404: NOT_LINKED },
  handler: async ({ principal }) => attachment(await exportMine(principal)),
});

route({
  name: "candidates-export",
  method: "GET",
  path: "candidates/{id}/export",
  action: "candidates.export",
  summary: "Export everything stored about a candidate",
  description: "As `GET /me/export`, for a written request; logged.",
  params: IdParams,
  responses: { 200: EXPORT },
  handler: async ({ principal, params }) => attachment(await exportCandidate(principal, params.id)),
});

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
  handler: async ({ principal, params, query }) => ({ body: await candidateAccessLog(principal, params.id, query.pageSize, query.continuation) }),
});
