import { randomUUID } from "node:crypto";
import { config } from "../config/index.js";
import { readCandidate } from "../data/candidates.js";
import { codeOf, statusOf } from "../data/status.js";
import {
  claimUpload,
  deleteUpload,
  insertUpload,
  pendingUploads,
  readUploadVersioned,
  setUploadStatus,
  uploadDay,
  uploadsOfDay,
  type UploadDoc,
} from "../data/uploads.js";
import { containsBsn } from "../domain/bsn.js";
import { legalHoldApplies } from "../domain/retention.js";
import { clock, nowIso } from "../domain/clock.js";
import { emitEvent } from "./telemetry.js";
import { AppError, badRequest, conflict, notFound, NotFound } from "../domain/errors.js";
import type { Principal } from "../domain/roles.js";
import {
  CONTENT_TYPES,
  docxProblem,
  HEAD_BYTES,
  isDocx,
  MAX_PENDING_UPLOADS,
  sanitiseFileName,
  signatureProblem,
  TAIL_BYTES,
  zipDirectory,
  zipEntries,
  cachedReader,
  docxPartsProblem,
  type FileKind,
  type StartUploadBody,
} from "../domain/uploads.js";
import {
  blobInfo,
  blobTags,
  candidatePrefix,
  copyToFiles,
  deleteFile,
  deleteStaleUploads,
  readRange,
  snapshotUpload,
} from "../storage/blob.js";
import { downloadLink, snapshotReadLink, uploadLink } from "../storage/sas.js";
import { audit, auditChange } from "./audit.js";
import { getCandidate } from "./candidates.js";
import { candidateView, modifyCandidate, type VersionedView } from "./concurrency.js";
import { linkedAccount } from "./viewer.js";

const limitOf = (kind: FileKind) => {
  const c = config();
  return { cv: c.UPLOAD_MAX_CV_BYTES, photo: c.UPLOAD_MAX_PHOTO_BYTES, video: c.UPLOAD_MAX_VIDEO_BYTES }[kind];
};
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export const blobNameOf = (municipalityId: string, candidateId: string, kind: FileKind, uploadId: string) =>
  `${candidatePrefix(municipalityId, candidateId)}${kind}/${uploadId}`;

export interface UploadTicket {
  uploadId: string;
  uploadUrl: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: string;
}

/**
 * Step 1: checks kind, type and size, and hands out a write-only URL for one new blob whose
 * name the server chooses. The bytes go from the client straight to Blob storage.
 */
export async function startUpload(principal: Principal, body: StartUploadBody): Promise<UploadTicket> {
  const { kind, contentType, size } = body;
  const allowed = CONTENT_TYPES[kind];
  if (!allowed.includes(contentType)) {
    throw badRequest(`a ${kind} must be one of: ${allowed.join(", ")}`, [{ path: "contentType", message: `not accepted for ${kind}` }]);
  }
  const limit = limitOf(kind);
  if (size > limit) throw badRequest(`a ${kind} may be at most ${mb(limit)}`, [{ path: "size", message: `over ${mb(limit)}` }]);
  const { municipalityId, recordId } = await linkedAccount(principal, "candidate");

  const now = clock().now();
  const day = uploadDay(now.getTime());
  if ((await pendingUploads(day, recordId)) >= MAX_PENDING_UPLOADS) {
    throw new AppError(
      429,
      "Too Many Requests",
      `you have ${MAX_PENDING_UPLOADS} unfinished uploads today; complete them or try again tomorrow`,
      { headers: { "Retry-After": "3600" } },
    );
  }
  const id = `${day}-${randomUUID()}`;
  const blobName = blobNameOf(municipalityId, recordId, kind, id);
  const link = await uploadLink(blobName, config().UPLOAD_SAS_MINUTES);
  await insertUpload({
    id,
    day,
    status: "pending",
    municipalityId,
    candidateId: recordId,
    kind,
    contentType,
    size,
    blobName,
    createdAt: now.toISOString(),
    expiresAt: link.expiresAt,
  });
  return {
    uploadId: id,
    uploadUrl: link.url,
    method: "PUT",
    // The file name travels with the blob (metadata), so no other record holds it. Clients
    // uploading in blocks (Put Block / Put Block List) use the same URL and headers.
    headers: {
      "x-ms-blob-type": "BlockBlob",
      "Content-Type": contentType,
      "x-ms-meta-filename": encodeURIComponent(sanitiseFileName(body.fileName, kind, contentType)),
    },
    expiresAt: link.expiresAt,
  };
}

