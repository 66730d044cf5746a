import { createHash } from "node:crypto";
import { config } from "../config/index.js";
import { deleteAccount } from "../data/accounts.js";
import { deleteAuditTrail, recordDeletion } from "../data/audit.js";
import { candidatesDue, candidatesToSignal, deleteCandidateDoc, type RetentionItem } from "../data/candidates.js";
import { deleteEmployerDoc, employersDue } from "../data/employers.js";
import { deleteInvitation } from "../data/invitations.js";
import { municipalityIds } from "../data/municipalities.js";
import { decodeContinuation, encodeContinuation, type Page } from "../data/paging.js";
import { deleteVacancy, vacanciesOfEmployer } from "../data/vacancies.js";
import { clock, nowIso } from "../domain/clock.js";
import { addDays, isDue } from "../domain/retention.js";
import type { Principal } from "../domain/roles.js";
import { deleteCandidateFiles } from "../storage/blob.js";
import { modifyCandidate } from "./concurrency.js";
import { municipalityOf } from "./municipalities.js";
import { notifier } from "./notifier.js";

const PAGE = 50;
const CONCURRENCY = 4;

/** Runs `work` over `items`, at most `limit` at once. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}
const today = () => clock().now().toISOString().slice(0, 10);
const pseudonym = (recordId: string) => createHash("sha256").update(recordId).digest("hex");

type Erasable = Pick<RetentionItem, "id" | "municipalityId" | "accountSub" | "invitationIds"> & {
  retention?: { rule: string; deleteOn: string };
  serviceEnd?: { endedOn: string };
};

/**
 * Deletes everything of a candidate: files, invitations, the account link, the usage log, and
 * last the record itself, so a run cut off midway finds the candidate again next time and every
 * step is safe to repeat. What stays is a deletion record without personal data.
 */
export async function eraseCandidate(c: Erasable, trigger: "retention" | "request", actor?: Principal): Promise<Record<string, number>> {
  const files = await deleteCandidateFiles(c.municipalityId, c.id);
  for (const id of c.invitationIds ?? []) await deleteInvitation(id);
  if (c.accountSub) await deleteAccount(c.accountSub);
  const auditEvents = await deleteAuditTrail(c.id);
  const removed = { files, invitations: c.invitationIds?.length ?? 0, accounts: c.accountSub ? 1 : 0, auditEvents, records: 1 };
  await recordDeletion({
    recordType: "candidate",
    municipalityId: c.municipalityId,
    pseudonym: pseudonym(c.id),
    trigger,
    rule: trigger === "request" ? "request to stop participating" : c.retention!.rule,
    ...(c.retention ? { deleteOn: c.retention.deleteOn } : {}),
    ...(c.serviceEnd ? { serviceEndedOn: c.serviceEnd.endedOn } : {}),
    deletedAt: nowIso(),
    removed,
    ...(actor ? { actor: { sub: actor.sub, role: actor.role } } : {}),
  });
  await deleteCandidateDoc(c.municipalityId, c.id);
  return removed;
}

interface EmployerDue {
  id: string;
  ended: { endedOn: string; deleteOn: string };
  accountSubs?: string[];
  invitationIds?: string[];
}

