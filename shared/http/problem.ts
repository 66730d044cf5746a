import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { AppError, type FieldError } from "../domain/errors.js";

const PROBLEM_BASE = "https://hallowerk.example/problems/";

/** RFC 9457 problem+json. */
export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: FieldError[],
  headers: Record<string, string> = {},
): HttpResponseInit {
  const body = {
    type: `${PROBLEM_BASE}${title.toLowerCase().replace(/\s+/g, "-")}`,
    title,
    status,
    detail,
    ...(errors?.length ? { errors } : {}),
  };
  return {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

/** Maps anything thrown to a response; unexpected errors are logged without request data. */
export function errorResponse(err: unknown, context: InvocationContext): HttpResponseInit {
  if (err instanceof AppError) return problem(err.status, err.title, err.detail, err.errors, err.headers);
  const e = err as { name?: string; code?: unknown; stack?: string };
  // Name, code and stack only: messages of storage errors can echo request content.
  context.error(`unhandled ${e?.name ?? typeof err} code=${String(e?.code ?? "-")} in ${context.functionName}`, e?.stack?.split("\n").slice(1, 6).join("\n"));
  return problem(500, "Internal Server Error", "something went wrong on our side; try again later");
}
