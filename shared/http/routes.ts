import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import type { z } from "zod";
import { authenticate } from "../auth/verify.js";
import { bsnFieldErrors } from "../domain/bsn.js";
import { forbidden, parseOr400 } from "../domain/errors.js";
import { allows, FIELD_OWNER, isPublic, type Action, type FieldSide, type PublicAction } from "../domain/policy.js";
import type { Principal } from "../domain/roles.js";
import { config } from "../config/index.js";
import type { VersionCheck } from "../data/documents.js";
import { withBudget } from "./deadline.js";
import { ifMatchCheck } from "./etag.js";
import { negotiate } from "./negotiate.js";
import { errorResponse } from "./problem.js";
import { withEvents } from "../services/telemetry.js";
import { clientIp, parseQuery, readJson } from "./request.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The caller a route's handler gets: authenticated and allowed, or none at all on a public route. */
export type PrincipalFor<A extends Action> = A extends PublicAction ? undefined : Principal;

export interface Input<B, Q, P, A extends Action = Action> {
  principal: PrincipalFor<A>;
  body: B;
  query: Q;
  params: P;
  /** `If-Match`, as a check on the stored version; undefined without the header. */
  ifMatch: VersionCheck | undefined;
  request: HttpRequest;
  /** What the answer should be, chosen from the route's `produces` by the request's `Accept`. */
  mediaType: MediaType;
}

/** What a handler returns; the helper turns it into JSON with the right headers. */
export type Reply = {
  status?: number;
  etag?: string;
  headers?: Record<string, string>;
} & (
  | { /** JSON. */ body?: unknown; contentType?: undefined }
  | { /** Text sent as it is, of this media type. */ body: string; contentType: string }
);

/** Response headers the OpenAPI document describes (besides WWW-Authenticate on 401, which it adds). */
export type ResponseHeader = "ETag" | "Location" | "Retry-After" | "Content-Disposition";

/** Media types a successful answer may take besides JSON. */
export type AlternativeMediaType = "text/csv";
export type MediaType = "application/json" | AlternativeMediaType;

export interface ResponseSpec {
  description: string;
  /** The JSON body; error statuses without one are problem+json. */
  schema?: z.ZodType;
  /** Headers this answer sends: `true` always, `false` when it applies. */
  headers?: Partial<Record<ResponseHeader, boolean>>;
}

export interface RouteSpec<
  B extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
  A extends Action = Action,
> {
  /** The Azure function name; unique. */
  name: string;
  method: Method;
  /** Route template below /api, Azure Functions syntax: `candidates/{id}`. */
  path: string;
  /** The row of the policy table that decides who may call this (and so whether the handler gets a principal). */
  action: A;
  summary: string;
  /** More for the OpenAPI document's description (the roles are added). */
  description?: string;
  /** OpenAPI tags; by default the resource the path starts with. */
  tags?: string[];
  /** The handler honours `If-Match` (412 when it does not match): the document describes both. */
  ifMatch?: boolean;
  body?: B;
  /** The side of the record the body writes; a body that names the other side is refused (403). */
  writes?: FieldSide;
  query?: Q;
  params?: P;
  responses: Record<number, ResponseSpec>;
  /**
   * Other media types the successful answer comes in, each with what it holds; `Accept` chooses
   * (JSON when it allows both or is absent), and a request that allows none of them is 406.
   */
  produces?: Partial<Record<AlternativeMediaType, string>>;
  /** Seconds the handler may take before it answers 503; default REQUEST_BUDGET_SECONDS (shared/config/limits.ts). */
  budgetSeconds?: number;
  handler: (input: Input<z.infer<B>, z.infer<Q>, z.infer<P>, A>) => Promise<Reply> | Reply;
}

/** A route as the OpenAPI document and the tests read it; its handler, input unknown, is not for calling. */
export type RouteDescription = Omit<RouteSpec, "handler"> & { handler: (input: never) => Promise<Reply> | Reply };

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface RegisteredRoute {
  spec: RouteDescription;
  handler: HttpHandler;
}

/** Every HTTP function, in registration order: the local host and the OpenAPI document read this. */
export const registeredRoutes: RegisteredRoute[] = [];

/** Registers an HTTP function once, for Azure (`app.http`) and for the local host and tests. */
export function route<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, A extends Action>(
  spec: RouteSpec<B, Q, P, A>,
): HttpHandler {
  if (registeredRoutes.some((r) => r.spec.name === spec.name)) throw new Error(`route ${spec.name} registered twice`);
  const handler = wrap(spec);
  registeredRoutes.push({ spec, handler });
  // Unconditionally: the Node worker hands `@azure/functions` its core module however the host
  // is configured (Flex Consumption sets no FUNCTIONS_WORKER_RUNTIME), and outside it this is a no-op.
  app.http(spec.name, { methods: [spec.method], route: spec.path, authLevel: "anonymous", handler });
  return handler;
}

