import { openApiDocument } from "../shared/http/openapi.js";
import { route } from "../shared/http/routes.js";
import { Health, OpenApiDocument, Terms } from "../shared/http/views.js";
import { getTerms } from "../shared/services/me.js";

route({
  name: "health",
  method: "GET",
  path: "health",
  action: "health.read",
  summary: "Liveness",
  responses: { 200: { description: "the app is up", schema: Health } },
  handler: () => ({ body: { status: "ok" } }),
});

route({
  name: "terms-get",
  method: "GET",
  path: "terms",
  action: "terms.read",
  summary: "The current terms of use",
  responses: { 200: { description: "version and where to read it", schema: Terms } },
  handler: () => ({ body: getTerms() }),
});

route({
  name: "openapi",
  method: "GET",
  path: "openapi.json",
  action: "openapi.read",
  summary: "This API's OpenAPI document",
  responses: { 200: { description: "this document (OpenAPI 3.1)", schema: OpenApiDocument } },
  handler: () => ({ body: openApiDocument() }),
});
