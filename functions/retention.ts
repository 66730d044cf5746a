import * as z from "zod";
import { LONG_REQUEST_BUDGET_SECONDS } from "../shared/config/limits.js";
import { PageQuery } from "../shared/http/request.js";
import { route } from "../shared/http/routes.js";
import { ReplayResult, RetentionPreviewPage, RetentionRun } from "../shared/http/views.js";
import { timer } from "../shared/http/timers.js";
import { municipalityOf } from "../shared/services/municipalities.js";
import { nightlyReplaySince, replayDeletions } from "../shared/services/replay.js";
import { previewRetention, runRetention } from "../shared/services/retention.js";
import { emitEvent, emitSweepEvents } from "../shared/services/telemetry.js";
import { config } from "../shared/config/index.js";
import { nowIso } from "../shared/domain/clock.js";

route({
  name: "retention-preview",
  method: "GET",
  path: "admin/retention/preview",
  action: "retention.preview",
  summary: "What the retention sweep will delete in your municipality within N days, and why",
  query: z.object({ withinDays: z.coerce.number().int().min(0).max(3650).default(30), ...PageQuery }).strict(),
  responses: { 200: { description: "candidates due within the window (overdue ones first in line)", schema: RetentionPreviewPage } },
  handler: async ({ principal, query }) => ({
    body: await previewRetention(principal, query.withinDays, query.pageSize, query.continuation),
  }),
});

route({
  name: "retention-run",
  method: "POST",
  path: "admin/retention/run",
  action: "retention.run",
  summary: "Run the retention sweep for your municipality now",
  body: z.strictObject({ dryRun: z.boolean() }),
  responses: {
    200: {
      description: "what was deleted (or, in a dry run, would be), counted per rule, with the ids",
      schema: RetentionRun,
    },
  },
  // Well inside the 230 s an HTTP request may take in Azure; what is left waits for the night.
  budgetSeconds: LONG_REQUEST_BUDGET_SECONDS,
  handler: async ({ principal, body }) => ({
    body: await runRetention({ dryRun: body.dryRun, municipalities: [municipalityOf(principal)], budgetSeconds: 180 }),
  }),
});

route({
  name: "retention-replay-deletions",
  method: "POST",
  path: "admin/retention/replay-deletions",
  action: "retention.replayDeletions",
  summary: "Erase again everyone of your municipality deleted since a time (after a backup restore)",
  description:
    "Mandatory after a point-in-time restore: whoever was deleted since `since` (the restore point or earlier) and is back is erased again. Safe to repeat.",
  body: z.strictObject({
    since: z.iso
      .datetime({ offset: true })
      .max(40)
      .refine((t) => Date.parse(t) <= Date.parse(nowIso()), "a time up to now")
      .refine((t) => Date.parse(nowIso()) - Date.parse(t) <= 366 * 86_400_000, "at most 366 days ago"),
  }),
  responses: {
    200: {
      description: "how many deletions there were, and how many people were found and erased again (counts only)",
      schema: ReplayResult,
    },
  },
  budgetSeconds: LONG_REQUEST_BUDGET_SECONDS,
  handler: async ({ principal, body }) => {
    const since = new Date(body.since).toISOString();
    const started = Date.now();
    const r = await replayDeletions({
      since,
      municipalities: [municipalityOf(principal)],
      shouldStop: () => Date.now() - started > 180_000,
    });
    emitEvent(
      "retention.replay",
      { trigger: "admin" },
      { deletions: r.deletions, found: r.found, erased: r.erased, failed: r.failed, recordsRestored: r.recordsRestored },
    );
    const { municipalities: _m, ...counts } = r;
    return { body: { since, ...counts } };
  },
});

timer({
  name: "retentionSweep",
  schedule: "0 0 2 * * *",
  localEveryMinutes: 24 * 60,
  run: async (context) => {
    const started = Date.now();
    const budget = config().RETENTION_TIME_BUDGET_SECONDS * 1000;
    // First whoever a restore brought back (at most a third of the budget), then what is due.
    const replay = await replayDeletions({
      since: nightlyReplaySince(),
      shouldStop: () => Date.now() - started > budget / 3,
      log: (line) => context.warn(line),
    });
    const summary = await runRetention({
      dryRun: false,
      budgetSeconds: Math.max(1, Math.floor((budget - (Date.now() - started)) / 1000)),
      log: (line) => context.warn(line),
    });
    emitSweepEvents(summary, replay);
    // Counts per municipality and rule, duration: no names, no ids.
    const { items: _ids, ...counts } = summary;
    const { municipalities: _m, ...replayed } = replay;
    return { ...counts, replay: replayed };
  },
});
