import * as z from "zod";
import { openApiDocument } from "../shared/http/openapi.js";
import { route } from "../shared/http/routes.js";
import { getTerms } from "../shared/services/me.js";

route({
  name: "health",
  method: "GET",
  path: "health",
  action: "health.read",
  summary: "Liveness",
  responses: { 200: { description: "the app is up", schema: z.object({ status: z.literal("ok") }) } },
  handler: () => ({ body: { status: "ok" } }),
});

route({
  name: "terms-get",
  method: "GET",
  path: "terms",
  action: "terms.read",
  summary: "The current terms of use",
  responses: { 200: { description: "version and where to read it", schema: z.object({ version: z.string(), url: z.string() }) } },
  handler: () => ({ body: getTerms() }),
});

route({
  name: "openapi",
  method: "GET",
  path: "openapi.json",
  action: "openapi.read",
  summary: "This API's OpenAPI document",
  responses: { 200: { description: "OpenAPI 3.1" } },
  handler: () => ({ body: openApiDocument() }),
});
