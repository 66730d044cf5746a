import * as z from "zod";
import { LONG_REQUEST_BUDGET_SECONDS } from "../shared/config/limits.js";
import { FILE_KINDS, StartUploadBody } from "../shared/domain/uploads.js";
import { versioned } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { timer } from "../shared/http/timers.js";
import { CandidateOwnView, FileLink, UploadTicket } from "../shared/http/views.js";
import { cleanupUploads, completeUpload, deleteMyFile, fileLink, startUpload } from "../shared/services/uploads.js";

const Kind = z.object({ kind: z.enum(FILE_KINDS) });

route({
  name: "me-uploads-start",
  method: "POST",
  path: "me/uploads",
  action: "me.uploads.start",
  summary: "Start uploading a CV, video or photo",
  body: StartUploadBody,
  responses: {
    201: {
      description: "a write-only URL for one new blob, valid for minutes: send the bytes there with the given method and headers",
      schema: UploadTicket,
    },
    404: { description: "no record is linked to this account" },
    429: { description: "too many unfinished uploads today; complete them or try again after Retry-After" },
  },
  handler: async ({ principal, body }) => ({ status: 201, body: await startUpload(principal, body) }),
});

route({
  name: "me-uploads-complete",
  method: "POST",
  path: "me/uploads/{uploadId}/complete",
  action: "me.uploads.complete",
  summary: "Verify an uploaded file and attach it to your profile",
  params: z.object({ uploadId: z.string().max(64) }),
  responses: {
    200: { description: "your record, with the file attached", schema: CandidateOwnView, headers: { ETag: true } },
    404: { description: "no such upload of yours" },
    409: {
      description:
        "completed already, refused already, being completed by another request right now, still being scanned for malware (then Retry-After says when to ask again), or it would replace a file under a legal hold (GDPR Art. 17(3)(e); detail gives its reason; the upload was removed)",
      headers: { "Retry-After": false },
    },
    422: { description: "the file failed verification and was removed; detail says why" },
  },
  budgetSeconds: LONG_REQUEST_BUDGET_SECONDS,
  handler: async ({ principal, params }) => versioned(await completeUpload(principal, params.uploadId)),
});

route({
  name: "me-files-delete",
  method: "DELETE",
  path: "me/files/{kind}",
  action: "me.files.delete",
  summary: "Remove one of your files",
  params: Kind,
  responses: {
    204: { description: "the file is gone" },
    404: { description: "you have no file of this kind, or no record is linked to this account" },
    409: {
      description:
        "a legal hold applies (GDPR Art. 17(3)(e); detail gives its reason), or your record is being changed elsewhere right now; try again",
    },
  },
  handler: async ({ principal, params }) => {
    await deleteMyFile(principal, params.kind);
    return { status: 204 };
  },
});

route({
  name: "candidates-file",
  method: "GET",
  path: "candidates/{id}/files/{kind}",
  action: "candidates.read",
  summary: "A short-lived download link for a candidate's file",
  params: IdParams.extend(Kind.shape),
  responses: { 200: { description: "a read-only link, as an attachment under a safe name", schema: FileLink } },
  handler: async ({ principal, params }) => ({ body: await fileLink(principal, params.id, params.kind) }),
});

timer({
  name: "uploadsCleanup",
  schedule: "0 15 * * * *",
  localEveryMinutes: 60,
  run: () => cleanupUploads(),
});
