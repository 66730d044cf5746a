import * as z from "zod";
import { isPublic } from "../domain/policy.js";
import { POLICY } from "../domain/policy.js";
import { registeredRoutes, type RouteSpec } from "./routes.js";
import { Problem } from "./schemas.js";

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });

const STANDARD: Record<number, string> = {
  400: "the request is not valid; `errors` names each bad field",
  401: "no token, or a token that failed verification",
  403: "the caller's role may not do this",
  404: "not found, or outside the caller's sight",
  412: "If-Match did not match the current ETag",
  415: "the body is not JSON",
};

function operation(spec: RouteSpec) {
  const secured = !isPublic(spec.action);
  const roles = POLICY[spec.action];
  const parameters: unknown[] = [];
  if (spec.params) {
    for (const [name, schema] of Object.entries((jsonSchema(spec.params, "input").properties ?? {}) as Record<string, unknown>)) {
      parameters.push({ name, in: "path", required: true, schema });
    }
  }
  if (spec.query) {
    const q = jsonSchema(spec.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      parameters.push({ name, in: "query", required: q.required?.includes(name) ?? false, schema });
    }
  }
  if (["PATCH", "PUT"].includes(spec.method)) {
    parameters.push({ name: "If-Match", in: "header", required: false, schema: { type: "string" } });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { "application/json": { schema: jsonSchema(r.schema, "output") } } }
      : { description: r.description };
  }
  const problems = [
    ...(spec.body || spec.query || spec.params ? [400] : []),
    ...(secured ? [401, 403] : []),
    ...(spec.params ? [404] : []),
    ...(spec.body ? [415] : []),
    ...(["PATCH", "PUT"].includes(spec.method) ? [412] : []),
  ];
  for (const status of problems) {
    responses[status] ??= { description: STANDARD[status], content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
  }
  return {
    operationId: spec.name,
    summary: spec.summary,
    description: secured ? `Roles: ${(roles as readonly string[]).join(", ")}.` : "Public.",
    ...(secured ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document, built from the registered routes and their zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of registeredRoutes) {
    const path = `/${spec.path}`;
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: "3.1.0",
    info: { title: "HalloWerk platform API", version: "0.1.0" },
    servers: [{ url: "/api" }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Problem: jsonSchema(Problem, "output") },
    },
  };
}