const unprocessable = (detail: string) => new AppError(422, "Unprocessable Content", detail);

/** Why a stored blob may not count, reading at most its first and last few KB; undefined when it passes. */
async function verificationProblem(upload: UploadDoc, size: number): Promise<string | undefined> {
  if (size !== upload.size) return `${size} bytes arrived but ${upload.size} were declared`;
  if (size > limitOf(upload.kind)) return `the file is over the ${mb(limitOf(upload.kind))} limit`;
  const head = await readRange(upload.blobName, 0, Math.min(HEAD_BYTES, size));
  const wrongType = signatureProblem(upload.contentType, head);
  if (wrongType || !isDocx(upload.contentType)) return wrongType;
  const tailStart = Math.max(0, size - TAIL_BYTES);
  const tail = await readRange(upload.blobName, tailStart, size - tailStart);
  const directory = zipDirectory(tail, size);
  if (!directory || directory.size > 1024 * 1024) return "the file is not a readable Word (.docx) document";
  const inTail = directory.offset >= tailStart;
  const bytes = inTail
    ? tail.subarray(directory.offset - tailStart, directory.offset - tailStart + directory.size)
    : await readRange(upload.blobName, directory.offset, directory.size);
  const entries = zipEntries(bytes);
  // The package's parts are read from the bytes at hand (head, tail) where they lie there; the
  // rest in at most MAX_PART_READS more range reads.
  const read = cachedReader(
    [
      { at: 0, bytes: head },
      { at: tailStart, bytes: tail },
    ],
    (offset, count) => readRange(upload.blobName, offset, count),
  );
  return docxProblem(entries.map((e) => e.name)) ?? (await docxPartsProblem(entries, size, read));
}

/** Defender for Storage's verdict, when scanning is on: "clean", "pending" or "malicious". */
async function scanVerdict(blobName: string): Promise<"clean" | "pending" | "malicious"> {
  if (config().MALWARE_SCANNING === "off") return "clean";
  const result = (await blobTags(blobName))["Malware Scanning scan result"];
  if (!result) return "pending";
  return result === "No threats found" ? "clean" : "malicious";
}

/** What kind of refusal, as a code for the `upload.refused` event (the text may say more). */
const refusalCode = (reason: string) =>
  /expired/.test(reason)
    ? "expired"
    : /citizen service number/.test(reason)
      ? "bsnInFileName"
      : /malware/.test(reason)
        ? "malware"
        : /changed while/.test(reason)
          ? "changedWhileChecked"
          : /macro|OLE|ActiveX|relationship|template/i.test(reason)
            ? "activeContent"
            : /size|bytes|large|small|empty/i.test(reason)
              ? "size"
              : "contentMismatch";

async function refuse(upload: UploadDoc, reason: string): Promise<never> {
  emitEvent("upload.refused", { kind: upload.kind, reason: refusalCode(reason) }, { count: 1 }, "warn");
  await deleteFile(upload.blobName, "candidateUploads");
  await setUploadStatus(upload, "failed");
  throw Object.assign(unprocessable(`the upload was refused and removed: ${reason}`), { refused: true });
}

