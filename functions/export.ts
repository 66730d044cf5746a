import { httpEtag } from "../shared/http/etag.js";
import { route, type Reply } from "../shared/http/routes.js";
import { NOT_LINKED } from "../shared/http/responses.js";
import { IdParams } from "../shared/http/schemas.js";
import { CandidateExport } from "../shared/http/views.js";
import { exportCandidate, exportFileName, exportMine, type CandidateExport as Export } from "../shared/services/export.js";

/**
 * What the DPIA promises the people whose data this is (GDPR Art. 15 and 20): a copy of everything
 * stored about them. Staff answer written requests with the same document.
 */

const attachment = ({ etag, document }: { etag: string; document: Export }): Reply => ({
  body: document,
  etag: httpEtag(etag),
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
