import { config } from "../config/index.js";
import { deleteAccount } from "../data/accounts.js";
import { auditEventsBefore, deleteAuditTrail, recordDeletion, removeAuditEvent } from "../data/audit.js";
import { candidatesDue, candidatesToSignal, deleteCandidateDoc, readCandidate, type RetentionItem } from "../data/candidates.js";
import { deleteViewCounter, pastViewCounters } from "../data/counters.js";
import { deleteEmployerDoc, employersDue } from "../data/employers.js";
import { deleteInvitation } from "../data/invitations.js";
import { deleteUploadsOf } from "../data/uploads.js";
import { municipalityIds } from "../data/municipalities.js";
import { continuations, type Page } from "../data/paging.js";
import { failureOf } from "../data/status.js";
import { deleteVacancy, vacanciesOfEmployer } from "../data/vacancies.js";
import { nowIso, todayIso } from "../domain/clock.js";
import { addDays, isDue } from "../domain/retention.js";
import type { Principal } from "../domain/roles.js";
import { deleteCandidateFiles } from "../storage/blob.js";
import { journalDeletion } from "../storage/deletion-journal.js";
import { modifyCandidate } from "./concurrency.js";
import { municipalityOf } from "./municipalities.js";
import { notifier } from "./notifier.js";
import { pseudonym } from "./pseudonym.js";
import { admitView } from "./view-limits.js";

const PAGE = 50;
const CONCURRENCY = 4;
/** A run that meets this many failures in one municipality moves on (storage is likely down). */
const MAX_FAILURES = 100;
/** At most this many employers a municipality a run (their ids go with each query). */
const MAX_SEEN = 1000;

/** Runs `work` over `items`, at most `limit` at once, until `shouldStop` says so; true when it stopped early. */
async function inParallel<T>(items: T[], limit: number, shouldStop: () => boolean, work: (item: T) => Promise<void>): Promise<boolean> {
  const queue = [...items];
  let stopped = false;
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        if (stopped || (stopped = shouldStop())) return;
        await work(item);
      }
    }),
  );
  return stopped;
}

type Erasable = Pick<RetentionItem, "id" | "municipalityId" | "accountSub" | "invitationIds"> & {
  retention?: { rule: string; deleteOn: string };
  serviceEnd?: { endedOn: string };
};

/**
 * Deletes everything of a candidate: files, invitations, the account link, notifications, the
 * usage log, and last the record itself (only if it is still the version `etag` names), so a
 * run cut off midway finds the candidate again next time and every step is safe to repeat.
 * What stays is a deletion record without personal data, also in the deletion journal (Blob
 * storage), which a point-in-time restore of Cosmos DB does not roll back.
 * A replay (`trigger: "replay"`, a candidate a restore brought back) writes no new deletion
 * record: the one it replays stands.
 */
export async function eraseCandidate(
  c: Erasable,
  etag: string,
  trigger: "retention" | "request" | "replay",
  actor?: Principal,
): Promise<Record<string, number>> {
  const rule = deletionRule(c, trigger);
  const files = await deleteCandidateFiles(c.municipalityId, c.id);
  for (const id of c.invitationIds ?? []) await deleteInvitation(id);
  if (c.accountSub) await deleteAccount(c.accountSub);
  await notifier().forget(c.municipalityId, c.id);
  const auditEvents = await deleteAuditTrail(c.id);
  // Uploads under way: their records go now, their blobs went above (and what a still-valid
  // upload URL writes from now on, the hourly cleanup removes).
  await deleteUploadsOf(c.id);
  const removed = { files, invitations: c.invitationIds?.length ?? 0, accounts: c.accountSub ? 1 : 0, auditEvents, records: 1 };
  if (trigger !== "replay" && rule !== undefined)
    await keepDeletionRecord({
      recordType: "candidate",
      municipalityId: c.municipalityId,
      pseudonym: pseudonym(c.id),
      trigger,
      rule,
      ...(c.retention ? { deleteOn: c.retention.deleteOn } : {}),
      ...(c.serviceEnd ? { serviceEndedOn: c.serviceEnd.endedOn } : {}),
      deletedAt: nowIso(),
      removed,
      ...(actor ? { actor: { sub: actor.sub, role: actor.role } } : {}),
    });
  await deleteCandidateDoc(c.municipalityId, c.id, etag);
  // A read that landed while the erase ran may have logged a line; with the record gone, no new ones come.
  await deleteAuditTrail(c.id);
  return removed;
}

