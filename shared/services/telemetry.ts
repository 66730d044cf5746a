import { AsyncLocalStorage } from "node:async_hooks";
import type { InvocationContext } from "@azure/functions";

/**
 * Operational events: one log line each, `hallowerk.event {json}`, through the invocation's
 * `context.log` / `context.warn`. The Functions host sends worker logs to Application Insights as
 * `traces` (message as written, customDimensions with Category `Function.<name>.User`, LogLevel,
 * InvocationId), where the alerts of infra/app/alerts.bicep find them with KQL:
 *
 *   traces | where message startswith "hallowerk.event " | extend e = parse_json(substring(message, 16))
 *
 * No personal data, by construction: the event name is one of a closed list; labels are short
 * codes (`[a-zA-Z][a-zA-Z0-9._-]{0,39}`, anything else becomes "other") or booleans; everything
 * else is a number. No ids, names, e-mail addresses or free text can pass.
 */
export const EVENT_PREFIX = "hallowerk.event ";

export const EVENTS = [
  "retention.sweep",
  "retention.replay",
  "timer.failed",
  "upload.accepted",
  "upload.refused",
  "upload.cleanupFailed",
  "limit.hit",
  "audit.unrecorded",
  "mail.sent",
  "mail.failed",
  "mail.deadLettered",
] as const;
export type EventName = (typeof EVENTS)[number];

export type Labels = Record<string, string | boolean>;
export type Counts = Record<string, number>;

const CODE = /^[a-zA-Z][a-zA-Z0-9._-]{0,39}$/;

const scope = new AsyncLocalStorage<InvocationContext>();

/** Runs `work` with `context` as where events go (routes and timers do this for every invocation). */
export const withEvents = <T>(context: InvocationContext, work: () => T): T => scope.run(context, work);

/** The line an event is written as; exported for tests. */
export function eventLine(event: EventName, labels: Labels = {}, counts: Counts = {}): string {
  const out: Record<string, string | number | boolean> = { event: EVENTS.includes(event) ? event : "other" };
  for (const [k, v] of Object.entries(labels)) {
    if (!CODE.test(k)) continue;
    out[k] = typeof v === "boolean" ? v : CODE.test(v) ? v : "other";
  }
  for (const [k, v] of Object.entries(counts)) {
    if (!CODE.test(k) || k in out) continue;
    out[k] = Number.isFinite(v) ? v : 0;
  }
  return EVENT_PREFIX + JSON.stringify(out);
}

/** Emits an event in the current invocation (`warn` level when `warn`); outside one, nothing. */
export function emitEvent(event: EventName, labels: Labels = {}, counts: Counts = {}, level: "info" | "warn" = "info"): void {
  const context = scope.getStore();
  if (!context) return;
  const line = eventLine(event, labels, counts);
  if (level === "warn") context.warn(line);
  else context.log(line);
}

interface SweepLike {
  complete: boolean;
  durationMs: number;
  auditEvents: number;
  counters: number;
  municipalities: Record<string, { candidates: Record<string, number>; employers: number; failed: number; signalled: number }>;
}

interface ReplayLike {
  complete: boolean;
  deletions: number;
  found: number;
  erased: number;
  failed: number;
  recordsRestored: number;
}

/** The nightly sweep's totals: deleted by rule, signalled, failed; and the replay's counts. */
export function emitSweepEvents(summary: SweepLike, replay: ReplayLike): void {
  const totals = { deleted: 0, employersDeleted: 0, signalled: 0, failed: 0 };
  const byRule: Counts = {};
  for (const m of Object.values(summary.municipalities)) {
    for (const [rule, n] of Object.entries(m.candidates)) {
      totals.deleted += n;
      byRule[`deleted.${rule}`] = (byRule[`deleted.${rule}`] ?? 0) + n;
    }
    totals.employersDeleted += m.employers;
    totals.signalled += m.signalled;
    totals.failed += m.failed;
  }
  const counts: Counts = {
    ...totals,
    auditEvents: summary.auditEvents,
    counters: summary.counters,
    durationMs: summary.durationMs,
    ...byRule,
    municipalities: Object.keys(summary.municipalities).length,
  };
  emitEvent("retention.sweep", { complete: summary.complete }, counts, totals.failed || !summary.complete ? "warn" : "info");
  const { complete, ...replayCounts } = replay;
  emitEvent("retention.replay", { trigger: "nightly", complete }, replayCounts, replay.failed || replay.found ? "warn" : "info");
}
