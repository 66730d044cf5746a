import * as z from "zod";
import { CANDIDATE_STATUSES } from "./candidate.js";
import { nowIso } from "./clock.js";
import { EMPLOYER_STATUSES } from "./employer.js";
import { SERVICE_END_REASONS } from "./retention.js";
import { shownCount, shownGroup, shownShare, SMALL, WITHHELD, type Count } from "./suppression.js";
import { FILE_KINDS } from "./uploads.js";
import { VACANCY_STATUSES } from "./vacancy.js";

/**
 * The team leads' summary of a municipality: how many there are now, and what happened in one
 * month (UTC). Only counts, never per person, suppressed by shared/domain/suppression.ts.
 */

export const currentMonth = () => nowIso().slice(0, 7);

export const ReportQuery = z
  .object({
    month: z
      .string()
      .regex(/^20\d{2}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM, such as 2026-11")
      .meta({ maxLength: 7 })
      .refine((m) => m <= currentMonth(), "a month that has begun: this month (UTC) or an earlier one")
      .optional()
      .describe("the month the activity figures cover (UTC); the current month when left out"),
  })
  .strict();

/** The month as `[from, to)` in ISO time, comparable with stored timestamps. */
export function monthPeriod(month: string): { from: string; to: string } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
}

/** Retention rules a deletion record names first (`completed: 10 years after …`, `esf: …`; shared/domain/retention.ts). */
export const RETENTION_RULES = [...SERVICE_END_REASONS, "esf"] as const;
export const UPLOAD_KINDS = FILE_KINDS;

const count = (id: string) =>
  z.union([z.int().min(0), z.literal(SMALL)]).meta({ id, description: `a count; from 1 to 4 it shows as "${SMALL}"` });
const ReportCount = count("ReportCount");
const ReportTotal = z.union([z.int().min(0), z.literal(WITHHELD)]).meta({
  id: "ReportTotal",
  description: `the sum of the group; "${WITHHELD}" when it is below 5 or would let a "${SMALL}" count be worked out`,
});

const group = <K extends string>(keys: readonly K[]) =>
  z.object({ ...(Object.fromEntries(keys.map((k) => [k, ReportCount])) as Record<K, typeof ReportCount>), total: ReportTotal });

export const ReportSummary = z.object({
  municipalityId: z.string().max(64),
  month: z.string().max(7).describe("the month (UTC) of the activity figures: uploads, deletions, employer activity"),
  generatedAt: z.iso.datetime().describe("when the figures were counted; the counts of records are as of this moment"),
  candidates: z.object({
    byStatus: group(CANDIDATE_STATUSES),
    sharingWithEmployers: ReportCount.describe("candidates (any status) who share their profile with employers"),
    sharingPercent: z
      .number()
      .min(0)
      .max(100)
      .nullable()
      .describe("that count as a percentage of all candidates; null when either is suppressed"),
    hiddenFromEmployers: ReportCount.describe("candidates a coach hid from employers"),
  }),
  employers: z.object({ byStatus: group(EMPLOYER_STATUSES) }),
  vacancies: z.object({ byStatus: group(VACANCY_STATUSES) }),
  uploads: group(UPLOAD_KINDS).describe("files candidates added in the month (replacements too), by kind"),
  deletions: z.object({
    candidatesByRule: group([...RETENTION_RULES, "onRequest"]).describe(
      "candidates deleted in the month: by the retention rule that applied, or on request",
    ),
    profilesErased: ReportCount.describe("candidates who erased their own profile in the month (the record stays)"),
    employers: ReportCount.describe("ended employers deleted in the month"),
  }),
  employerActivity: z.object({
    searches: ReportCount.describe("searches by employers of the municipality in the month"),
    candidateViews: ReportCount.describe("times employers opened one of the municipality's candidates in the month"),
  }),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

/** The true counts, before suppression. */
export interface ReportCounts {
  candidates: Record<(typeof CANDIDATE_STATUSES)[number], number>;
  sharingWithEmployers: number;
  hiddenFromEmployers: number;
  employers: Record<(typeof EMPLOYER_STATUSES)[number], number>;
  vacancies: Record<(typeof VACANCY_STATUSES)[number], number>;
  uploads: Record<(typeof UPLOAD_KINDS)[number], number>;
  deletions: Record<(typeof RETENTION_RULES)[number] | "onRequest", number>;
  profilesErased: number;
  employersDeleted: number;
  searches: number;
  candidateViews: number;
}

/** The counts as the report may show them. */
export function shownReport(municipalityId: string, month: string, generatedAt: string, c: ReportCounts): ReportSummary {
  const byStatus = shownGroup(c.candidates);
  const sharing = shownCount(c.sharingWithEmployers);
  const withTotal = <K extends string>(g: { cells: Record<K, Count>; total: ReportSummary["uploads"]["total"] }) => ({
    ...g.cells,
    total: g.total,
  });
  return {
    municipalityId,
    month,
    generatedAt,
    candidates: {
      byStatus: withTotal(byStatus),
      sharingWithEmployers: sharing,
      sharingPercent: shownShare(sharing, byStatus.total),
      hiddenFromEmployers: shownCount(c.hiddenFromEmployers),
    },
    employers: { byStatus: withTotal(shownGroup(c.employers)) },
    vacancies: { byStatus: withTotal(shownGroup(c.vacancies)) },
    uploads: withTotal(shownGroup(c.uploads)),
    deletions: {
      candidatesByRule: withTotal(shownGroup(c.deletions)),
      profilesErased: shownCount(c.profilesErased),
      employers: shownCount(c.employersDeleted),
    },
    employerActivity: { searches: shownCount(c.searches), candidateViews: shownCount(c.candidateViews) },
  };
}

/**
 * The report as spreadsheet rows, one per figure: section (the path to its group), item, value;
 * the report's own facts (municipality, month, time) first, under `report`.
 */
export function reportRows(report: ReportSummary): [string, string, string | number | null][] {
  const rows: [string, string, string | number | null][] = [];
  const walk = (section: string, value: Record<string, unknown>) => {
    for (const [key, v] of Object.entries(value)) {
      if (v !== null && typeof v === "object") walk(section === "report" ? key : `${section}.${key}`, v as Record<string, unknown>);
      else rows.push([section, key, v as string | number | null]);
    }
  };
  walk("report", report);
  return rows;
}
