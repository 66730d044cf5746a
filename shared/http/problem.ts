import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { BadContinuation, DuplicateKey, StaleVersion } from "../data/errors.js";
import { codeOf, codeTextOf, nameOf, statusOf } from "../data/status.js";
import {
  AppError,
  badRequest,
  conflict,
  DependencyUnavailable,
  dependencyUnavailable,
  preconditionFailed,
  type AppErrorExtras,
} from "../domain/errors.js";
import { emitEvent } from "../services/telemetry.js";

const PROBLEM_BASE = "https://hallowerk.example/problems/";

/** At most this many field errors are listed; `errorCount` says how many there were. */
export const MAX_LISTED_ERRORS = 20;

/** RFC 9457 problem+json. */
export function problem(status: number, title: string, detail: string, { errors, headers = {} }: AppErrorExtras = {}): HttpResponseInit {
  const count = errors?.length ?? 0;
  const body = {
    type: `${PROBLEM_BASE}${title.toLowerCase().replace(/\s+/g, "-")}`,
    title,
    status,
    detail: count > MAX_LISTED_ERRORS ? `${detail} (${count} problems; the first ${MAX_LISTED_ERRORS} are listed)` : detail,
    ...(errors?.length ? { errors: errors.slice(0, MAX_LISTED_ERRORS), errorCount: count } : {}),
  };
  return {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EPIPE", "REQUEST_SEND_ERROR"]);

/**
 * The one place where an SDK's failure becomes "dependency unavailable" (503 with Retry-After),
 * else undefined: Cosmos DB still throttling (429) after the SDK's own retries, 503, or a timeout
 * (408, the SDK's TimeoutError); Blob storage answering 503 or 500 after its retries; a connection
 * refused, reset or timed out; a call aborted by its deadline (shared/http/deadline.ts).
 */
export function asDependencyUnavailable(err: unknown): DependencyUnavailable | undefined {
  if (err instanceof DependencyUnavailable) return err;
  if (typeof err !== "object" || err === null || err instanceof AppError) return undefined;
  const status = statusOf(err);
  const code = codeOf(err);
  const storage = "statusCode" in err && typeof err.statusCode === "number"; // Blob storage's RestError; Cosmos puts the status in `code`
  const name = nameOf(err);
  const busy =
    status === 429 ||
    status === 503 ||
    status === 408 ||
    (storage && status === 500) ||
    (typeof code === "string" && NETWORK_CODES.has(code)) ||
    name === "TimeoutError" ||
    name === "AbortError";
  if (!busy) return undefined;
  const retryAfterMs = "retryAfterInMs" in err && typeof err.retryAfterInMs === "number" ? err.retryAfterInMs : 5000;
  const wait = Math.min(300, Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return dependencyUnavailable("the database or file storage is busy or unreachable; try again shortly", wait);
}

/** An AppError as it is; storage's typed errors get their HTTP status here and nowhere else; otherwise undefined. */
function asClientError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof StaleVersion) return preconditionFailed(err.message);
  if (err instanceof DuplicateKey) return conflict(err.message);
  if (err instanceof BadContinuation) {
    return badRequest(err.message, [{ path: "continuation", message: "not a token this query returned, or altered" }]);
  }
  return undefined;
}

/** Maps anything thrown to a response; unexpected errors are logged without request data. */
export function errorResponse(err: unknown, context: InvocationContext): HttpResponseInit {
  const unavailable = asDependencyUnavailable(err);
  if (unavailable) {
    context.warn(
      `dependency unavailable: ${nameOf(err) ?? typeof err} code=${codeTextOf(err) ?? "-"} in ${context.functionName} invocation=${context.invocationId}`,
    );
    return problem(503, unavailable.title, unavailable.detail, unavailable);
  }
  const refused = asClientError(err);
  if (refused) {
    // A viewing limit refused a page (possible scraping): counted by route, never by caller.
    if (refused.status === 429) emitEvent("limit.hit", { route: context.functionName }, { count: 1 }, "warn");
    return problem(refused.status, refused.title, refused.detail, refused);
  }
  // Name, code and stack only: messages of storage errors can echo request content.
  const stack = err instanceof Error ? err.stack : undefined;
  context.error(
    `unhandled ${nameOf(err) ?? typeof err} code=${codeTextOf(err) ?? "-"} in ${context.functionName} invocation=${context.invocationId}`,
    stack?.split("\n").slice(1, 6).join("\n"),
  );
  return problem(500, "Internal Server Error", "something went wrong on our side; try again later");
}