/** The ground a candidate's deletion record names; a replay writes none. Checked before anything is deleted. */
function deletionRule(c: Erasable, trigger: "retention" | "request" | "replay"): string | undefined {
  if (trigger === "replay") return undefined;
  if (trigger === "request") return "request to stop participating";
  if (!c.retention) throw new Error("a candidate without a retention date is not due for deletion");
  return c.retention.rule;
}

/** The deletion record, in Cosmos DB and in the journal; both are upserts, so a retried erase leaves one of each. */
export async function keepDeletionRecord(record: Parameters<typeof recordDeletion>[0]): Promise<void> {
  await journalDeletion(await recordDeletion(record));
}

export interface EmployerDue {
  id: string;
  ended?: { endedOn: string; deleteOn: string };
  accountSubs?: string[];
  invitationIds?: string[];
}

/** Deletes an ended employer: vacancies, codes, account links, then the record; a replay (a restored one) writes no new deletion record. */
export async function eraseEmployer(municipalityId: string, e: EmployerDue, trigger: "retention" | "replay" = "retention"): Promise<void> {
  const { ended } = e;
  // Its deletion record names the end that made it due; a replay writes none.
  if (trigger === "retention" && !ended) throw new Error("an employer that has not ended is not due for deletion");
  const vacancies = await vacanciesOfEmployer(municipalityId, e.id);
  for (const v of vacancies) await deleteVacancy(municipalityId, v.id);
  for (const id of e.invitationIds ?? []) await deleteInvitation(id);
  for (const sub of e.accountSubs ?? []) await deleteAccount(sub);
  if (trigger === "retention" && ended)
    await keepDeletionRecord({
      recordType: "employer",
      municipalityId,
      pseudonym: pseudonym(e.id),
      trigger: "retention",
      rule: `employer ended ${ended.endedOn}, kept ${config().EMPLOYER_RETENTION_DAYS} days`,
      deleteOn: ended.deleteOn,
      deletedAt: nowIso(),
      removed: { vacancies: vacancies.length, accounts: e.accountSubs?.length ?? 0, records: 1 },
    });
  await deleteEmployerDoc(municipalityId, e.id);
}

export interface MunicipalitySweep {
  /** Candidates deleted (or, in a dry run, due), by rule. */
  candidates: Record<string, number>;
  employers: number;
  failed: number;
  signalled: number;
}

export interface SweepSummary {
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /** False when the time budget ran out or failures piled up: the next run continues. */
  complete: boolean;
  municipalities: Record<string, MunicipalitySweep>;
  /** Usage-log events older than AUDIT_RETENTION_DAYS deleted (not in a dry run). */
  auditEvents: number;
  /** Viewing-limit counters of past days deleted (not in a dry run). */
  counters: number;
  /** Ids of what was deleted (or would be), at most 1,000. */
  items: { type: "candidate" | "employer"; id: string; municipalityId: string; rule: string; deleteOn: string }[];
}

export interface SweepOptions {
  dryRun: boolean;
  /** Default: every municipality. */
  municipalities?: string[];
  /** Seconds the run may take; default RETENTION_TIME_BUDGET_SECONDS. */
  budgetSeconds?: number;
  /** Default: stop when the budget has passed. */
  shouldStop?: () => boolean;
  /** Logs one line a failure, names and codes only. */
  log?: (line: string) => void;
}

const MAX_ITEMS = 1000;

/** Why a failure happened, without anything of the record: error name and code. */

/**
 * The retention sweep: per municipality, deletes candidates whose date has come (an indexed
 * range in their partition) and ended employers past their keeping period, then signals the
 * coaches of candidates whose date is near. Pages, so memory stays flat; stops itself within
 * its time budget; a failed item is counted, skipped for the rest of the run, and retried the
 * next night.
 */
