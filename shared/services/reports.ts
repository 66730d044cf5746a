import { countDeletions, countEvents, countRecords, type Period } from "../data/report-counts.js";
import { CANDIDATE_STATUSES } from "../domain/candidate.js";
import { nowIso } from "../domain/clock.js";
import { EMPLOYER_STATUSES } from "../domain/employer.js";
import {
  currentMonth,
  monthPeriod,
  RETENTION_RULES,
  shownReport,
  UPLOAD_KINDS,
  type ReportCounts,
  type ReportSummary,
} from "../domain/report.js";
import type { Principal } from "../domain/roles.js";
import { VACANCY_STATUSES } from "../domain/vacancy.js";
import { auditReport } from "./audit.js";
import { municipalityOf } from "./municipalities.js";

/** `{ a: count(a), b: count(b) }`, the counts made in parallel. */
async function each<K extends string>(keys: readonly K[], count: (key: K) => Promise<number>): Promise<Record<K, number>> {
  const counted = await Promise.all(keys.map(async (k) => [k, await count(k)] as const));
  return Object.fromEntries(counted) as Record<K, number>;
}

/** Every count of the report, at once: each an indexed count in Cosmos DB. */
async function countAll(m: string, period: Period): Promise<ReportCounts> {
  const employerEvents = (action: string) => countEvents(m, period, { action, "actor.role": "employer" });
  const [
    candidates,
    sharingWithEmployers,
    hiddenFromEmployers,
    employers,
    vacancies,
    uploads,
    byRule,
    onRequest,
    profilesErased,
    employersDeleted,
    searches,
    candidateViews,
  ] = await Promise.all([
    each(CANDIDATE_STATUSES, (status) => countRecords("candidates", m, "candidate", { status })),
    countRecords("candidates", m, "candidate", { "sharing.withEmployers": true }),
    countRecords("candidates", m, "candidate", { "employerVisibility.hidden": true }),
    each(EMPLOYER_STATUSES, (status) => countRecords("employers", m, "employer", { status })),
    each(VACANCY_STATUSES, (status) => countRecords("vacancies", m, "vacancy", { status })),
    // A completed upload is logged as a change of `files.{kind}` (shared/services/uploads.ts).
    each(UPLOAD_KINDS, (kind) => countEvents(m, period, { action: "update" }, `files.${kind}`)),
    each(RETENTION_RULES, (rule) => countDeletions(m, period, { recordType: "candidate", trigger: "retention" }, `${rule}:`)),
    countDeletions(m, period, { recordType: "candidate", trigger: "request" }),
    countDeletions(m, period, { recordType: "profile" }),
    countDeletions(m, period, { recordType: "employer" }),
    employerEvents("search"),
    employerEvents("read"),
  ]);
  return {
    candidates,
    sharingWithEmployers,
    hiddenFromEmployers,
    employers,
    vacancies,
    uploads,
    deletions: { ...byRule, onRequest },
    profilesErased,
    employersDeleted,
    searches,
    candidateViews,
  };
}

/**
 * The report of the caller's municipality for `month` (default: this one), logged like other
 * staff reads, suppressed before it leaves the service.
 */
export async function summaryReport(principal: Principal, month = currentMonth()): Promise<ReportSummary> {
  const m = municipalityOf(principal);
  const generatedAt = nowIso();
  const [counts] = await Promise.all([countAll(m, monthPeriod(month)), auditReport(principal, m, month)]);
  return shownReport(m, month, generatedAt, counts);
}

/** The name a downloaded report is saved under. */
export const reportFileName = (report: ReportSummary) => `hallowerk-report-${report.municipalityId}-${report.month}.csv`;
