import type { JSONObject, OperationInput } from "@azure/cosmos";
import { config } from "../config/index.js";
import type { Principal } from "../domain/roles.js";
import { container } from "./cosmos.js";

export type AuditAction =
  | "create"
  | "read"
  | "update"
  | "erase"
  | "redeem"
  | "acceptTerms"
  | "sharing"
  | "search"
  | "download"
  | "export"
  | "accessLog"
  | "appearances";

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
  /**
   * For an employer user, `employerId` and its `municipalityId` name the organisation, so the
   * candidate's access log can show the company instead of a person.
   */
  actor: { sub: string; role: Principal["role"]; municipalityId?: string; ip?: string; employerId?: string };
  at: string;
  /** Seconds: Azure deletes the event AUDIT_RETENTION_DAYS after it was written (the nightly sweep does too). */
  ttl: number;
}

export type AuditInput = Omit<AuditEvent, "id" | "actor" | "at" | "ttl">;

/** Upserts, so a retried write that logs with the same id leaves one event. */
export async function appendAudit(principal: Principal, at: string, id: string, input: AuditInput, employer?: { id: string; municipalityId: string }): Promise<void> {
  const actor: AuditEvent["actor"] = { sub: principal.sub, role: principal.role };
  if (principal.municipalityId) actor.municipalityId = principal.municipalityId;
  if (principal.ip) actor.ip = principal.ip;
  if (employer) Object.assign(actor, { employerId: employer.id, municipalityId: employer.municipalityId });
  const event: AuditEvent = { id, ...input, actor, at, ttl: config().AUDIT_RETENTION_DAYS * 86_400 };
  await container("audit").items.upsert(event);
}

/**
 * How often one organisation was shown a candidate in search results on one UTC day: one document
 * per candidate, organisation and day, in the candidate's own audit partition (so the candidate's
 * access log is one partition query, and erasing the trail takes these along). No user's `sub`:
 * the organisation is the employer record, or the municipality for staff.
 */
export interface AppearanceEvent {
  id: string;
  subjectId: string;
  subjectType: "candidate";
  municipalityId: string;
  action: "appearances";
  actor: { role: Principal["role"]; municipalityId?: string; employerId?: string };
  day: string;
  count: number;
  /** The latest appearance: the log sorts on it. */
  at: string;
  ttl: number;
}

/**
 * Counts one appearance per shown candidate. A day's first appearances (most of them: paging
 * shows new candidates) are created in one bulk request, which Cosmos groups by physical
 * partition. Documents that exist already (known to this instance, or a create that got 409) are
 * incremented with a patch each, in parallel: bulk requests take no patch operations on the
 * emulator. A patch that finds nothing (404) is dropped: only the candidate's erasure removes a
 * document of the day, and nothing is written back for an erased candidate.
 */
export async function countAppearances(candidates: { id: string; municipalityId: string }[], org: AppearanceEvent["actor"], at: string): Promise<void> {
  const day = at.slice(0, 10);
  const orgKey = org.employerId ? `employer:${org.employerId}` : `${org.role}:${org.municipalityId ?? ""}`;
  const id = `appearances:${day}:${orgKey}`;
  const ttl = config().AUDIT_RETENTION_DAYS * 86_400;
  const key = (candidateId: string) => `${candidateId}|${id}`;
  const fresh = candidates.filter((c) => !existing.has(key(c.id)));
  const known = candidates.filter((c) => existing.has(key(c.id))).map((c) => c.id);

  const creates: OperationInput[] = fresh.map((c) => {
    const doc: AppearanceEvent = { id, subjectId: c.id, subjectType: "candidate", municipalityId: c.municipalityId, action: "appearances", actor: org, day, count: 1, at, ttl };
    return { operationType: "Create", partitionKey: c.id, resourceBody: doc as unknown as JSONObject };
  });
  const created = creates.length ? await container("audit").items.executeBulkOperations(creates) : [];
  created.forEach((r, i) => {
    const candidateId = fresh[i]!.id;
    const code = r.response?.statusCode ?? r.error?.code;
    if (code === 409) known.push(candidateId);
    else if (typeof code === "number" && code < 300) remember(key(candidateId));
    else throw r.error ?? new Error(`appearance count failed with ${String(code)}`);
  });

  const bump = async (candidateId: string) => {
    try {
      await container("audit").item(id, candidateId).patch([
        { op: "incr", path: "/count", value: 1 },
        { op: "set", path: "/at", value: at },
        { op: "set", path: "/ttl", value: ttl },
      ]);
      remember(key(candidateId));
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      existing.delete(key(candidateId));
    }
  };
  await Promise.all(known.map(bump));
}