/** How long after its URL expired an upload may still be completed (the cleanup comes later). */
const COMPLETE_GRACE_MS = 30 * 60_000;
/** A `complete` call that held an upload this long is taken to have died: another may take over. */
const CHECK_TIMEOUT_MS = 5 * 60_000;
/** How long the copy's read link to the checked snapshot works. */
const COPY_SOURCE_MINUTES = 10;

const busy = () =>
  new AppError(409, "Conflict", "this upload is being completed by another request right now", { headers: { "Retry-After": "5" } });

/** Whether a claim on an upload is still held by a running `complete` call. */
const heldBy = (upload: UploadDoc, now: number) =>
  upload.status === "checking" && Date.parse(upload.checkingSince ?? "") + CHECK_TIMEOUT_MS > now;

/**
 * Step 3: verifies what arrived and attaches it to the profile, replacing (and deleting) the
 * previous file of that kind. A file that fails verification is deleted: 422 with the reason.
 * Of concurrent calls one does the work (it claims the upload record); the others get 409.
 *
 * A file that passes is snapshotted (only if it is still the checked version) and copied
 * server-side from that snapshot to the verified files, which no upload URL covers: a still-valid
 * upload URL (whose write permission includes leasing and overwriting) can change the upload, never
 * what download links serve. The upload itself is then deleted.
 */
export async function completeUpload(principal: Principal, uploadId: string): Promise<VersionedView> {
  const account = await linkedAccount(principal, "candidate");
  const found = await readUploadVersioned(uploadId);
  if (!found || found.doc.candidateId !== account.recordId) throw notFound("no such upload of yours");
  const upload = found.doc;
  const now = clock().now().getTime();
  if (upload.status === "completed") throw conflict("this upload was completed already");
  if (upload.status === "failed") throw conflict("this upload was refused; start a new one");
  if (heldBy(upload, now) || !(await claimUpload(upload, found.etag, new Date(now).toISOString()))) throw busy();

  // Once its record says "completed" or "failed" (refused), that stands; otherwise (scan
  // pending, a failure midway) the claim is given back, so the upload may be completed again.
  let settled = false;
  try {
    return await verifyAndAttach(principal, upload, now, () => (settled = true));
  } catch (err) {
    if ((err as { refused?: boolean }).refused) settled = true;
    throw err;
  } finally {
    if (!settled) await setUploadStatus(upload, "pending").catch(() => {});
  }
}

/**
 * A new upload may not replace a file while a legal hold applies (GDPR Art. 17(3)(e)): replacing
 * deletes the old file. The new upload is removed and its record marked refused; 409 with the reason.
 */
async function refuseReplacementUnderHold(upload: UploadDoc, hold: { reason: string }): Promise<never> {
  await deleteFile(upload.blobName, "candidateUploads");
  await setUploadStatus(upload, "failed");
  const held = legalHoldApplies(hold.reason);
  throw Object.assign(
    new AppError(
      409,
      held.title,
      `${held.detail}; the ${upload.kind} you have may not be replaced, so the new upload was not attached and has been removed`,
    ),
    { refused: true },
  );
}

