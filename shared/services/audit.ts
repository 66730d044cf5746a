import { createHash, randomUUID } from "node:crypto";
import { findAccount } from "../data/accounts.js";
import { appendAudit, countAppearances, removeAuditEvent, type AuditAction } from "../data/audit.js";
import { municipalityOfCandidate } from "../domain/candidate.js";
import { nowIso } from "../domain/clock.js";
import type { Principal } from "../domain/roles.js";
import { pseudonym } from "./pseudonym.js";

/**
 * Records that `principal` did `action` on a candidate; resolves when it is stored.
 * Pass the same `eventId` to record one event however often a write is retried.
 */
export async function audit(
  principal: Principal,
  action: AuditAction,
  candidate: { id: string; municipalityId: string },
  fields?: string[],
  eventId: string = randomUUID(),
): Promise<void> {
  const at = nowIso();
  return appendAudit(
    principal,
    at,
    eventId,
    {
      subjectType: "candidate",
      subjectId: candidate.id,
      municipalityId: candidate.municipalityId,
      action,
      ...(fields ? { fields } : {}),
    },
    await employerOf(principal),
  );
}

/**
 * The organisation of an employer user (their linked employer record), so the candidate's access
 * log can name the company instead of a person. The account link is cached per instance, and the
 * request that audits has just read it, so this costs no round trip.
 */
async function employerOf(principal: Principal): Promise<{ id: string; municipalityId: string } | undefined> {
  if (principal.role !== "employer") return undefined;
  const account = await findAccount(principal.sub);
  return account?.kind === "employer" ? { id: account.recordId, municipalityId: account.municipalityId } : undefined;
}

/**
 * Logs a read alongside the read itself and, when given, the viewing limits' `admission` of it
 * (one round trip of latency, not two or three). The line is taken back when there was nothing
 * to read, so no trail starts for an id that does not exist (or no longer does), and when the
 * limits refused the read, whose answer is then their refusal: nothing is shown.
 */
export async function auditedRead<T>(
  principal: Principal,
  subject: { id: string; municipalityId: string },
  read: Promise<T | undefined>,
  admission: Promise<void> = Promise.resolve(),
): Promise<T | undefined> {
  const eventId = randomUUID();
  const refused = admission.then(
    () => undefined,
    (err: unknown) => ({ err }),
  );
  const [found, refusal] = await Promise.all([read, refused, audit(principal, "read", subject, undefined, eventId)]);
  if (found === undefined || refusal) await removeAuditEvent(subject.id, eventId);
  if (refusal) throw refusal.err;
  return found;
}

/** The `alongside` step of a candidate write: one audit event, however often the write is retried. */
export function auditChange(principal: Principal, action: AuditAction, fields?: string[]) {
  const eventId = randomUUID();
  return (doc: { id: string; municipalityId: string }) => audit(principal, action, doc, fields, eventId);
}

/** Buckets a municipality's searches of a day are spread over. */
const SEARCH_BUCKETS = 16;

/**
 * The partition of a search event: per municipality, UTC day and one of 16 buckets chosen by
 * the searching user, so one user's searches of a day are one partition and none grows without
 * bound (a day's searches of one bucket are bounded by the viewing limits).
 */
export function searchAuditPartition(municipalityId: string, sub: string, at: string): string {
  const bucket = createHash("sha256").update(sub).digest().readUInt8(0) % SEARCH_BUCKETS;
  return `search:${municipalityId}:${at.slice(0, 10)}:${bucket.toString(16)}`;
}

/** Filters whose values come from a closed list, ids or dates; the others are typed text and logged by name only. */
const LOGGED_VALUES = new Set(["drivingLicence", "targetGroup", "municipality", "availableFrom", "page", "vacancy"]);

/**
 * Records a search: who, in which municipality's name, which filters (names; values only of
 * closed lists, never typed text), which candidates were shown. Small: ids, no free text.
 */
export async function auditSearch(
  principal: Principal,
  municipalityId: string,
  filters: Record<string, unknown>,
  resultIds: string[],
): Promise<void> {
  const at = nowIso();
  const used = Object.keys(filters).filter((k) => filters[k] !== undefined);
  const employer = await employerOf(principal);
  // An employer's search counts, in each shown candidate's access log, the appearance per
  // organisation and day (concurrent with the search event), so the log never has to scan other
  // municipalities' searches. Staff lists and searches are not counted: the log names what
  // employers saw.
  const appearances = employer
    ? countAppearances(
        resultIds.map((id) => ({ id, municipalityId: municipalityOfCandidate(id) ?? municipalityId })),
        { role: principal.role, employerId: employer.id, municipalityId: employer.municipalityId },
        at,
      )
    : undefined;
  const event = appendAudit(
    principal,
    at,
    randomUUID(),
    {
      subjectType: "search",
      subjectId: searchAuditPartition(municipalityId, principal.sub, at),
      municipalityId,
      action: "search",
      fields: used.filter((k) => k !== "page").sort(),
      filters: Object.fromEntries(used.filter((k) => LOGGED_VALUES.has(k)).map((k) => [k, filters[k]])),
      resultCount: resultIds.length,
      // Keyed pseudonyms (as in deletion records), not ids: nothing here outlives an erased candidate.
      resultIds: resultIds.map(pseudonym),
    },
    employer,
  );
  await Promise.all([event, appearances]);
}

/**
 * Records that a staff member read the municipality's report for `month`: in a partition per
 * municipality and month read, beside the usage log's other events (and deleted with them).
 */
export async function auditReport(principal: Principal, municipalityId: string, month: string): Promise<void> {
  const at = nowIso();
  await appendAudit(principal, at, randomUUID(), {
    subjectType: "report",
    subjectId: `report:${municipalityId}:${at.slice(0, 7)}`,
    municipalityId,
    action: "report",
    filters: { month },
  });
}

/** Field names a merge patch touches, as dotted paths one level deep ("admin.postcode"). */
export function touchedFields(side: string, patch: Record<string, unknown>): string[] {
  return Object.keys(patch).map((key) => `${side}.${key}`);
}