/** Appearance documents this instance created or patched (bounded): they are patched without trying a create first. */
const existing = new Set<string>();
function remember(key: string): void {
  if (existing.size >= 20_000) existing.clear();
  existing.add(key);
}

/** One page of a candidate's trail (events and appearance counts), newest first: one partition. */
export async function auditTrailPage(
  subjectId: string,
  pageSize: number,
  continuation: string | undefined,
): Promise<{ items: (AuditEvent | AppearanceEvent)[]; continuation: string | undefined }> {
  const { resources, continuationToken } = await container("audit")
    .items.query<AuditEvent | AppearanceEvent>(
      {
        query: "SELECT c.id, c.action, c.fields, c.actor, c.at, c.day, c.count FROM c WHERE c.subjectId = @s ORDER BY c.at DESC",
        parameters: [{ name: "@s", value: subjectId }],
      },
      { partitionKey: subjectId, maxItemCount: pageSize, ...(continuation ? { continuationToken: continuation } : {}) },
    )
    .fetchNext();
  return { items: resources, continuation: continuationToken };
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
 * `profile`: the candidate erased what they entered themselves (the record stays); kept so a
 * restore from before that moment can be corrected (shared/services/replay.ts).
 */
export interface DeletionRecord {
  id: string;
  subjectId: string;
  subjectType: "deletion";
  recordType: "candidate" | "employer" | "profile";
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

/**
 * Upserted under the pseudonym: a deletion that is retried leaves one record, and of a profile
 * erased more than once the latest erasure is the one kept (the one a restore is checked against).
 */
export async function recordDeletion(record: Omit<DeletionRecord, "id" | "subjectId" | "subjectType">): Promise<DeletionRecord> {
  const doc: DeletionRecord = {
    id: record.recordType === "profile" ? `profile-${record.pseudonym}` : record.pseudonym,
    subjectId: `deletions:${record.municipalityId}:${record.deletedAt.slice(0, 4)}`,
    subjectType: "deletion",
    ...record,
  };
  await container("audit").items.upsert(doc);
  return doc;
}

export type DeletionKey = Pick<DeletionRecord, "id" | "pseudonym" | "recordType" | "deletedAt">;

/** The deletions (and profile erasures) of a municipality made at or after `since` (one partition a year). */
export async function deletionsSince(municipalityId: string, since: string, untilYear: string): Promise<DeletionKey[]> {
  const out: DeletionKey[] = [];
  for (let year = Number(since.slice(0, 4)); year <= Number(untilYear); year++) {
    const subjectId = `deletions:${municipalityId}:${year}`;
    const { resources } = await container("audit")
      .items.query<DeletionKey>(
        {
          query: "SELECT c.id, c.pseudonym, c.recordType, c.deletedAt FROM c WHERE c.subjectId = @s AND c.deletedAt >= @since",
          parameters: [{ name: "@s", value: subjectId }, { name: "@since", value: since }],
        },
        { partitionKey: subjectId },
      )
      .fetchAll();
    out.push(...resources);
  }
  return out;
}

export async function deletionRecords(municipalityId: string, year: string): Promise<DeletionRecord[]> {
  const subjectId = `deletions:${municipalityId}:${year}`;
  const { resources } = await container("audit")
    .items.query<DeletionRecord>({ query: "SELECT * FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: subjectId }] }, { partitionKey: subjectId })
    .fetchAll();
  return resources;
}