async function verifyAndAttach(principal: Principal, upload: UploadDoc, now: number, completed: () => void): Promise<VersionedView> {
  if (Date.parse(upload.expiresAt) + COMPLETE_GRACE_MS < now) await refuse(upload, "the upload has expired; start a new one");
  // Checked before anything is read or copied; the record update below checks again.
  const current = (await readCandidate(upload.municipalityId, upload.candidateId))?.doc;
  if (current?.legalHold && current.files[upload.kind]) await refuseReplacementUnderHold(upload, current.legalHold);

  const blob = await blobInfo(upload.blobName, "candidateUploads");
  if (!blob) throw unprocessable("no bytes have arrived for this upload yet; PUT the file to uploadUrl first");
  const problem = await verificationProblem(upload, blob.size);
  if (problem) await refuse(upload, problem);
  // The name travels as blob metadata, which the uploader sets on the PUT: checked again here.
  const givenName = decodeMetadata(blob.metadata.filename);
  if (containsBsn(givenName))
    await refuse(upload, "the file name contains what looks like a citizen service number (BSN); rename the file and upload it again");
  const verdict = await scanVerdict(upload.blobName);
  if (verdict === "pending") {
    throw new AppError(409, "Conflict", "the file is still being scanned for malware; try again shortly", {
      headers: { "Retry-After": "10" },
    });
  }
  if (verdict === "malicious") await refuse(upload, "the malware scan found a threat");
  // The snapshot is made only if the blob is still the version whose properties were read: as
  // every write gets a new ETag, it was that version all along, so what was read, checked and
  // scanned above is exactly what is copied.
  const snapshot = await snapshotUpload(upload.blobName, blob.etag);
  if (!snapshot) return refuse(upload, "the file changed while it was being checked");
  const source = await snapshotReadLink(upload.blobName, snapshot, COPY_SOURCE_MINUTES);
  await copyToFiles(source.url, upload.blobName, blob.size);

  let replaced: string | undefined;
  const fileName = sanitiseFileName(givenName, upload.kind, upload.contentType);
  const updated = await modifyCandidate({
    municipalityId: upload.municipalityId,
    id: upload.candidateId,
    change: (doc) => {
      replaced = doc.files[upload.kind]?.uploadId;
      if (doc.legalHold && replaced && replaced !== upload.id)
        throw Object.assign(legalHoldApplies(doc.legalHold.reason), { hold: doc.legalHold });
      const file = { uploadId: upload.id, contentType: upload.contentType, size: blob.size, fileName, uploadedAt: nowIso() };
      return { ...doc, files: { ...doc.files, [upload.kind]: file }, updatedAt: nowIso() };
    },
    alongside: auditChange(principal, "update", [`files.${upload.kind}`]),
  }).catch(async (err: unknown) => {
    if (err instanceof NotFound) await deleteFile(upload.blobName); // the candidate is gone meanwhile
    const hold = (err as { hold?: { reason: string } }).hold;
    if (hold) {
      // A hold, or a file under one, that came while this upload was checked: the copy goes, the kept file stays.
      await deleteFile(upload.blobName);
      await refuseReplacementUnderHold(upload, hold);
    }
    throw err;
  });
  await setUploadStatus(upload, "completed");
  completed();
  emitEvent("upload.accepted", { kind: upload.kind }, { count: 1, bytes: blob.size });
  // The upload has served its purpose; should deleting it fail, the hourly cleanup does it.
  await deleteFile(upload.blobName, "candidateUploads").catch(() => {});
  if (replaced && replaced !== upload.id) await deleteFile(blobNameOf(upload.municipalityId, upload.candidateId, upload.kind, replaced));
  return candidateView(updated);
}

const decodeMetadata = (value: string | undefined) => {
  try {
    return decodeURIComponent(value ?? "");
  } catch {
    return "";
  }
};

/** A short-lived read link, for whoever may see the candidate (the read is audited there). */
export async function fileLink(principal: Principal, candidateId: string, kind: FileKind): Promise<{ url: string; expiresAt: string }> {
  const { view } = await getCandidate(principal, candidateId);
  const { files, municipalityId } = view;
  const file = files?.[kind];
  // Every projection that shows files also selects the municipality; without it there is no blob to name.
  if (!file || !municipalityId) throw notFound(`the candidate has no ${kind}`);
  const blobName = blobNameOf(municipalityId, candidateId, kind, file.uploadId);
  // The candidate's access log lists each download on its own, next to the read above.
  const [link] = await Promise.all([
    downloadLink(blobName, config().DOWNLOAD_SAS_MINUTES, file.fileName, file.contentType),
    audit(principal, "download", { id: candidateId, municipalityId }, [`files.${kind}`]),
  ]);
  return link;
}

