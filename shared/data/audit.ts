import type { JSONObject, OperationInput } from "@azure/cosmos";
import { config } from "../config/index.js";
import type { Principal } from "../domain/roles.js";
import { dependencyUnavailable } from "../domain/errors.js";
import { keepBounded, runtime } from "../runtime.js";
import { container, isStatus } from "./cosmos.js";
import type { StoredPage } from "./paging.js";
import { ignoreNotFound } from "./status.js";

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
  | "appearances"
  | "report";

/**
 * One usage-log line (DPIA §2): who, what, when; the IP address for staff only. Never field
 * values: changed fields by name; for searches, the filters and how many results came back.
 */
export interface AuditEvent {
  id: string;
  /**
   * A candidate's id, or for searches `search:{municipality}:{yyyy-mm-dd}:{bucket}`: a partition
   * per day and one of 16 buckets by the searching user, so none grows without bound; for
   * reports read, `report:{municipality}:{yyyy-mm}`.
   */
  subjectId: string;
  subjectType: "candidate" | "search" | "report";
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
export async function appendAudit(
  principal: Principal,
  at: string,
  id: string,
  input: AuditInput,
  employer?: { id: string; municipalityId: string },
): Promise<void> {
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
 * Counts one appearance per shown candidate, in one bulk request (Cosmos groups it by physical
 * partition): a day's first appearance is a create; a repeat this instance counted last (it knows
 * the document's count and ETag) is a replace with the count one higher, only if the ETag still
 * matches. What the bulk request could not do (a create another instance got to first, 409; a
 * replace after another instance counted, 412; an operation throttled) is done one by one, in
 * parallel: an incrementing patch (the emulator takes no patch operations in bulk), or a create
 * when there is nothing to patch yet. So no appearance is lost or counted twice, and a repeated
 * page costs one round trip instead of one per candidate. A document that is gone (404) is
 * dropped: only the candidate's erasure removes a document of the day, and nothing is written
 * back for an erased candidate.
 *
 * `items.bulk`, not `executeBulkOperations`: the latter waits a second for more operations before
 * it sends a partial batch, on every call. `items.bulk` wraps a failed request in an error without
 * its status; as every other Cosmos failure after the SDK's retries, that is a 503.
 */
export async function countAppearances(
  candidates: { id: string; municipalityId: string }[],
  org: AppearanceEvent["actor"],
  at: string,
): Promise<void> {
  const day = at.slice(0, 10);
  const orgKey = org.employerId ? `employer:${org.employerId}` : `${org.role}:${org.municipalityId ?? ""}`;
  const id = `appearances:${day}:${orgKey}`;
  const ttl = config().AUDIT_RETENTION_DAYS * 86_400;
  const key = (candidateId: string) => `${candidateId}|${id}`;
  const counted = runtime().memory.appearances;
  const doc = (c: { id: string; municipalityId: string }, count: number): JSONObject =>
    ({
      id,
      subjectId: c.id,
      subjectType: "candidate",
      municipalityId: c.municipalityId,
      action: "appearances",
      actor: { ...org },
      day,
      count,
      at,
      ttl,
    }) satisfies AppearanceEvent;

  const operations = candidates.map((c): OperationInput => {
    const last = counted.get(key(c.id));
    return last
      ? { operationType: "Replace", id, partitionKey: c.id, ifMatch: last.etag, resourceBody: doc(c, last.count + 1) }
      : { operationType: "Create", partitionKey: c.id, resourceBody: doc(c, 1) };
  });
  const results = operations.length
    ? await container("audit")
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- on purpose: executeBulkOperations waits a second a call (above)
        .items.bulk(operations)
        .catch(() => {
          throw dependencyUnavailable("the database is busy or unreachable; try again shortly", 5);
        })
    : [];

  /** One appearance on its own: increment, or create the day's document when there is none (a throttled create). */
  const countOne = async (c: { id: string; municipalityId: string }, mayCreate: boolean): Promise<void> => {
    try {
      const { resource, etag } = await container("audit")
        .item(id, c.id)
        .patch<JSONObject>([
          { op: "incr", path: "/count", value: 1 },
          { op: "set", path: "/at", value: at },
          { op: "set", path: "/ttl", value: ttl },
        ]);
      remember(key(c.id), resource, etag);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      counted.delete(key(c.id));
      if (!mayCreate) return;
      try {
        const { resource, etag } = await container("audit").items.create(doc(c, 1));
        remember(key(c.id), resource, etag);
      } catch (createErr) {
        if (!isStatus(createErr, 409)) throw createErr;
        await countOne(c, false);
      }
    }
  };
  await Promise.all(
    results.map(async (r, i) => {
      const [c, operation] = [candidates[i], operations[i]];
      if (!c || !operation) throw new Error("Cosmos DB answered more bulk operations than it was sent");
      if (r.statusCode < 300) remember(key(c.id), r.resourceBody, r.eTag);
      else if (r.statusCode === 404) counted.delete(key(c.id));
      else await countOne(c, operation.operationType === "Create");
    }),
  );
}

/** Keeps the count and ETag of an appearance document as this instance wrote it (bounded): the next repeat replaces it. */
function remember(key: string, written: JSONObject | undefined, etag: string | undefined): void {
  const counted = runtime().memory.appearances;
  const count = written?.count;
  if (typeof count === "number" && etag) keepBounded(counted, key, { count, etag }, 20_000);
  else counted.delete(key);
}

/** One page of a candidate's trail (events and appearance counts), newest first: one partition. */
export async function auditTrailPage(
  subjectId: string,
  pageSize: number,
  continuation: string | undefined,
): Promise<StoredPage<AuditEvent | AppearanceEvent>> {
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
  await ignoreNotFound(container("audit").item(id, subjectId).delete());
}

/** A subject's trail, newest first (one partition). */
export async function auditTrail(subjectId: string): Promise<AuditEvent[]> {
  const { resources } = await container("audit")
    .items.query<AuditEvent>(
      {
        query:
          "SELECT c.id, c.subjectId, c.subjectType, c.municipalityId, c.action, c.fields, c.filters, c.resultCount, c.resultIds, c.actor, c.at FROM c WHERE c.subjectId = @s ORDER BY c.at DESC",
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
      .query<string>(
        { query: "SELECT VALUE c.id FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: subjectId }] },
        { partitionKey: subjectId, maxItemCount: 100 },
      )
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
export async function auditEventsBefore(
  cutoff: string,
  municipalityId: string | undefined,
  max: number,
): Promise<{ id: string; subjectId: string }[]> {
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

/** The partition of a municipality's deletion records of one year (of `deletedAt`). */
export const deletionPartition = (municipalityId: string, year: string) => `deletions:${municipalityId}:${year}`;

/**
 * Upserted under the pseudonym: a deletion that is retried leaves one record, and of a profile
 * erased more than once the latest erasure is the one kept (the one a restore is checked against).
 */
export async function recordDeletion(record: Omit<DeletionRecord, "id" | "subjectId" | "subjectType">): Promise<DeletionRecord> {
  const doc: DeletionRecord = {
    id: record.recordType === "profile" ? `profile-${record.pseudonym}` : record.pseudonym,
    subjectId: deletionPartition(record.municipalityId, record.deletedAt.slice(0, 4)),
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
    const subjectId = deletionPartition(municipalityId, String(year));
    const { resources } = await container("audit")
      .items.query<DeletionKey>(
        {
          query: "SELECT c.id, c.pseudonym, c.recordType, c.deletedAt FROM c WHERE c.subjectId = @s AND c.deletedAt >= @since",
          parameters: [
            { name: "@s", value: subjectId },
            { name: "@since", value: since },
          ],
        },
        { partitionKey: subjectId },
      )
      .fetchAll();
    out.push(...resources);
  }
  return out;
}

export async function deletionRecords(municipalityId: string, year: string): Promise<DeletionRecord[]> {
  const subjectId = deletionPartition(municipalityId, year);
  const { resources } = await container("audit")
    .items.query<DeletionRecord>(
      { query: "SELECT * FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: subjectId }] },
      { partitionKey: subjectId },
    )
    .fetchAll();
  return resources;
}
