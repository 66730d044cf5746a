import * as z from "zod";
import { isPublic, POLICY } from "../domain/policy.js";
import { registeredRoutes, type ResponseHeader, type RouteDescription } from "./routes.js";
import { DOCUMENTED_AS, Problem, ValidationProblem } from "./views.js";

/**
 * The OpenAPI 3.1 document, generated from the route table (shared/http/routes.ts) and the zod
 * schemas that validate requests and describe responses. Schemas named with `.meta({ id })`
 * (shared/http/views.ts) become `components.schemas` and are referred to by `$ref`; request
 * bodies and parameters stay inline with their operation. Every status a route can return is
 * listed with a problem+json body, and the headers it sends are described.
 */

type Json = Record<string, unknown>;
type Io = "input" | "output";

const REF = "#/components/schemas/";
const INT32 = 2 ** 31 - 1;

/** Formats that say all there is to say about a string: zod's long equivalent pattern is left out. */
const SELF_EXPLAINING_FORMATS = new Set(["date", "date-time"]);

function refine(ctx: { zodSchema: unknown; jsonSchema: Json }, io: Io): void {
  const json = ctx.jsonSchema;
  const documented = DOCUMENTED_AS.get(ctx.zodSchema as z.ZodType);
  if (documented) {
    const { $schema: _s, ...shape } = z.toJSONSchema(documented, options(io)) as Json;
    // zod's override edits the JSON Schema in place: empty it, then fill it with the documented shape.
    for (const key of Object.keys(json)) Reflect.deleteProperty(json, key);
    Object.assign(json, shape);
    return;
  }
  if (json.type === "integer" && json.format === undefined) {
    const within32 =
      typeof json.minimum === "number" && typeof json.maximum === "number" && json.minimum >= -INT32 - 1 && json.maximum <= INT32;
    json.format = within32 ? "int32" : "int64";
  }
  if (json.format === "uuid") json.maxLength ??= 36;
  if (typeof json.format === "string" && SELF_EXPLAINING_FORMATS.has(json.format)) {
    delete json.pattern;
    if (json.format === "date") json.maxLength ??= 10;
  }
}

const options = (io: Io) =>
  ({
    io,
    target: "draft-2020-12",
    unrepresentable: "throw",
    override: (ctx: { zodSchema: unknown; jsonSchema: Json }) => refine(ctx, io),
  }) as const;

/** Collects the named schemas of every conversion into `components.schemas`, once each. */
class Components {
  readonly schemas: Record<string, Json> = {};
  private readonly io: Record<string, Io> = {};

  /** The JSON Schema of a zod schema, its named parts moved to the components and referred to. */
  schema(schema: z.ZodType, io: Io): Json {
    const { $schema: _s, $defs, ...json } = z.toJSONSchema(schema, options(io)) as Json & { $defs?: Record<string, Json> };
    for (const [id, def] of Object.entries($defs ?? {})) {
      const local = relink(def) as Json;
      const known = this.schemas[id];
      if (known && JSON.stringify(known) !== JSON.stringify(local)) {
        throw new Error(`schema ${id} differs between uses (${this.io[id]} and ${io}); name its input and output forms apart`);
      }
      this.schemas[id] = local;
      this.io[id] ??= io;
    }
    return relink(json) as Json;
  }
}

