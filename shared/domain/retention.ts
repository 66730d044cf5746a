import * as z from "zod";
import { conflict } from "./errors.js";
import { isoDate } from "./fields.js";

/**
 * Retention (DPIA §10, §15; VNG selection list): the period starts when the service to the
 * candidate ends. Aborted application 1 year, rejected 5, completed/ended dossier 10; data needed
 * for ESF subsidies until 10 years after the ESF programme ends, whichever is later.
 */
export const SERVICE_END_REASONS = ["aborted", "rejected", "completed"] as const;
export type ServiceEndReason = (typeof SERVICE_END_REASONS)[number];

const years = (minimum: number) => z.number().int().min(minimum, `at least ${minimum} years (the DPIA's period)`).max(30);

/**
 * Periods in years; the configuration gives the DPIA's values, and a municipality may keep data
 * longer (its own selection list) but never shorter than the DPIA says.
 */
export const RetentionPeriods = z.strictObject({
  aborted: years(1),
  rejected: years(5),
  completed: years(10),
  esfAfterProgramme: years(10),
});
export type RetentionPeriods = z.infer<typeof RetentionPeriods>;

export const ServiceEnd = z
  .strictObject({
    endedOn: isoDate,
    reason: z.enum(SERVICE_END_REASONS),
    esfProgrammeEndsOn: isoDate.optional(),
  })
  .meta({ id: "ServiceEnd", description: "the end of service, which starts the retention period" });
export type ServiceEnd = z.infer<typeof ServiceEnd>;

/** What was decided when the service ended: when the data goes, and by which rule. */
export interface Retention {
  deleteOn: string;
  /** e.g. `completed: 10 years after 2026-11-28`, or the ESF rule when that one is later. */
  rule: string;
  ruleKey: ServiceEndReason | "esf";
  /** The deleteOn the coaches were last told about (so a signal goes out once per date). */
  signalledFor?: string;
}

export interface LegalHold {
  since: string;
  reason: string;
}

/** `date` plus `n` years, as ISO dates; 29 February moves to 1 March in years without one. */
export function addYears(date: string, n: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y + n, m - 1, d)).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The deletion date for an ended service. `earliest` (recording day + the signal window) keeps a
 * late-recorded or back-dated end from deleting the data before the coaches were told.
 */
export function retentionFor(end: ServiceEnd, periods: RetentionPeriods, earliest?: string): Retention {
  const period = periods[end.reason];
  let retention: Retention = {
    deleteOn: addYears(end.endedOn, period),
    rule: `${end.reason}: ${period} years after ${end.endedOn}`,
    ruleKey: end.reason,
  };
  if (end.esfProgrammeEndsOn) {
    const esf = addYears(end.esfProgrammeEndsOn, periods.esfAfterProgramme);
    if (esf > retention.deleteOn) {
      retention = {
        deleteOn: esf,
        rule: `esf: ${periods.esfAfterProgramme} years after the ESF programme ends (${end.esfProgrammeEndsOn})`,
        ruleKey: "esf",
      };
    }
  }
  if (earliest && retention.deleteOn < earliest) {
    retention = { ...retention, deleteOn: earliest, rule: `${retention.rule}; postponed to ${earliest} so the coaches are told first` };
  }
  return retention;
}

/** Due on its day: kept the day before, deleted on the day itself. */
export const isDue = (deleteOn: string, today: string) => deleteOn <= today;

export const ServiceEndBatch = z.strictObject({
  items: z.array(z.unknown()).min(1).max(500),
});

export const ServiceEndLine = ServiceEnd.extend({ clientNumber: z.string().trim().min(1).max(32) }).strict();

/**
 * 409 for an erasure (by the candidate or on their request) while a legal hold applies: the
 * right to erasure does not apply to data needed for legal claims (GDPR Art. 17(3)(e)).
 */
export const legalHoldApplies = (reason: string) =>
  conflict(`a legal hold applies (${reason}): the data is kept for a legal claim (GDPR Art. 17(3)(e)) until an admin lifts the hold`);

/**
 * The retention rule in plain English, for the candidate (GET /me/profile, the export): why
 * the data is kept and until when. English, as every other message of the API; a Dutch client
 * translates it from `deleteOn` and the service end it is shown with.
 */
export function retentionInWords(
  r: Pick<Retention, "deleteOn" | "rule">,
  end: { endedOn: string; reason: string; esfProgrammeEndsOn?: string } | undefined,
  held = false,
): string {
  const years = (/(\d+) years/.exec(r.rule)?.[1] ?? "").replace(/^1$/, "1 year").replace(/^(\d+)$/, "$1 years");
  const ended = end?.endedOn ?? "the end of your participation";
  let text: string;
  if (r.rule.startsWith("esf")) {
    text =
      `Part of your support was paid for by the European Social Fund (ESF). The municipality must keep your data ` +
      `for ${years} after that programme ends (${end?.esfProgrammeEndsOn ?? "its end date"}), so it is deleted on ${r.deleteOn}.`;
  } else {
    const why =
      end?.reason === "aborted"
        ? `Your application was stopped on ${ended}.`
        : end?.reason === "rejected"
          ? `Your application was not accepted (${ended}).`
          : `Your participation ended on ${ended}.`;
    text = `${why} The municipality must keep your data for ${years || "a fixed period"} after that date, and it is deleted on ${r.deleteOn}.`;
  }
  if (r.rule.includes("postponed")) text += ` The date was moved later so that your coach is told first.`;
  if (held) text += " For now a legal hold stops the deletion: the data is needed for a legal claim.";
  return text;
}
