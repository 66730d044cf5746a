import { randomUUID } from "node:crypto";
import { config } from "../config/index.js";
import { readCandidate } from "../data/candidates.js";
import { deleteUpload, insertUpload, pendingUploads, readUpload, setUploadStatus, uploadDay, uploadsOfDay, type UploadDoc } from "../data/uploads.js";
import type { CandidateView } from "../domain/candidate.js";
import { clock, nowIso } from "../domain/clock.js";
import { AppError, badRequest, conflict, notFound } from "../domain/errors.js";
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
  zipEntryNames,
  type FileKind,
  type StartUploadBody,
} from "../domain/uploads.js";
import { blobInfo, blobTags, candidatePrefix, deleteFile, lockBlob, readRange } from "../storage/blob.js";
import { downloadLink, uploadLink } from "../storage/sas.js";
import { auditChange } from "./audit.js";
import { getCandidate } from "./candidates.js";
import { candidateView, modifyCandidate, type VersionedView } from "./concurrency.js";
import { linkedAccount } from "./viewer.js";

const limitOf = (kind: FileKind) => {
  const c = config();
  return { cv: c.UPLOAD_MAX_CV_BYTES, photo: c.UPLOAD_MAX_PHOTO_BYTES, video: c.UPLOAD_MAX_VIDEO_BYTES }[kind];
};
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

const blobNameOf = (municipalityId: string, candidateId: string, kind: FileKind, uploadId: string) =>
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
    throw new AppError(429, "Too Many Requests", `you have ${MAX_PENDING_UPLOADS} unfinished uploads today; complete them or try again tomorrow`, undefined, { "Retry-After": "3600" });
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
  return docxProblem(zipEntryNames(bytes));
}

/** Defender for Storage's verdict, when scanning is on: "clean", "pending" or "malicious". */
async function scanVerdict(blobName: string): Promise<"clean" | "pending" | "malicious"> {
  if (config().MALWARE_SCANNING === "off") return "clean";
  const result = (await blobTags(blobName))["Malware Scanning scan result"];
  if (!result) return "pending";
  return result === "No threats found" ? "clean" : "malicious";
}

async function refuse(upload: UploadDoc, reason: string): Promise<never> {
  await deleteFile(upload.blobName);
  await setUploadStatus(upload, "failed");
  throw unprocessable(`the upload was refused and removed: ${reason}`);
}

/** How long after its URL expired an upload may still be completed (the cleanup comes later). */
const COMPLETE_GRACE_MS = 30 * 60_000;

/**
 * Step 3: verifies what arrived and attaches it to the profile, replacing (and deleting) the
 * previous file of that kind. A file that fails verification is deleted: 422 with the reason.
 * A file that passes is locked (a lease), so the still-valid upload URL cannot change it.
 */
export async function completeUpload(principal: Principal, uploadId: string): Promise<VersionedView> {
  const account = await linkedAccount(principal, "candidate");
  const upload = await readUpload(uploadId);
  if (!upload || upload.candidateId !== account.recordId) throw notFound("no such upload of yours");
  if (upload.status === "completed") throw conflict("this upload was completed already");
  if (upload.status === "failed") throw conflict("this upload was refused; start a new one");
  if (Date.parse(upload.expiresAt) + COMPLETE_GRACE_MS < clock().now().getTime()) await refuse(upload, "the upload has expired; start a new one");

  const blob = await blobInfo(upload.blobName);
  if (!blob) throw unprocessable("no bytes have arrived for this upload yet; PUT the file to uploadUrl first");
  const problem = await verificationProblem(upload, blob.size);
  if (problem) await refuse(upload, problem);
  const verdict = await scanVerdict(upload.blobName);
  if (verdict === "pending") {
    throw new AppError(409, "Conflict", "the file is still being scanned for malware; try again shortly", undefined, { "Retry-After": "10" });
  }
  if (verdict === "malicious") await refuse(upload, "the malware scan found a threat");
  if (!(await lockBlob(upload.blobName, blob.etag))) await refuse(upload, "the file changed while it was being checked");

  let replaced: string | undefined;
  const fileName = sanitiseFileName(decodeMetadata(blob.metadata.filename), upload.kind, upload.contentType);
  const updated = await modifyCandidate(
    upload.municipalityId,
    upload.candidateId,
    undefined,
    (doc) => {
      replaced = doc.files[upload.kind]?.uploadId;
      const file = { uploadId: upload.id, contentType: upload.contentType, size: blob.size, fileName, uploadedAt: nowIso() };
      return { ...doc, files: { ...doc.files, [upload.kind]: file }, updatedAt: nowIso() };
    },
    auditChange(principal, "update", [`files.${upload.kind}`]),
  );
  await setUploadStatus(upload, "completed");
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
  const file = (view as Partial<CandidateView>).files?.[kind];
  if (!file) throw notFound(`the candidate has no ${kind}`);
  const blobName = blobNameOf(view.municipalityId!, candidateId, kind, file.uploadId);
  return downloadLink(blobName, config().DOWNLOAD_SAS_MINUTES, file.fileName, file.contentType);
}

/** The candidate removes a file: the blob first, so nothing is left if the record update fails. */
export async function deleteMyFile(principal: Principal, kind: FileKind): Promise<void> {
  const { municipalityId, recordId } = await linkedAccount(principal, "candidate");
  const current = await getOwnFile(municipalityId, recordId, kind);
  await deleteFile(blobNameOf(municipalityId, recordId, kind, current.uploadId));
  await modifyCandidate(
    municipalityId,
    recordId,
    undefined,
    (doc) => {
      const { [kind]: _gone, ...files } = doc.files;
      return { ...doc, files, updatedAt: nowIso() };
    },
    auditChange(principal, "erase", [`files.${kind}`]),
  );
}

async function getOwnFile(municipalityId: string, candidateId: string, kind: FileKind) {
  const found = await readCandidate(municipalityId, candidateId);
  const file = found?.doc.files[kind];
  if (!file) throw notFound(`you have no ${kind}`);
  return file;
}

/** Uploads are looked after for this many days; older partitions are empty by then. */
const CLEANUP_DAYS = 7;
const GRACE_MS = 3600_000;

/**
 * Tidies up uploads whose URL expired more than an hour ago: a blob that no profile points to
 * (started and never completed, refused and sent again, or left by a crash midway) is deleted;
 * then the record goes. A failing item is counted and retried next time.
 */
export async function cleanupUploads(): Promise<{ removedBlobs: number; records: number; failed: number }> {
  const now = clock().now().getTime();
  const summary = { removedBlobs: 0, records: 0, failed: 0 };
  for (let d = 0; d < CLEANUP_DAYS; d++) {
    const day = uploadDay(now - d * 86_400_000);
    for await (const page of uploadsOfDay(day)) {
      for (const upload of page) {
        if (Date.parse(upload.expiresAt) + GRACE_MS > now) continue;
        try {
          const candidate = await readCandidate(upload.municipalityId, upload.candidateId);
          if (candidate?.doc.files[upload.kind]?.uploadId !== upload.id) {
            await deleteFile(upload.blobName);
            summary.removedBlobs++;
          }
          await deleteUpload(upload);
          summary.records++;
        } catch {
          summary.failed++;
        }
      }
    }
  }
  return summary;
}