function refuseOtherSide(body: unknown, writes: FieldSide): void {
  if (typeof body !== "object" || body === null) return;
  for (const side of Object.keys(FIELD_OWNER) as FieldSide[]) {
    if (side !== writes && side in body) {
      const owner = FIELD_OWNER[side] === "staff" ? "municipal staff" : "the candidate";
      throw forbidden(`'${side}' fields are written by ${owner} only; nothing was changed`, [
        { path: side, message: `you may not change ${side} fields` },
      ]);
    }
  }
}

/**
 * On every answer. Azure's platform CORS exposes no response headers, so the app names the ones a
 * browser client must read (the ETag it sends back as If-Match, Location, Retry-After); and no
 * content sniffing of what we send.
 */
const ALWAYS: Record<string, string> = {
  "Access-Control-Expose-Headers": "ETag, Location, Retry-After",
  "X-Content-Type-Options": "nosniff",
};

function wrap<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, A extends Action>(spec: RouteSpec<B, Q, P, A>): HttpHandler {
  const handle = respond(spec);
  return (request, context) =>
    withEvents(context, async () => {
      let response: HttpResponseInit;
      try {
        response = await withBudget((spec.budgetSeconds ?? config().REQUEST_BUDGET_SECONDS) * 1000, () => handle(request));
      } catch (err) {
        response = errorResponse(err, context);
      }
      return { ...response, headers: { ...ALWAYS, ...(response.headers as Record<string, string>) } };
    });
}

function respond<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, A extends Action>(spec: RouteSpec<B, Q, P, A>) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const principal = await authorize(spec, request);
    const mediaType: MediaType = spec.produces
      ? negotiate(request.headers.get("accept"), ["application/json", ...(Object.keys(spec.produces) as AlternativeMediaType[])])
      : "application/json";
    const params = spec.params ? parseOr400(spec.params, request.params, "the path") : {};
    const query = spec.query ? parseQuery(spec.query, request) : {};
    let body: unknown;
    if (spec.body) {
      const raw = await readJson(request);
      if (spec.writes) refuseOtherSide(raw, spec.writes);
      // DPIA: no BSN in anything a candidate enters. Every string of the body (nested, array
      // items, file names) is checked, so a new field is covered without opting in.
      const bsn = principal?.role === "candidate" ? bsnFieldErrors(raw) : [];
      body = parseOr400(spec.body, raw, "the request body", [], bsn);
    }
    // A schema the route leaves out keeps its type parameter at z.ZodType, whose output is unknown,
    // so `{}` and undefined fit it; TypeScript cannot follow that inside the generic.
    const input = { body, query, params } as Pick<Input<z.infer<B>, z.infer<Q>, z.infer<P>>, "body" | "query" | "params">;
    const reply = await spec.handler({
      ...input,
      principal,
      ifMatch: ifMatchCheck(request.headers.get("if-match") ?? undefined),
      request,
      mediaType,
    });
    const response = toResponse(reply, principal !== undefined);
    // The answer depends on Accept: caches must key on it.
    if (spec.produces) (response.headers as Record<string, string>).Vary = "Accept";
    return response;
  };
}

/** The caller, authenticated and allowed to take the route's action (401/403 otherwise); none on a public route. */
async function authorize<A extends Action>(spec: { action: A; summary: string }, request: HttpRequest): Promise<PrincipalFor<A>>;
async function authorize(spec: { action: Action; summary: string }, request: HttpRequest): Promise<Principal | undefined> {
  if (isPublic(spec.action)) return undefined;
  const principal = await authenticate(request.headers.get("authorization"), clientIp(request));
  if (!allows(spec.action, principal.role)) throw forbidden(`the role '${principal.role}' may not ${spec.summary.toLowerCase()}`);
  return principal;
}

function toResponse(reply: Reply, personal: boolean): HttpResponseInit {
  const headers: Record<string, string> = { ...reply.headers };
  // Anything behind a token may carry personal data: never cache it (README "Privacy by design").
  headers["Cache-Control"] = personal ? "no-store" : (headers["Cache-Control"] ?? "no-cache");
  if (reply.etag) headers.ETag = reply.etag;
  if (reply.body === undefined) return { status: reply.status ?? 204, headers };
  if (reply.contentType)
    return { status: reply.status ?? 200, headers: { ...headers, "Content-Type": reply.contentType }, body: reply.body };
  // An error a handler answers itself is a problem (with extension members), as thrown ones are.
  headers["Content-Type"] = (reply.status ?? 200) >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
  return { status: reply.status ?? 200, headers, body: JSON.stringify(reply.body) };
}