async function eraseEmployer(municipalityId: string, e: EmployerDue): Promise<void> {
  const vacancies = await vacanciesOfEmployer(municipalityId, e.id);
  for (const v of vacancies) await deleteVacancy(municipalityId, v.id);
  for (const id of e.invitationIds ?? []) await deleteInvitation(id);
  for (const sub of e.accountSubs ?? []) await deleteAccount(sub);
  await recordDeletion({
    recordType: "employer",
    municipalityId,
    pseudonym: pseudonym(e.id),
    trigger: "retention",
    rule: `employer ended ${e.ended.endedOn}, kept ${config().EMPLOYER_RETENTION_DAYS} days`,
    deleteOn: e.ended.deleteOn,
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
  /** False when the time budget ran out: the next run continues. */
  complete: boolean;
  municipalities: Record<string, MunicipalitySweep>;
  /** Ids of what was deleted (or would be), at most 1,000. */
  items: { type: "candidate" | "employer"; id: string; municipalityId: string; rule: string; deleteOn: string }[];
}

export interface SweepOptions {
  dryRun: boolean;
  /** Default: every municipality. */
  municipalities?: string[];
  /** Default: stop when RETENTION_TIME_BUDGET_SECONDS have passed. */
  shouldStop?: () => boolean;
  /** Logs one line a failure, names and codes only. */
  log?: (line: string) => void;
}

const MAX_ITEMS = 1000;

/**
 * The retention sweep: per municipality, deletes candidates whose date has come (an indexed
 * range in their partition) and ended employers past their keeping period, then signals the
 * coaches of candidates whose date is near. Pages, so memory stays flat; stops itself within
 * its time budget; a failed candidate is counted, skipped for the rest of the run, and retried
 * the next night.
 */
export async function runRetention(options: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const budget = config().RETENTION_TIME_BUDGET_SECONDS * 1000;
  const shouldStop = options.shouldStop ?? (() => Date.now() - started > budget);
  const log = options.log ?? (() => {});
  const summary: SweepSummary = { dryRun: options.dryRun, startedAt: new Date(started).toISOString(), durationMs: 0, complete: true, municipalities: {}, items: [] };
  const note = (item: SweepSummary["items"][number]) => summary.items.length < MAX_ITEMS && summary.items.push(item);
  const day = today();

  for (const m of options.municipalities ?? (await municipalityIds())) {
    const counts: MunicipalitySweep = { candidates: {}, employers: 0, failed: 0, signalled: 0 };
    summary.municipalities[m] = counts;

    // Candidates due. A real run re-reads the first page, as deleted ones drop out of it.
    const failed: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await candidatesDue(m, day, failed, PAGE, options.dryRun ? continuation : undefined);
      continuation = page.continuation;
      // A few candidates at a time: each deletion is a chain of small calls that waits on the network.
      let stopped = false;
      await inParallel(page.items, CONCURRENCY, async (c) => {
        if (stopped || (stopped = shouldStop())) return;
        try {
          if (!options.dryRun) await eraseCandidate(c, "retention");
          counts.candidates[c.retention.ruleKey] = (counts.candidates[c.retention.ruleKey] ?? 0) + 1;
          note({ type: "candidate", id: c.id, municipalityId: m, rule: c.retention.rule, deleteOn: c.deleteOn });
        } catch (err) {
          counts.failed++;
          failed.push(c.id);
          log(`retention: deleting a candidate of ${m} failed: ${(err as Error).name} ${(err as { code?: unknown }).code ?? ""}`);
        }
      });
      if (stopped) return finish(summary, started, false);
      if (!page.items.length) break;
    } while (options.dryRun ? continuation : true);

    // Ended employers past their keeping period.
    const failedEmployers: string[] = [];
    for (;;) {
      const page = await employersDue(m, day, failedEmployers, PAGE);
      if (!page.items.length) break;
      for (const e of page.items) {
        if (shouldStop()) return finish(summary, started, false);
        try {
          if (!options.dryRun) await eraseEmployer(m, e);
          counts.employers++;
          note({ type: "employer", id: e.id, municipalityId: m, rule: "employer ended", deleteOn: e.ended.deleteOn });
        } catch (err) {
          counts.failed++;
          log(`retention: deleting an employer of ${m} failed: ${(err as Error).name}`);
        }
        if (options.dryRun) failedEmployers.push(e.id); // a dry run deletes nothing: step past what it saw
      }
    }

    if (!options.dryRun) counts.signalled = await signal(m, day, shouldStop);
  }
  return finish(summary, started, true);
}

function finish(summary: SweepSummary, started: number, complete: boolean): SweepSummary {
  summary.complete = complete;
  summary.durationMs = Date.now() - started;
  return summary;
}

/** Tells the coaches about candidates whose data goes within the signal window, once per date. */
async function signal(m: string, day: string, shouldStop: () => boolean): Promise<number> {
  const until = addDays(day, config().RETENTION_SIGNAL_DAYS);
  let sent = 0;
  for (;;) {
    const page = await candidatesToSignal(m, day, until, PAGE);
    if (!page.items.length) return sent;
    for (const c of page.items) {
      if (shouldStop()) return sent;
      await notifier().send({
        id: `retention-${c.id}-${c.deleteOn}`,
        municipalityId: m,
        audience: "coach",
        type: "retentionDue",
        candidateId: c.id,
        deleteOn: c.deleteOn,
        createdAt: nowIso(),
      });
      await modifyCandidate(m, c.id, undefined, (doc) => ({ ...doc, retention: { ...doc.retention!, signalledFor: c.deleteOn } }));
      sent++;
    }
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
export async function previewRetention(principal: Principal, withinDays: number, pageSize: number, continuation?: string): Promise<Page<PreviewItem>> {
  const m = municipalityOf(principal);
  const day = today();
  const scope = JSON.stringify(["retention-preview", m, withinDays]);
  const page = await candidatesDue(m, addDays(day, withinDays), [], pageSize, decodeContinuation(continuation, scope));
  const items: PreviewItem[] = page.items.map((c) => ({
    type: "candidate",
    id: c.id,
    deleteOn: c.deleteOn,
    rule: c.retention.rule,
    overdue: isDue(c.deleteOn, day),
  }));
  return { items, continuation: encodeContinuation(page.continuation, scope) };
}
