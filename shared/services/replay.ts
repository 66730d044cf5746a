import { config } from "../config/index.js";
import { deletionsSince, recordDeletion, type DeletionKey } from "../data/audit.js";
import { readCandidate, replaceCandidate } from "../data/candidates.js";
import { readEmployer } from "../data/employers.js";
import { container } from "../data/cosmos.js";
import { municipalityIds } from "../data/municipalities.js";
import { failureOf } from "../data/status.js";
import { withoutOwnContent } from "../domain/candidate.js";
import { nowIso } from "../domain/clock.js";
import { deleteCandidateFiles } from "../storage/blob.js";
import { journalEntries, readJournalEntry, type JournalEntry } from "../storage/deletion-journal.js";
import { pseudonym } from "./pseudonym.js";
import { eraseCandidate, eraseEmployer } from "./retention.js";

/** Ids a page when scanning a partition for candidates a restore brought back. */
const ID_PAGE = 1000;

export interface ReplayCounts {
  /** Candidate and employer deletions and profile erasures since `since` (deletion records and journal together, each once). */
  deletions: number;
  /** Candidates and employers present again although deleted, and erased profiles back (a restore brought them back). */
  found: number;
  erased: number;
  failed: number;
  /** Deletion records that were only in the journal (the restore took them) and were written again. */
  recordsRestored: number;
}

export interface ReplayOptions {
  /** ISO time: replay deletions made at or after it (the restore point, or earlier). */
  since: string;
  /** Default: every municipality (the database's, and any the journal names). */
  municipalities?: string[];
  shouldStop?: () => boolean;
  log?: (line: string) => void;
}

export interface ReplaySummary extends ReplayCounts {
  complete: boolean;
  municipalities: Record<string, ReplayCounts>;
}

const empty = (): ReplayCounts => ({ deletions: 0, found: 0, erased: 0, failed: 0, recordsRestored: 0 });

/**
 * Re-applies every deletion (candidates, and ended employers) made since `since`: after a
 * point-in-time restore of Cosmos DB, people erased after the restore point are back. Which ones: the keyed pseudonyms of
 * the deletion records (in Cosmos DB) and of the deletion journal (in Blob storage, which the
 * restore does not touch), matched against the pseudonyms of the candidate ids in each
 * municipality's partition, computed in memory (ids only, a page at a time; an HMAC costs about
 * a microsecond). Found candidates go by the same erase as ever. Only when there is a deletion to
 * replay is the partition scanned at all.
 */
export async function replayDeletions(options: ReplayOptions): Promise<ReplaySummary> {
  const shouldStop = options.shouldStop ?? (() => false);
  const log = options.log ?? (() => {});
  const now = nowIso();
  const summary: ReplaySummary = { ...empty(), complete: true, municipalities: {} };
  const journal = await journalEntries(
    options.since.slice(0, 10),
    now.slice(0, 10),
    options.municipalities?.length === 1 ? options.municipalities[0] : undefined,
  );
  const byMunicipality = new Map<string, JournalEntry[]>();
  for (const e of journal) byMunicipality.set(e.municipalityId, [...(byMunicipality.get(e.municipalityId) ?? []), e]);
  const municipalities = options.municipalities ?? [...new Set([...(await municipalityIds()), ...byMunicipality.keys()])];

  for (const m of municipalities) {
    if (shouldStop()) {
      summary.complete = false;
      break;
    }
    const counts = empty();
    summary.municipalities[m] = counts;
    try {
      const records = await deletionsSince(m, options.since, now.slice(0, 4));
      const known = new Set(records.map((r) => r.id));
      // The journal names the day only: entries of the first day from before `since` are read to check.
      for (const e of byMunicipality.get(m) ?? []) {
        if (known.has(e.id)) continue;
        const record = await readJournalEntry(e.name);
        if (!record || record.deletedAt < options.since) continue;
        records.push(record);
        // The restore took the deletion record with it: write it again, as it was.
        const { id: _id, subjectId: _s, subjectType: _t, ...rest } = record;
        await recordDeletion(rest);
        counts.recordsRestored++;
      }
      counts.deletions = records.length;
      if (records.length) await eraseFound(m, wantedOf(records), counts, shouldStop, log);
    } catch (err) {
      counts.failed++;
      summary.complete = false;
      log(`replay: replaying deletions of ${m} failed: ${failureOf(err)}`);
    }
    if (counts.failed || shouldStop()) summary.complete = false; // failed, or cut off within this municipality
    for (const k of Object.keys(counts) as (keyof ReplayCounts)[]) summary[k] += counts[k];
  }
  return summary;
}

