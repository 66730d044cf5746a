import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { AppError, type FieldError } from "../domain/errors.js";
import { emitEvent } from "../services/telemetry.js";

const PROBLEM_BASE = "https://hallowerk.example/problems/";

/** At most this many field errors are listed; `errorCount` says how many there were. */
export const MAX_LISTED_ERRORS = 20;

/** RFC 9457 problem+json. */
export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: FieldError[],
  headers: Record<string, string> = {},
): HttpResponseInit {
  const count = errors?.length ?? 0;
  const body = {
    type: `${PROBLEM_BASE}${title.toLowerCase().replace(/\s+/g, "-")}`,
    title,
    status,
    detail: count > MAX_LISTED_ERRORS ? `${detail} (${count} problems; the first ${MAX_LISTED_ERRORS} are listed)` : detail,
    ...(count ? { errors: errors!.slice(0, MAX_LISTED_ERRORS), errorCount: count } : {}),
  };
  return {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EPIPE"]);

/**
 * Seconds to wait when a dependency is busy or unreachable, else undefined: Cosmos DB still
 * throttling (429) after the SDK's own retries, 503, or a timeout (408); Blob storage answering
 * 503; a connection refused, reset or timed out.
 */
export function unavailableFor(err: unknown): number | undefined {
  const e = err as { name?: unknown; code?: unknown; statusCode?: unknown; retryAfterInMs?: unknown } | null;
  if (!e || typeof e !== "object") return undefined;
  const status = typeof e.statusCode === "number" ? e.statusCode : typeof e.code === "number" ? e.code : undefined;
  const busy = status === 429 || status === 503 || status === 408 || (typeof e.code === "string" && NETWORK_CODES.has(e.code)) || e.name === "TimeoutError";
  if (!busy) return undefined;
  return Math.min(300, Math.max(1, Math.ceil((typeof e.retryAfterInMs === "number" ? e.retryAfterInMs : 5000) / 1000)));
}

/** Maps anything thrown to a response; unexpected errors are logged without request data. */
export function errorResponse(err: unknown, context: InvocationContext): HttpResponseInit {
  if (err instanceof AppError) {
    // A viewing limit refused a page (possible scraping): counted by route, never by caller.
    if (err.status === 429) emitEvent("limit.hit", { route: context.functionName }, { count: 1 }, "warn");
    return problem(err.status, err.title, err.detail, err.errors, err.headers);
  }
  const e = err as { name?: string; code?: unknown; stack?: string };
  const wait = unavailableFor(err);
  if (wait !== undefined) {
    context.warn(`dependency unavailable: ${e?.name ?? typeof err} code=${String(e?.code ?? "-")} in ${context.functionName} invocation=${context.invocationId}`);
    return problem(503, "Service Unavailable", "the database or file storage is busy or unreachable; try again shortly", undefined, { "Retry-After": String(wait) });
  }
  // Name, code and stack only: messages of storage errors can echo request content.
  context.error(`unhandled ${e?.name ?? typeof err} code=${String(e?.code ?? "-")} in ${context.functionName} invocation=${context.invocationId}`, e?.stack?.split("\n").slice(1, 6).join("\n"));
  return problem(500, "Internal Server Error", "something went wrong on our side; try again later");
}
