import { config } from "../config/index.js";
import type { Principal } from "../domain/roles.js";
import { container } from "./cosmos.js";

export type AuditAction = "create" | "read" | "update" | "erase" | "redeem" | "acceptTerms" | "sharing" | "search";

/**
 * One usage-log line (DPIA §2): who, what, when; the IP address for staff only. Never field
 * values: changed fields by name; for searches, the filters and how many results came back.
 */
export interface AuditEvent {
  id: string;
  /**
   * A candidate's id, or for searches `search:{municipality}:{yyyy-mm-dd}:{bucket}`: a partition
   * per day and one of 16 buckets by the searching user, so none grows without bound.
   */
  subjectId: string;
  subjectType: "candidate" | "search";
  municipalityId: string;
  action: AuditAction;
  fields?: string[];
  filters?: Record<string, unknown>;
  resultCount?: number;
  /**
   * For searches: which candidates were shown (DPIA §2: which data was viewed, by whom), as keyed
   * pseudonyms of their ids (shared/services/pseudonym.ts), so none outlives an erased candidate.
   */
  resultIds?: string[];
  actor: { sub: string; role: Principal["role"]; municipalityId?: string; ip?: string };
  at: string;
  /** Seconds: Azure deletes the event AUDIT_RETENTION_DAYS after it was written (the nightly sweep does too). */
  ttl: number;
}

export type AuditInput = Omit<AuditEvent, "id" | "actor" | "at" | "ttl">;

/** Upserts, so a retried write that logs with the same id leaves one event. */
export async function appendAudit(principal: Principal, at: string, id: string, input: AuditInput): Promise<void> {
  const actor: AuditEvent["actor"] = { sub: principal.sub, role: principal.role };
  if (principal.municipalityId) actor.municipalityId = principal.municipalityId;
  if (principal.ip) actor.ip = principal.ip;
  const event: AuditEvent = { id, ...input, actor, at, ttl: config().AUDIT_RETENTION_DAYS * 86_400 };
  await container("audit").items.upsert(event);
}

/** Takes back one event (a read of something that turned out not to exist). */
export async function removeAuditEvent(subjectId: string, id: string): Promise<void> {
  await container("audit").item(id, subjectId).delete().catch((err: { code?: number }) => {
    if (err.code !== 404) throw err;
  });
}

/** A subject's trail, newest first (one partition). */
export async function auditTrail(subjectId: string): Promise<AuditEvent[]> {
  const { resources } = await container("audit")
    .items.query<AuditEvent>(
      {
        query: "SELECT c.id, c.subjectId, c.subjectType, c.municipalityId, c.action, c.fields, c.filters, c.resultCount, c.resultIds, c.actor, c.at FROM c WHERE c.subjectId = @s ORDER BY c.at DESC",
        parameters: [{ name: "@s", value: subjectId }],
      },
      { partitionKey: subjectId },
    )
    .fetchAll();
  return resources;
}

/** Deletes a subject's whole trail, a page at a time (one partition); returns how many went. */
export async function deleteAuditTrail(subjectId: string): Promise<number> {
  const audit = container("audit");
  let deleted = 0;
  for (;;) {
    const { resources, continuationToken } = await audit.items
      .query<string>({ query: "SELECT VALUE c.id FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: subjectId }] }, { partitionKey: subjectId, maxItemCount: 100 })
      .fetchNext();
    await Promise.all(resources.map((id) => removeAuditEvent(subjectId, id)));
    deleted += resources.length;
    // Done when the query had nothing more; otherwise ask again from the start (deleted ones are gone).
    if (!continuationToken) return deleted;
  }
}

/**
 * Usage-log events written before `cutoff` (an ISO time), a page at a time, across partitions
 * (by the indexed municipality and time); deletion records have no `at` and never match.
 */
export async function auditEventsBefore(cutoff: string, municipalityId: string | undefined, max: number): Promise<{ id: string; subjectId: string }[]> {
  const { resources } = await container("audit")
    .items.query<{ id: string; subjectId: string }>(
      {
        query: `SELECT c.id, c.subjectId FROM c WHERE c.at < @cutoff${municipalityId ? " AND c.municipalityId = @m" : ""}`,
        parameters: [{ name: "@cutoff", value: cutoff }, ...(municipalityId ? [{ name: "@m", value: municipalityId }] : [])],
      },
      { maxItemCount: max },
    )
    .fetchNext();
  return resources;
}

/**
 * What is kept of a deleted candidate or employer, for accountability: no personal data, a
 * pseudonymous id (a hash of the record id), the rule, the dates and counts of what went.
 */
export interface DeletionRecord {
  id: string;
  subjectId: string;
  subjectType: "deletion";
  recordType: "candidate" | "employer";
  municipalityId: string;
  pseudonym: string;
  trigger: "retention" | "request";
  rule: string;
  deleteOn?: string;
  serviceEndedOn?: string;
  deletedAt: string;
  removed: Record<string, number>;
  actor?: { sub: string; role: string };
}

/** Upserted under the pseudonym: a deletion that is retried leaves one record. */
export async function recordDeletion(record: Omit<DeletionRecord, "id" | "subjectId" | "subjectType">): Promise<void> {
  const doc: DeletionRecord = {
    id: record.pseudonym,
    subjectId: `deletions:${record.municipalityId}:${record.deletedAt.slice(0, 4)}`,
    subjectType: "deletion",
    ...record,
  };
  await container("audit").items.upsert(doc);
}

export async function deletionRecords(municipalityId: string, year: string): Promise<DeletionRecord[]> {
  const subjectId = `deletions:${municipalityId}:${year}`;
  const { resources } = await container("audit")
    .items.query<DeletionRecord>({ query: "SELECT * FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: subjectId }] }, { partitionKey: subjectId })
    .fetchAll();
  return resources;
}
