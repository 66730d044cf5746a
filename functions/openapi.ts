import { openApiDocument } from "../shared/http/openapi.js";
import { route } from "../shared/http/routes.js";
import { OpenApiDocument } from "../shared/http/views.js";

route({
  name: "openapi",
  method: "GET",
  path: "openapi.json",
  action: "openapi.read",
  summary: "This API's OpenAPI document",
  responses: { 200: { description: "this document (OpenAPI 3.1)", schema: OpenApiDocument } },
  handler: () => ({ body: openApiDocument() }),
});
