import * as z from "zod";
import { LONG_REQUEST_BUDGET_SECONDS } from "../shared/config/limits.js";
import { isoDate } from "../shared/domain/fields.js";
import { ServiceEnd, ServiceEndBatch } from "../shared/domain/retention.js";
import { versioned } from "../shared/http/reply.js";
import { PageQuery } from "../shared/http/request.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { CandidateStaffView, EmployerStaffView, ReplayResult, RetentionPreviewPage, RetentionRun, ServiceEndBatchResult } from "../shared/http/views.js";
import { timer } from "../shared/http/timers.js";
import { deleteCandidateNow, endEmployer, recordServiceEnd, recordServiceEnds, setLegalHold } from "../shared/services/lifecycle.js";
import { municipalityOf } from "../shared/services/municipalities.js";
import { nightlyReplaySince, replayDeletions } from "../shared/services/replay.js";
import { previewRetention, runRetention } from "../shared/services/retention.js";
import { emitEvent, emitSweepEvents } from "../shared/services/telemetry.js";
import { config } from "../shared/config/index.js";
import { nowIso } from "../shared/domain/clock.js";

route({
  name: "candidates-service-end",
  method: "POST",
  path: "candidates/{id}/service-end",
  action: "candidates.recordServiceEnd",
  summary: "Record the end of service, which starts the retention period",
  params: IdParams,
  body: ServiceEnd,
  ifMatch: true,
  responses: {
    200: { description: "the candidate, inactive, with its retention date and rule", schema: CandidateStaffView, headers: { ETag: true } },
    409: { description: "the candidate is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body, ifMatch }) => versioned(await recordServiceEnd(principal, params.id, body, ifMatch)),
});

route({
  name: "candidates-legal-hold",
  method: "PUT",
  path: "candidates/{id}/legal-hold",
  action: "candidates.setLegalHold",
  summary: "Suspend or resume deletion of a candidate's data",
  params: IdParams,
  body: z
    .strictObject({ hold: z.boolean(), reason: z.string().trim().min(1).max(500).optional() })
    .refine((b) => !b.hold || b.reason, { message: "say why deletion is suspended", path: ["reason"] }),
  ifMatch: true,
  responses: {
    200: { description: "the candidate", schema: CandidateStaffView, headers: { ETag: true } },
    409: { description: "the candidate is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body, ifMatch }) => versioned(await setLegalHold(principal, params.id, body, ifMatch)),
});

route({
  name: "candidates-delete",
  method: "DELETE",
  path: "candidates/{id}",
  action: "candidates.delete",
  summary: "Erase a candidate and all their files now (request to stop participating)",
  params: IdParams,
  responses: {
    204: { description: "everything of the candidate is gone; a deletion record without personal data remains" },
    409: { description: "a legal hold applies (GDPR Art. 17(3)(e)); detail gives its reason" },
    412: { description: "the candidate was changed while being erased, so the record was kept; try again" },
  },
  handler: async ({ principal, params }) => {
    await deleteCandidateNow(principal, params.id);
    return { status: 204 };
  },
});

route({
  name: "integrations-service-ends",
  method: "POST",
  path: "integrations/service-ends",
  action: "integrations.serviceEnds",
  summary: "Report ended services from a client-tracking system (RAAK/RMW), in a batch",
  body: ServiceEndBatch,
  responses: {
    200: {
      description: "per line what happened; lines are independent, so one bad line does not stop the others",
      schema: ServiceEndBatchResult,
    },
  },
  handler: async ({ principal, body }) => ({ body: await recordServiceEnds(principal, body.items) }),
});

route({
  name: "employers-end",
  method: "POST",
  path: "employers/{id}/end",
  action: "employers.end",
  summary: "End an employer's participation",
  params: IdParams,
  body: z.strictObject({ endedOn: isoDate.optional() }),
  responses: {
    200: { description: "the employer, ended; its users lose access and its open vacancies close", schema: EmployerStaffView, headers: { ETag: true } },
    409: { description: "the employer is being changed by others right now; try again" },
  },
  handler: async ({ principal, params, body }) => versioned(await endEmployer(principal, params.id, body.endedOn)),
});

route({
  name: "retention-preview",
  method: "GET",
  path: "admin/retention/preview",
  action: "retention.preview",
  summary: "What the retention sweep will delete in your municipality within N days, and why",
  query: z.object({ withinDays: z.coerce.number().int().min(0).max(3650).default(30), ...PageQuery }).strict(),
  responses: { 200: { description: "candidates due within the window (overdue ones first in line)", schema: RetentionPreviewPage } },
  handler: async ({ principal, query }) => ({ body: await previewRetention(principal, query.withinDays, query.pageSize, query.continuation) }),
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
  description: "Mandatory after a point-in-time restore: whoever was deleted since `since` (the restore point or earlier) and is back is erased again. Safe to repeat.",
  body: z.strictObject({
    since: z.iso
      .datetime({ offset: true })
      .max(40)
      .refine((t) => Date.parse(t) <= Date.parse(nowIso()), "a time up to now")
      .refine((t) => Date.parse(nowIso()) - Date.parse(t) <= 366 * 86_400_000, "at most 366 days ago"),
  }),
  responses: { 200: { description: "how many deletions there were, and how many people were found and erased again (counts only)", schema: ReplayResult } },
  budgetSeconds: LONG_REQUEST_BUDGET_SECONDS,
  handler: async ({ principal, body }) => {
    const since = new Date(body.since).toISOString();
    const started = Date.now();
    const r = await replayDeletions({ since, municipalities: [municipalityOf(principal)], shouldStop: () => Date.now() - started > 180_000 });
    emitEvent("retention.replay", { trigger: "admin" }, { deletions: r.deletions, found: r.found, erased: r.erased, failed: r.failed, recordsRestored: r.recordsRestored });
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
