import * as z from "zod";
import { CandidateView } from "../shared/domain/candidate.js";
import { EmployerView } from "../shared/domain/employer.js";
import { isoDate } from "../shared/domain/fields.js";
import { ServiceEnd, ServiceEndBatch } from "../shared/domain/retention.js";
import { versioned } from "../shared/http/reply.js";
import { PageQuery } from "../shared/http/request.js";
import { route } from "../shared/http/routes.js";
import { IdParams, pageOf } from "../shared/http/schemas.js";
import { timer } from "../shared/http/timers.js";
import { deleteCandidateNow, endEmployer, recordServiceEnd, recordServiceEnds, setLegalHold } from "../shared/services/lifecycle.js";
import { municipalityOf } from "../shared/services/municipalities.js";
import { previewRetention, runRetention } from "../shared/services/retention.js";

route({
  name: "candidates-service-end",
  method: "POST",
  path: "candidates/{id}/service-end",
  action: "candidates.recordServiceEnd",
  summary: "Record the end of service, which starts the retention period",
  params: IdParams,
  body: ServiceEnd,
  responses: { 200: { description: "the candidate, inactive, with its retention date and rule", schema: CandidateView } },
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
  responses: { 200: { description: "the candidate", schema: CandidateView } },
  handler: async ({ principal, params, body }) => versioned(await setLegalHold(principal, params.id, body)),
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
    409: { description: "a legal hold applies" },
  },
  handler: async ({ principal, params }) => {
    await deleteCandidateNow(principal, params.id);
    return { status: 204 };
  },
});

const LineResult = z.object({
  line: z.number(),
  clientNumber: z.string().optional(),
  status: z.enum(["recorded", "alreadyRecorded", "unknownClientNumber", "invalid"]),
  candidateId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
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
      schema: z.object({ results: z.array(LineResult), summary: z.record(z.string(), z.number()) }),
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
  responses: { 200: { description: "the employer, ended; its users lose access and its open vacancies close", schema: EmployerView } },
  handler: async ({ principal, params, body }) => versioned(await endEmployer(principal, params.id, body.endedOn)),
});

const PreviewItem = z.object({ type: z.literal("candidate"), id: z.string(), deleteOn: z.string(), rule: z.string(), overdue: z.boolean() });

route({
  name: "retention-preview",
  method: "GET",
  path: "admin/retention/preview",
  action: "retention.preview",
  summary: "What the retention sweep will delete in your municipality within N days, and why",
  query: z.object({ withinDays: z.coerce.number().int().min(0).max(3650).default(30), ...PageQuery }).strict(),
  responses: { 200: { description: "candidates due within the window (overdue ones first in line)", schema: pageOf(PreviewItem) } },
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
      schema: z.object({ dryRun: z.boolean(), complete: z.boolean(), durationMs: z.number(), municipalities: z.record(z.string(), z.unknown()), items: z.array(z.unknown()) }),
    },
  },
  // Well inside the 230 s an HTTP request may take in Azure; what is left waits for the night.
  handler: async ({ principal, body }) => ({
    body: await runRetention({ dryRun: body.dryRun, municipalities: [municipalityOf(principal)], budgetSeconds: 180 }),
  }),
});

timer({
  name: "retentionSweep",
  schedule: "0 0 2 * * *",
  localEveryMinutes: 24 * 60,
  run: async (context) => {
    const summary = await runRetention({ dryRun: false, log: (line) => context.warn(line) });
    // Counts per municipality and rule, duration: no names, no ids.
    const { items: _ids, ...counts } = summary;
    return counts;
  },
});