type WantedDeletion = Pick<DeletionKey, "recordType" | "deletedAt">;
type Wanted = Map<string, WantedDeletion>;

/**
 * Pseudonym → what to re-apply. A candidate deleted outright outranks an earlier profile
 * erasure of theirs; of several profile erasures the latest counts.
 */
function wantedOf(records: DeletionKey[]): Wanted {
  const wanted: Wanted = new Map();
  for (const { pseudonym: p, recordType, deletedAt } of records) {
    const seen = wanted.get(p);
    if (!seen || (seen.recordType === "profile" && (recordType !== "profile" || deletedAt > seen.deletedAt)))
      wanted.set(p, { recordType, deletedAt });
  }
  return wanted;
}

/** Ids in a municipality's candidates or employers whose pseudonym is wanted, with what is wanted (ids only, a page at a time). */
async function present(m: string, of: "candidates" | "employers", wanted: Wanted): Promise<{ id: string; what: WantedDeletion }[]> {
  const found: { id: string; what: WantedDeletion }[] = [];
  const ids = container(of).items.query<string>("SELECT VALUE c.id FROM c", { partitionKey: m, maxItemCount: ID_PAGE });
  while (ids.hasMoreResults()) {
    const { resources } = await ids.fetchNext();
    for (const id of resources) {
      const what = wanted.get(pseudonym(id));
      if (what) found.push({ id, what });
    }
  }
  return found;
}

/**
 * Re-applies one deletion to a record the restore brought back. A profile erasure applies only
 * to a record from before it (`updatedAt` earlier than the erasure): whatever the candidate
 * entered after erasing stays. False when there was nothing to do.
 */
async function reapply(m: string, id: string, { recordType, deletedAt }: Pick<DeletionKey, "recordType" | "deletedAt">): Promise<boolean> {
  if (recordType === "employer") {
    const current = await readEmployer(m, id);
    if (current) await eraseEmployer(m, current.doc, "replay");
    return !!current;
  }
  const current = await readCandidate(m, id);
  if (!current) return false;
  if (recordType === "candidate") {
    await eraseCandidate(current.doc, current.etag, "replay");
    return true;
  }
  if (current.doc.updatedAt >= deletedAt) return false;
  await deleteCandidateFiles(m, id);
  await replaceCandidate(withoutOwnContent(current.doc, deletedAt), current.etag);
  return true;
}

async function eraseFound(
  m: string,
  wanted: Wanted,
  counts: ReplayCounts,
  shouldStop: () => boolean,
  log: (line: string) => void,
): Promise<void> {
  const types = new Set([...wanted.values()].map((w) => w.recordType));
  for (const of of ["candidates", "employers"] as const) {
    if (of === "employers" ? !types.has("employer") : !types.has("candidate") && !types.has("profile")) continue;
    for (const { id, what } of await present(m, of, wanted)) {
      if (shouldStop()) return;
      // An employer's pseudonym never equals a candidate's (their ids differ); check the kind anyway.
      if ((of === "employers") !== (what.recordType === "employer")) continue;
      try {
        if (await reapply(m, id, what)) {
          counts.found++;
          counts.erased++;
        }
      } catch (err) {
        counts.found++;
        counts.failed++;
        log(`replay: re-applying a deletion to a restored record of ${m} failed: ${failureOf(err)}`);
      }
    }
  }
}

/** The nightly replay's window: deletions of the last RETENTION_REPLAY_DAYS days. */
export const nightlyReplaySince = (): string => new Date(Date.parse(nowIso()) - config().RETENTION_REPLAY_DAYS * 86_400_000).toISOString();
