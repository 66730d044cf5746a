import { randomUUID } from "node:crypto";
import { appendAudit, removeAuditEvent, type AuditAction } from "../data/audit.js";
import { nowIso } from "../domain/clock.js";
import type { Principal } from "../domain/roles.js";

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

/** Records a search: who, in which municipality's name, with which filters, how many results. */
export function auditSearch(principal: Principal, municipalityId: string, filters: Record<string, unknown>, resultIds: string[]): Promise<void> {
  const at = nowIso();
  return appendAudit(principal, at, randomUUID(), {
    subjectType: "search",
    subjectId: `search:${municipalityId}:${at.slice(0, 7)}`,
    municipalityId,
    action: "search",
    filters,
    resultCount: resultIds.length,
    resultIds,
  });
}

/** Field names a merge patch touches, as dotted paths one level deep ("admin.postcode"). */
export function touchedFields(side: string, patch: Record<string, unknown>): string[] {
  return Object.keys(patch).map((key) => `${side}.${key}`);
}