/** `#/$defs/X` (zod's single-schema form) becomes `#/components/schemas/X`. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === "$ref" && typeof v === "string" ? v.replace(/^#\/\$defs\//, REF) : relink(v)]),
  );
}

// ---- headers ---------------------------------------------------------------

const HEADERS: Record<ResponseHeader | "WWW-Authenticate", { component: string; description: string; schema: Json }> = {
  ETag: {
    component: "ETag",
    description: "The version of the resource; send it back as `If-Match` so a change made meanwhile is refused (412) instead of lost.",
    schema: { type: "string", pattern: '^(W/)?"[^"]*"$', maxLength: 200 },
  },
  Location: {
    component: "Location",
    description: "Where the new resource can be read.",
    schema: { type: "string", format: "uri-reference", maxLength: 300 },
  },
  "Retry-After": {
    component: "RetryAfter",
    description: "Seconds to wait before trying again.",
    schema: { type: "integer", format: "int32", minimum: 0, maximum: 86400 },
  },
  "Content-Disposition": {
    component: "ContentDisposition",
    description: 'The answer is a file to save: `attachment; filename="hallowerk-export-2026-11-28.json"`.',
    schema: { type: "string", pattern: '^attachment; filename="[A-Za-z0-9._-]+"$', maxLength: 200 },
  },
  "WWW-Authenticate": {
    component: "WWWAuthenticate",
    description: 'The bearer challenge (RFC 6750), e.g. `Bearer error="invalid_token", error_description="…"`.',
    schema: { type: "string", maxLength: 1000 },
  },
};

/** Always-sent headers are referred to; sometimes-sent ones are described in place. */
function headerObject(name: keyof typeof HEADERS, always: boolean): Json {
  const h = HEADERS[name];
  return always
    ? { $ref: `#/components/headers/${h.component}` }
    : { description: `${h.description} Sent when it applies.`, required: false, schema: h.schema };
}

// ---- responses -------------------------------------------------------------

const PROBLEM_JSON = "application/problem+json";

/** Statuses whose problem may name bad fields. */
const FIELD_PROBLEMS = new Set([400, 403, 422]);

/** The statuses many routes share, described once under `components.responses`. */
const STANDARD: Record<number, { name: string; description: string; headers?: Record<string, Json> }> = {
  400: { name: "BadRequest", description: "The request is not valid; `errors` names each bad field." },
  401: {
    name: "Unauthorized",
    description: "No token, or a token that failed verification; `WWW-Authenticate` says why.",
    headers: { "WWW-Authenticate": headerObject("WWW-Authenticate", true) },
  },
  403: {
    name: "Forbidden",
    description:
      "The caller's role may not do this; or the body touches fields of the other side (staff fields from a candidate, profile fields from staff), named in `errors`.",
  },
  404: { name: "NotFound", description: "Not found, or outside the caller's sight." },
  406: {
    name: "NotAcceptable",
    description: "`Accept` allows none of the media types the operation answers in (its success answer lists them).",
  },
  412: {
    name: "PreconditionFailed",
    description: "`If-Match` did not match the current ETag: the resource changed since it was read; nothing was changed.",
  },
  413: { name: "ContentTooLarge", description: "The body is larger than 256 KB." },
  415: { name: "UnsupportedMediaType", description: "The body is not JSON in UTF-8 (`Content-Type: application/json`)." },
  429: {
    name: "TooManyRequests",
    description: "Too many requests from this caller; try again after `Retry-After` seconds.",
    headers: { "Retry-After": headerObject("Retry-After", true) },
  },
  500: { name: "InternalServerError", description: "An unexpected error on our side; nothing of the request is echoed." },
  503: {
    name: "ServiceUnavailable",
    description:
      "A service the API depends on (the identity provider, Cosmos DB, Blob storage, or an outside register) is busy or unreachable; try again later, after `Retry-After` seconds when it is sent.",
    headers: { "Retry-After": headerObject("Retry-After", false) },
  },
};

/** `components.responses`: the shared statuses, and the default for anything else. */
function standardResponses(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [status, r] of Object.entries(STANDARD)) {
    out[r.name] = { description: r.description, ...(r.headers ? { headers: r.headers } : {}), content: problemContent(Number(status)) };
  }
  out.UnexpectedError = { description: "Any other error, as problem details.", content: problemContent(500) };
  return out;
}

const problemContent = (status: number) => ({
  [PROBLEM_JSON]: { schema: { $ref: `${REF}${FIELD_PROBLEMS.has(status) ? "ValidationProblem" : "Problem"}` } },
});

