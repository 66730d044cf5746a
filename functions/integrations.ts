import { ServiceEndBatch } from "../shared/domain/retention.js";
import { route } from "../shared/http/routes.js";
import { ServiceEndBatchResult } from "../shared/http/views.js";
import { recordServiceEnds } from "../shared/services/lifecycle.js";

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
