import { config } from "../config/index.js";
import { findAccount } from "../data/accounts.js";
import { readCandidate } from "../data/candidates.js";
import { readInvitation } from "../data/invitations.js";
import { notificationsAbout, type Delivery } from "../data/outbox.js";
import { uploadsOf } from "../data/uploads.js";
import { municipalityOfCandidate, toView, type CandidateView } from "../domain/candidate.js";
import { nowIso, todayIso } from "../domain/clock.js";
import { notFound } from "../domain/errors.js";
import { retentionInWords } from "../domain/retention.js";
import type { Principal } from "../domain/roles.js";
import { FILE_KINDS } from "../domain/uploads.js";
import { downloadLink } from "../storage/sas.js";
import { wholeAccessLog, type AccessLogEntry } from "./access-log.js";
import { audit } from "./audit.js";
import { municipalityOf } from "./municipalities.js";
import { blobNameOf } from "./uploads.js";
import { admitView } from "./view-limits.js";
import { linkedAccount } from "./viewer.js";

/**
 * Everything stored about a candidate, as one document (GDPR Art. 15 and 20). Left out, because
 * they are not about the person or only restate what is here: values derived from the record for
 * indexing (search terms, sort key, look-up words, the indexed deletion date), hashes of
 * invitation codes, the storage path of an upload, Cosmos system fields, the internal key of the
 * retention rule and the date coaches were last signalled (the signal itself is listed), TTLs;
 * and, in the usage log, the accounts and IP addresses of the staff and employer users who acted
 * (their personal data, not the candidate's: the log names their role and organisation).
 */
export interface CandidateExport {
  exportedAt: string;
  candidate: CandidateView;
  account?: { sub: string; linkedAt: string };
  invitations: { createdAt: string; expiresAt: string; redeemedAt?: string }[];
  files: {
    kind: string;
    uploadId: string;
    fileName: string;
    contentType: string;
    size: number;
    uploadedAt: string;
    url: string;
    expiresAt: string;
  }[];
  uploads: {
    uploadId: string;
    kind: string;
    status: string;
    contentType: string;
    size: number;
    createdAt: string;
    expiresAt: string;
    checkingSince?: string;
  }[];
  accessLog: AccessLogEntry[];
  notifications: {
    id: string;
    type: string;
    audience: string;
    createdAt: string;
    deleteOn?: string;
    tips?: string[];
    delivery?: ExportedDelivery;
  }[];
}

/** Whether and when a notification was e-mailed; the drainer's claim and next-try time are bookkeeping. */
type ExportedDelivery = Omit<Delivery, "dueAt" | "claim">;

/** The export and, as its ETag, the version of the record it was made from. */
export interface Exported {
  etag: string;
  document: CandidateExport;
}

async function build(municipalityId: string, candidateId: string): Promise<Exported | undefined> {
  const found = await readCandidate(municipalityId, candidateId);
  if (!found) return undefined;
  const doc = found.doc;
  const candidate = toView(doc);
  if (candidate.retention) {
    candidate.retention = {
      ...candidate.retention,
      explanation: retentionInWords(candidate.retention, candidate.serviceEnd, !!candidate.legalHold),
    };
  }
  const minutes = config().DOWNLOAD_SAS_MINUTES;
  const [account, invitations, files, uploads, accessLog, notifications] = await Promise.all([
    doc.accountSub ? findAccount(doc.accountSub) : undefined,
    Promise.all((doc.invitationIds ?? []).map((id) => readInvitation(id))),
    Promise.all(
      FILE_KINDS.flatMap((kind) => {
        const f = doc.files[kind];
        if (!f) return [];
        return [
          downloadLink(blobNameOf(municipalityId, candidateId, kind, f.uploadId), minutes, f.fileName, f.contentType).then((link) => ({
            kind,
            uploadId: f.uploadId,
            fileName: f.fileName,
            contentType: f.contentType,
            size: f.size,
            uploadedAt: f.uploadedAt,
            ...link,
          })),
        ];
      }),
    ),
    uploadsOf(candidateId),
    wholeAccessLog(candidateId),
    notificationsAbout(municipalityId, candidateId),
  ]);
  const document: CandidateExport = {
    exportedAt: nowIso(),
    candidate,
    ...(account && account.recordId === candidateId ? { account: { sub: account.id, linkedAt: account.linkedAt } } : {}),
    invitations: invitations.flatMap((i) =>
      i ? [{ createdAt: i.doc.createdAt, expiresAt: i.doc.expiresAt, ...(i.doc.redeemedAt ? { redeemedAt: i.doc.redeemedAt } : {}) }] : [],
    ),
    files,
    uploads: uploads.map((u) => ({
      uploadId: u.id,
      kind: u.kind,
      status: u.status,
      contentType: u.contentType,
      size: u.size,
      createdAt: u.createdAt,
      expiresAt: u.expiresAt,
      ...(u.checkingSince ? { checkingSince: u.checkingSince } : {}),
    })),
    accessLog,
    notifications: notifications.map((n) => ({
      id: n.id,
      type: n.type,
      audience: n.audience,
      createdAt: n.createdAt,
      ...(n.type === "retentionDue" ? { deleteOn: n.deleteOn } : {}),
      ...(n.type === "tips" ? { tips: n.tips } : {}),
      ...(n.delivery ? { delivery: exportedDelivery(n.delivery) } : {}),
    })),
  };
  return { etag: found.etag, document };
}

const exportedDelivery = ({ dueAt: _due, claim: _claim, ...rest }: Delivery): ExportedDelivery => rest;

/** The file name clients save the export under. */
export const exportFileName = () => `hallowerk-export-${todayIso()}.json`;

/** The candidate's own export; audited. */
export async function exportMine(principal: Principal): Promise<Exported> {
  const { municipalityId, recordId } = await linkedAccount(principal, "candidate");
  await admitView({ principal, municipalityId, recordId }, []);
  const [built] = await Promise.all([build(municipalityId, recordId), audit(principal, "export", { id: recordId, municipalityId })]);
  if (!built) throw notFound("your profile no longer exists");
  return built;
}

/** A coach or admin of the candidate's municipality exports for a written request; audited. */
export async function exportCandidate(principal: Principal, candidateId: string): Promise<Exported> {
  const m = municipalityOf(principal);
  if (municipalityOfCandidate(candidateId) !== m) throw notFound("no such candidate, or not one you may see");
  await admitView({ principal }, [candidateId]);
  if (!(await readCandidate(m, candidateId))) throw notFound("no such candidate, or not one you may see");
  const [built] = await Promise.all([build(m, candidateId), audit(principal, "export", { id: candidateId, municipalityId: m })]);
  if (!built) throw notFound("no such candidate, or not one you may see");
  return built;
}
