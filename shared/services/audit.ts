import { createHash, randomUUID } from "node:crypto";
import { appendAudit, removeAuditEvent, type AuditAction } from "../data/audit.js";
import { nowIso } from "../domain/clock.js";
import type { Principal } from "../domain/roles.js";
import { pseudonym } from "./pseudonym.js";

/**
 * Records that `principal` did `action` on a candidate; resolves when it is stored.
 * Pass the same `eventId` to record one event however often a write is retried.
 */
export function audit(
  principal: Principal,
  action: AuditAction,
  candidate: { id: string; municipalityId: string },
  fields?: string[],
  eventId: string = randomUUID(),
): Promise<void> {
  return appendAudit(principal, nowIso(), eventId, {
    subjectType: "candidate",
    subjectId: candidate.id,
    municipalityId: candidate.municipalityId,
    action,
    ...(fields ? { fields } : {}),
  });
}

/**
 * Logs a read alongside the read itself (one round trip of latency, not two); `found` tells
 * afterwards whether there was anything to read, and takes the line back when there was not,
 * so no trail starts for an id that does not exist (or no longer does).
 */
export async function auditedRead<T>(principal: Principal, subject: { id: string; municipalityId: string }, read: Promise<T | undefined>): Promise<T | undefined> {
  const eventId = randomUUID();
  const [found] = await Promise.all([read, audit(principal, "read", subject, undefined, eventId)]);
  if (found === undefined) await removeAuditEvent(subject.id, eventId);
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
  const bucket = createHash("sha256").update(sub).digest()[0]! % SEARCH_BUCKETS;
  return `search:${municipalityId}:${at.slice(0, 10)}:${bucket.toString(16)}`;
}

/** Filters whose values come from a closed list, ids or dates; the others are typed text and logged by name only. */
const LOGGED_VALUES = new Set(["drivingLicence", "targetGroup", "municipality", "availableFrom", "page"]);

/**
 * Records a search: who, in which municipality's name, which filters (names; values only of
 * closed lists, never typed text), which candidates were shown. Small: ids, no free text.
 */
export function auditSearch(principal: Principal, municipalityId: string, filters: Record<string, unknown>, resultIds: string[]): Promise<void> {
  const at = nowIso();
  const used = Object.keys(filters).filter((k) => filters[k] !== undefined);
  return appendAudit(principal, at, randomUUID(), {
    subjectType: "search",
    subjectId: searchAuditPartition(municipalityId, principal.sub, at),
    municipalityId,
    action: "search",
    fields: used.filter((k) => k !== "page").sort(),
    filters: Object.fromEntries(used.filter((k) => LOGGED_VALUES.has(k)).map((k) => [k, filters[k]])),
    resultCount: resultIds.length,
    // Keyed pseudonyms (as in deletion records), not ids: nothing here outlives an erased candidate.
    resultIds: resultIds.map(pseudonym),
  });
}

/** Field names a merge patch touches, as dotted paths one level deep ("admin.postcode"). */
export function touchedFields(side: string, patch: Record<string, unknown>): string[] {
  return Object.keys(patch).map((key) => `${side}.${key}`);
}