/**
 * The candidate removes a file: the blob first, so nothing is left if the record update fails.
 * Not while a legal hold applies (409, GDPR Art. 17(3)(e)).
 */
export async function deleteMyFile(principal: Principal, kind: FileKind): Promise<void> {
  const { municipalityId, recordId } = await linkedAccount(principal, "candidate");
  const current = await getOwnFile(municipalityId, recordId, kind);
  await deleteFile(blobNameOf(municipalityId, recordId, kind, current.uploadId));
  await modifyCandidate({
    municipalityId,
    id: recordId,
    change: (doc) => {
      const { [kind]: _gone, ...files } = doc.files;
      return { ...doc, files, updatedAt: nowIso() };
    },
    alongside: auditChange(principal, "erase", [`files.${kind}`]),
  });
}

async function getOwnFile(municipalityId: string, candidateId: string, kind: FileKind) {
  const found = await readCandidate(municipalityId, candidateId);
  const file = found?.doc.files[kind];
  if (!file) throw notFound(`you have no ${kind}`);
  if (found.doc.legalHold) throw legalHoldApplies(found.doc.legalHold.reason);
  return file;
}

/**
 * Says which cleanup step failed and how: the error's name and code only, as its message can name
 * a blob, and a blob's name holds the candidate's id.
 */
function cleanupFailed(step: "upload" | "staleBlob", err: unknown): void {
  const code = codeOf(err);
  const status = statusOf(err);
  const error = err instanceof Error ? err.name : "other";
  emitEvent(
    "upload.cleanupFailed",
    { step, error, code: typeof code === "string" ? code : status ? `http${status}` : "none" },
    { count: 1 },
    "warn",
  );
}

/** Uploads are looked after for this many days; older partitions are empty by then. */
const CLEANUP_DAYS = 7;
const GRACE_MS = 3600_000;

/**
 * Tidies up uploads whose URL expired more than an hour ago. Per record: the uploaded blob goes;
 * a verified copy that no profile points to (replaced, or left by a crash midway) goes; then the
 * record. Then every blob in the uploads container last written before any upload URL that could
 * have written it expired (plus the completion grace and the hour), record or not: this also
 * removes what a still-valid URL wrote after its candidate was erased. A failing item is counted,
 * logged (event `upload.cleanupFailed`) and retried next time. `municipalityId` narrows it to one
 * municipality (tests).
 */
export async function cleanupUploads(
  scope: { municipalityId?: string } = {},
): Promise<{ removedBlobs: number; records: number; failed: number }> {
  const now = clock().now().getTime();
  const summary = { removedBlobs: 0, records: 0, failed: 0 };
  for (let d = 0; d < CLEANUP_DAYS; d++) {
    const day = uploadDay(now - d * 86_400_000);
    for await (const page of uploadsOfDay(day)) {
      for (const upload of page) {
        if (Date.parse(upload.expiresAt) + GRACE_MS > now) continue;
        if (scope.municipalityId && upload.municipalityId !== scope.municipalityId) continue;
        try {
          const candidate = await readCandidate(upload.municipalityId, upload.candidateId);
          await deleteFile(upload.blobName, "candidateUploads");
          if (candidate?.doc.files[upload.kind]?.uploadId !== upload.id) {
            await deleteFile(upload.blobName);
            summary.removedBlobs++;
          }
          await deleteUpload(upload);
          summary.records++;
        } catch (err) {
          summary.failed++;
          cleanupFailed("upload", err);
        }
      }
    }
  }
  const before = new Date(now - config().UPLOAD_SAS_MINUTES * 60_000 - COMPLETE_GRACE_MS - GRACE_MS);
  const stale = await deleteStaleUploads(before, {
    ...(scope.municipalityId ? { prefix: `${scope.municipalityId}/` } : {}),
    onFailure: (err) => cleanupFailed("staleBlob", err),
  });
  summary.removedBlobs += stale.deleted;
  summary.failed += stale.failed;
  return summary;
}