function operation(spec: RouteDescription, components: Components) {
  const secured = !isPublic(spec.action);
  const roles = secured ? [...(POLICY[spec.action] as readonly string[])] : [];
  const parameters: Json[] = [];
  if (spec.params) {
    const p = components.schema(spec.params, "input") as { properties?: Record<string, Json> };
    for (const [name, schema] of Object.entries(p.properties ?? {})) parameters.push({ name, in: "path", required: true, schema });
  }
  if (spec.query) {
    const q = components.schema(spec.query, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      parameters.push({ name, in: "query", required: q.required?.includes(name) ?? false, schema });
    }
  }
  if (spec.ifMatch) {
    parameters.push({
      name: "If-Match",
      in: "header",
      required: false,
      description:
        "The ETag of the version the change is based on (or `*`); when it is no longer current the answer is 412 and nothing changes. Without it, concurrent changes are merged by retrying.",
      schema: { type: "string", maxLength: 1000 },
    });
  }

  const responses: Record<string, Json> = {};
  for (const [code, r] of Object.entries(spec.responses)) {
    const status = Number(code);
    const headers: Record<string, Json> = {};
    for (const [name, always] of Object.entries(r.headers ?? {})) headers[name] = headerObject(name as ResponseHeader, always);
    // The other media types a success may take (chosen by Accept): text, described in words.
    const alternatives =
      status < 300 && spec.produces
        ? Object.fromEntries(
            Object.entries(spec.produces).map(([type, description]) => [
              type,
              { schema: { type: "string", maxLength: 1_000_000, description } },
            ]),
          )
        : {};
    responses[code] = {
      description: r.description,
      ...(Object.keys(headers).length ? { headers } : {}),
      // An error status a route describes itself is a problem with extension members (RFC 9457 §3.2).
      ...(r.schema
        ? {
            content: {
              [status >= 400 ? PROBLEM_JSON : "application/json"]: { schema: components.schema(r.schema, "output") },
              ...alternatives,
            },
          }
        : status >= 400
          ? { content: problemContent(status) }
          : {}),
    };
  }
  const standard = [
    ...(spec.body || spec.query || spec.params ? [400] : []),
    ...(secured ? [401, 403] : []),
    ...(spec.params ? [404] : []),
    ...(spec.produces ? [406] : []),
    ...(spec.ifMatch ? [412] : []),
    ...(spec.body ? [413, 415] : []),
    // Reads behind a token may be rate limited (lists, searches, details); writes declare their own.
    ...(secured && spec.method === "GET" ? [429] : []),
    500,
    ...(secured ? [503] : []),
  ];
  for (const status of standard) {
    const shared = STANDARD[status];
    if (!shared) throw new Error(`no standard response is described for ${status}`);
    if (!(status in responses)) responses[status] = { $ref: `#/components/responses/${shared.name}` };
  }
  // A 429 a route declares itself (a volume limit) says when to come back, too.
  const r429 = responses[429] as { $ref?: string; headers?: Json } | undefined;
  if (r429 && !r429.$ref) r429.headers = { "Retry-After": headerObject("Retry-After", true), ...r429.headers };
  responses.default = { $ref: "#/components/responses/UnexpectedError" };

  const sorted = Object.fromEntries(
    Object.entries(responses).sort(([a], [b]) => (a === "default" ? 1 : b === "default" ? -1 : Number(a) - Number(b))),
  );
  return {
    operationId: spec.name,
    summary: spec.summary,
    description: secured
      ? `Roles: ${roles.join(", ")}.${spec.description ? ` ${spec.description}` : ""}`
      : `Public: no token needed.${spec.description ? ` ${spec.description}` : ""}`,
    tags: spec.tags ?? [tagOf(spec.path)],
    "x-roles": roles,
    security: secured ? [{ bearer: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body
      ? { requestBody: { required: true, content: { "application/json": { schema: components.schema(spec.body, "input") } } } }
      : {}),
    responses: sorted,
  };
}

// ---- tags ------------------------------------------------------------------

export const TAGS = [
  {
    name: "Candidates",
    description:
      "Candidates as municipal staff and employers see them: invitation, administrative data, visibility, status, end of service, files, deletion.",
  },
  { name: "Me", description: "A candidate's own record: profile, terms, sharing, uploads." },
  { name: "Invitations", description: "Linking a signed-in account to the record staff created, with a one-time code." },
  { name: "Search", description: "Searching the candidates the caller may see." },
  { name: "Employers", description: "Employers, registered by account managers; KvK lookups." },
  { name: "Vacancies", description: "Vacancies of employers, as staff, employers and candidates see them." },
  { name: "Municipality", description: "A municipality's own settings." },
  { name: "Retention", description: "Deletion on schedule: preview and run the retention sweep." },
  { name: "Integrations", description: "Client-tracking systems (RAAK/RMW) reporting to the platform." },
  { name: "Reports", description: "Aggregated figures for team leads, with small counts suppressed; never per person." },
  { name: "Platform", description: "Liveness, terms of use, this document." },
] as const;

const TAG_BY_SEGMENT: Record<string, (typeof TAGS)[number]["name"]> = {
  candidates: "Candidates",
  me: "Me",
  invitations: "Invitations",
  search: "Search",
  employers: "Employers",
  kvk: "Employers",
  vacancies: "Vacancies",
  municipality: "Municipality",
  admin: "Retention",
  integrations: "Integrations",
  reports: "Reports",
};

const tagOf = (path: string) => TAG_BY_SEGMENT[path.replace(/\/.*/s, "")] ?? "Platform"; // by the first segment

// ---- the document ----------------------------------------------------------

// The document as last built. Like the route registry it derives from (filled as the app's modules
// load), it is the same for every runtime and needs no configuration: `npm run openapi` builds it without any.
let built: { routes: number; document: Json } | undefined;

/** The OpenAPI 3.1 document, built from the registered routes and their zod schemas (once, while no route is added). */
export function openApiDocument(): Json {
  if (built?.routes === registeredRoutes.length) return structuredClone(built.document);
  const components = new Components();
  // The problem schemas first, so they are there whichever statuses the routes list.
  components.schema(Problem, "output");
  components.schema(ValidationProblem, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of registeredRoutes) {
    (paths[`/${spec.path}`] ??= {})[spec.method.toLowerCase()] = operation(spec, components);
  }
  const document = {
    openapi: "3.1.0",
    info: {
      title: "HalloWerk platform API",
      version: "0.1.0",
      description:
        "The backend of a municipal job-matching platform in the Netherlands. Errors are `application/problem+json` (RFC 9457). " +
        "Each role's view of a record is its own schema. Reads of a single resource send an `ETag`; changes that take `If-Match` refuse lost updates with 412.",
      contact: { name: "HalloWerk platform team", url: "https://hallowerk.example" },
      license: { name: "EUPL-1.2", identifier: "EUPL-1.2" },
    },
    servers: [
      {
        url: "{scheme}://{host}/api",
        description:
          "The Function App (production: https and its host name) or the local host of `npm start` (local development: http://localhost:7071).",
        variables: {
          scheme: { enum: ["https", "http"], default: "http", description: "https in Azure; http only on the local host" },
          host: { default: "localhost:7071", description: "the Function App's host name, or localhost:7071 under npm start" },
        },
        "x-internal": false,
      },
    ],
    tags: TAGS.map((t) => ({ ...t })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "An access token (JWT, signed: a JWS) from the configured issuer, verified as RFC8725 recommends: RS256 or ES256 only (never `none`), " +
            "exact `iss` and `aud`, `exp` and `nbf` checked, `sub` required. The token's role decides what an operation allows (`x-roles`).",
        },
      },
      responses: standardResponses(),
      headers: Object.fromEntries(
        Object.values(HEADERS).map((h) => [h.component, { description: h.description, required: true, schema: h.schema }]),
      ),
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
  built = { routes: registeredRoutes.length, document };
  return structuredClone(document);
}
