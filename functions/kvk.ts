import * as z from "zod";
import { KvkNumber } from "../shared/domain/employer.js";
import { route } from "../shared/http/routes.js";
import { KvkCompany } from "../shared/http/views.js";
import { lookupCompany } from "../shared/services/kvk.js";

route({
  name: "kvk-lookup",
  method: "GET",
  path: "kvk/{kvkNumber}",
  action: "kvk.lookup",
  summary: "Look up company details by KvK number",
  params: z.object({ kvkNumber: KvkNumber }),
  responses: {
    200: {
      description: "company name and visiting address, to prefill registration",
      schema: KvkCompany,
    },
    404: { description: "KvK knows no company with this number" },
    502: { description: "KvK answered with an error" },
    503: {
      description: "KvK did not answer in time, or is not configured (Retry-After); or the identity provider is unreachable",
      headers: { "Retry-After": false },
    },
  },
  handler: async ({ params }) => ({ body: await lookupCompany(params.kvkNumber) }),
});
