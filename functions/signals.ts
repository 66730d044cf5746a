import * as z from "zod";
import { PageQuery } from "../shared/http/request.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { Signal, SignalPage } from "../shared/http/views.js";
import { listSignals, markSignalRead } from "../shared/services/signals.js";

route({
  name: "signals-list",
  method: "GET",
  path: "signals",
  action: "signals.list",
  summary: "Your signals inbox",
  description: "Coaches: retention signals; account managers: viewing-limit signals.",
  query: z.object(PageQuery).strict(),
  responses: { 200: { description: "a page of signals, newest first", schema: SignalPage } },
  handler: async ({ principal, query }) => ({ body: await listSignals(principal, query.pageSize, query.continuation) }),
});

route({
  name: "signals-read",
  method: "POST",
  path: "signals/{id}/read",
  action: "signals.markRead",
  summary: "Mark a signal read",
  description: "For you only.",
  params: IdParams.extend({
    id: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,200}$/, "a signal id")
      .meta({ maxLength: 200 }),
  }),
  responses: { 200: { description: "the signal, marked read", schema: Signal } },
  handler: async ({ principal, params }) => ({ body: await markSignalRead(principal, params.id) }),
});