export async function runRetention(options: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const budget = (options.budgetSeconds ?? config().RETENTION_TIME_BUDGET_SECONDS) * 1000;
  const shouldStop = options.shouldStop ?? (() => Date.now() - started > budget);
  const log = options.log ?? (() => {});
  const summary: SweepSummary = {
    dryRun: options.dryRun,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    complete: true,
    municipalities: {},
    auditEvents: 0,
    counters: 0,
    items: [],
  };
  const note = (item: SweepSummary["items"][number]) => summary.items.length < MAX_ITEMS && summary.items.push(item);
  const day = todayIso();

  for (const municipalityId of options.municipalities ?? (await municipalityIds())) {
    const counts: MunicipalitySweep = { candidates: {}, employers: 0, failed: 0, signalled: 0 };
    summary.municipalities[municipalityId] = counts;
    const pass: Pass = { municipalityId, day, dryRun: options.dryRun, counts, note, shouldStop, log };
    const finished =
      (await sweepCandidates(pass)) &&
      (await sweepEmployers(pass)) &&
      (options.dryRun || (await signal(pass))) &&
      // A run for some municipalities removes their usage log's old events; the nightly run all at once, below.
      (options.dryRun || !options.municipalities || (await sweepAudit(summary, municipalityId, shouldStop, log)));
    if (!finished) {
      summary.complete = false;
      if (shouldStop()) break; // out of time; a municipality with too many failures only ends itself
    }
  }
  if (!options.dryRun) {
    // Across partitions, so events of municipalities never registered (staff searching first) go too.
    const finished =
      !shouldStop() &&
      (options.municipalities || (await sweepAudit(summary, undefined, shouldStop, log))) &&
      (await sweepCounters(summary, day, shouldStop, log));
    if (!finished) summary.complete = false;
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

/**
 * Deletes usage-log events written more than AUDIT_RETENTION_DAYS ago, of one municipality or
 * all (Azure's TTL does the same; the emulator has none, and TTL may fall behind). Deletion
 * records have no `at` and stay. False when it had to stop early.
 */
async function sweepAudit(
  summary: SweepSummary,
  municipalityId: string | undefined,
  shouldStop: () => boolean,
  log: (line: string) => void,
): Promise<boolean> {
  const cutoff = new Date(Date.parse(nowIso()) - config().AUDIT_RETENTION_DAYS * 86_400_000).toISOString();
  let failures = 0;
  for (;;) {
    // Always from the start: what was deleted no longer matches.
    const page = await auditEventsBefore(cutoff, municipalityId, PAGE * 2);
    if (!page.length) return true;
    const stopped = await inParallel(page, CONCURRENCY, shouldStop, async (e) => {
      try {
        await removeAuditEvent(e.subjectId, e.id);
        summary.auditEvents++;
      } catch (err) {
        failures++;
        log(`retention: deleting an old usage-log event failed: ${failureOf(err)}`);
      }
    });
    if (stopped || failures >= MAX_FAILURES) return false;
  }
}

/** Deletes viewing-limit counters of days before today (Azure's TTL does the same). */
async function sweepCounters(summary: SweepSummary, day: string, shouldStop: () => boolean, log: (line: string) => void): Promise<boolean> {
  let failures = 0;
  for (;;) {
    const ids = await pastViewCounters(day, PAGE * 2);
    if (!ids.length) return true;
    const stopped = await inParallel(ids, CONCURRENCY, shouldStop, async (id) => {
      try {
        await deleteViewCounter(id);
        summary.counters++;
      } catch (err) {
        failures++;
        log(`retention: deleting a viewing-limit counter failed: ${failureOf(err)}`);
      }
    });
    if (stopped || failures >= MAX_FAILURES) return false;
  }
}

/** One municipality's part of a run. */
interface Pass {
  municipalityId: string;
  day: string;
  dryRun: boolean;
  counts: MunicipalitySweep;
  note: (item: SweepSummary["items"][number]) => unknown;
  shouldStop: () => boolean;
  log: (line: string) => void;
}

/** Deletes (or counts) a municipality's due candidates; false when it had to stop early. */
async function sweepCandidates({ municipalityId: m, day, dryRun, counts, note, shouldStop, log }: Pass): Promise<boolean> {
  const skip: string[] = []; // failed, or no longer due when read again: not again in this run
  let failures = 0;
  let continuation: string | undefined;
  for (;;) {
    const page = await candidatesDue(m, day, skip, PAGE, continuation);
    const stopped = await inParallel(page.items, CONCURRENCY, shouldStop, async (c) => {
      try {
        if (!dryRun) {
          // Read again just before: a legal hold or a new date set since the page was read wins.
          const current = await readCandidate(m, c.id);
          if (!current?.doc.deleteOn || !isDue(current.doc.deleteOn, day)) {
            skip.push(c.id);
            return;
          }
          await eraseCandidate(current.doc, current.etag, "retention");
        }
        counts.candidates[c.retention.ruleKey] = (counts.candidates[c.retention.ruleKey] ?? 0) + 1;
        note({ type: "candidate", id: c.id, municipalityId: m, rule: c.retention.rule, deleteOn: c.deleteOn });
      } catch (err) {
        counts.failed++;
        failures++;
        skip.push(c.id);
        log(`retention: deleting a candidate of ${m} failed: ${failureOf(err)}`);
      }
    });
    if (stopped || failures >= MAX_FAILURES) return false;
    // A real run starts over after a page (deleted ones drop out); a dry run follows the continuation.
    continuation = dryRun || !page.items.length ? page.continuation : undefined;
    if (!continuation && (dryRun || !page.items.length)) return true;
  }
}

/** Deletes (or counts) a municipality's ended employers past their keeping period. */
async function sweepEmployers({ municipalityId: m, day, dryRun, counts, note, shouldStop, log }: Pass): Promise<boolean> {
  const seen: string[] = []; // never twice in a run, whether it went, failed, or was only counted
  for (;;) {
    const page = await employersDue(m, day, seen, PAGE);
    if (!page.items.length) return true;
    for (const e of page.items) {
      if (shouldStop()) return false;
      seen.push(e.id);
      try {
        if (!dryRun) await eraseEmployer(m, e);
        counts.employers++;
        note({ type: "employer", id: e.id, municipalityId: m, rule: "employer ended", deleteOn: e.ended.deleteOn });
      } catch (err) {
        counts.failed++;
        log(`retention: deleting an employer of ${m} failed: ${failureOf(err)}`);
      }
    }
    // `seen` goes with every query: keep it bounded, the rest waits for the next night.
    if (seen.length >= MAX_SEEN) return false;
  }
}

/** Tells the coaches about candidates whose data goes within the signal window, once per date. */
async function signal({ municipalityId: m, day, counts, shouldStop, log }: Pass): Promise<boolean> {
  const until = addDays(day, config().RETENTION_SIGNAL_DAYS);
  const failed: string[] = [];
  for (;;) {
    const page = await candidatesToSignal(m, day, until, failed, PAGE);
    if (!page.items.length) return true;
    for (const c of page.items) {
      if (shouldStop()) return false;
      try {
        await notifier().send({
          id: `retention-${c.id}-${c.deleteOn}`,
          municipalityId: m,
          audience: "coach",
          type: "retentionDue",
          candidateId: c.id,
          deleteOn: c.deleteOn,
          createdAt: nowIso(),
        });
        await modifyCandidate({
          municipalityId: m,
          id: c.id,
          // A date taken away meanwhile (a legal hold, a new service end) leaves nothing to mark.
          change: (doc) => (doc.retention ? { ...doc, retention: { ...doc.retention, signalledFor: c.deleteOn } } : doc),
        });
        counts.signalled++;
      } catch (err) {
        counts.failed++;
        failed.push(c.id);
        log(`retention: signalling about a candidate of ${m} failed: ${failureOf(err)}`);
      }
    }
    if (failed.length >= MAX_FAILURES) return false;
  }
}

export interface PreviewItem {
  type: "candidate";
  id: string;
  deleteOn: string;
  rule: string;
  overdue: boolean;
}

/** What the sweep will delete in the admin's municipality within `withinDays`, and why (paged). */
export async function previewRetention(
  principal: Principal,
  withinDays: number,
  pageSize: number,
  continuation?: string,
): Promise<Page<PreviewItem>> {
  const m = municipalityOf(principal);
  const day = todayIso();
  const tokens = continuations(JSON.stringify(["retention-preview", m, withinDays]));
  // A list of candidate ids: a page like any other, counted alongside the query.
  const [page] = await Promise.all([
    candidatesDue(m, addDays(day, withinDays), [], pageSize, tokens.decode(continuation)),
    admitView({ principal }, []),
  ]);
  const items: PreviewItem[] = page.items.map((c) => ({
    type: "candidate",
    id: c.id,
    deleteOn: c.deleteOn,
    rule: c.retention.rule,
    overdue: isDue(c.deleteOn, day),
  }));
  return { items, continuation: tokens.encode(page.continuation) };
}
