import { config } from "../config/index.js";
import { deletionsSince, recordDeletion, type DeletionRecord } from "../data/audit.js";
import { readCandidate } from "../data/candidates.js";
import { readEmployer } from "../data/employers.js";
import { container } from "../data/cosmos.js";
import { municipalityIds } from "../data/municipalities.js";
import { nowIso } from "../domain/clock.js";
import { journalEntries, readJournalEntry, type JournalEntry } from "../storage/deletion-journal.js";
import { pseudonym } from "./pseudonym.js";
import { eraseCandidate, eraseEmployer } from "./retention.js";

/** Ids a page when scanning a partition for candidates a restore brought back. */
const ID_PAGE = 1000;

export interface ReplayCounts {
  /** Candidate and employer deletions since `since` (deletion records and journal together, each once). */
  deletions: number;
  /** Candidates and employers present again although deleted (a restore brought them back). */
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
const reason = (err: unknown) => `${(err as Error)?.name ?? "Error"} ${(err as { code?: unknown })?.code ?? ""}`.trim();

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
  const journal = await journalEntries(options.since.slice(0, 10), now.slice(0, 10), options.municipalities?.length === 1 ? options.municipalities[0] : undefined);
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
      // Pseudonym → what was deleted: candidate or employer.
      const wanted = new Map<string, RecordType>((await deletionsSince(m, options.since, now.slice(0, 4))).map((r) => [r.pseudonym, r.recordType]));
      // The journal names the day only: entries of the first day from before `since` are read to check.
      for (const e of byMunicipality.get(m) ?? []) {
        if (wanted.has(e.pseudonym)) continue;
        const record = await readJournalEntry(e.name);
        if (!record || record.deletedAt < options.since) continue;
        wanted.set(e.pseudonym, record.recordType);
        // The restore took the deletion record with it: write it again, as it was.
        const { id: _id, subjectId: _s, subjectType: _t, ...rest } = record;
        await recordDeletion(rest);
        counts.recordsRestored++;
      }
      counts.deletions = wanted.size;
      if (wanted.size) await eraseFound(m, wanted, counts, shouldStop, log);
    } catch (err) {
      counts.failed++;
      summary.complete = false;
      log(`replay: replaying deletions of ${m} failed: ${reason(err)}`);
    }
    if (counts.failed || shouldStop()) summary.complete = false; // failed, or cut off within this municipality
    for (const k of Object.keys(counts) as (keyof ReplayCounts)[]) summary[k] += counts[k];
  }
  return summary;
}

type RecordType = DeletionRecord["recordType"];

/** Ids in a municipality's partition whose pseudonym is wanted for `type` (ids only, a page at a time). */
async function present(m: string, type: RecordType, wanted: Map<string, RecordType>): Promise<string[]> {
  const found: string[] = [];
  const ids = container(type === "candidate" ? "candidates" : "employers").items.query<string>("SELECT VALUE c.id FROM c", { partitionKey: m, maxItemCount: ID_PAGE });
  while (ids.hasMoreResults()) {
    const { resources } = await ids.fetchNext();
    for (const id of resources ?? []) if (wanted.get(pseudonym(id)) === type) found.push(id);
  }
  return found;
}

async function eraseFound(m: string, wanted: Map<string, RecordType>, counts: ReplayCounts, shouldStop: () => boolean, log: (line: string) => void): Promise<void> {
  const types = new Set(wanted.values());
  for (const type of ["candidate", "employer"] as const) {
    if (!types.has(type)) continue;
    const found = await present(m, type, wanted);
    counts.found += found.length;
    for (const id of found) {
      if (shouldStop()) return;
      try {
        if (type === "candidate") {
          const current = await readCandidate(m, id);
          if (current) await eraseCandidate(current.doc, current.etag, "replay");
        } else {
          const current = await readEmployer(m, id);
          if (current) await eraseEmployer(m, current.doc, "replay");
        }
        counts.erased++;
      } catch (err) {
        counts.failed++;
        log(`replay: erasing a restored ${type} of ${m} failed: ${reason(err)}`);
      }
    }
  }
}

/** The nightly replay's window: deletions of the last RETENTION_REPLAY_DAYS days. */
export const nightlyReplaySince = (): string => new Date(Date.parse(nowIso()) - config().RETENTION_REPLAY_DAYS * 86_400_000).toISOString();
