import { createHash } from "node:crypto";
import { badRequest } from "../domain/errors.js";

export interface Page<T> {
  items: T[];
  continuation: string | null;
}

const scopeHash = (scope: string) => createHash("sha256").update(scope).digest("base64url").slice(0, 22);

/**
 * Wraps the SDK's continuation token with a hash of the query's scope (caller's partition
 * and filters), so a token is only accepted for the query that produced it.
 */
export function encodeContinuation(token: string | undefined, scope: string): string | null {
  if (!token) return null;
  return Buffer.from(JSON.stringify({ s: scopeHash(scope), t: token })).toString("base64url");
}

export function decodeContinuation(continuation: string | undefined, scope: string): string | undefined {
  if (!continuation) return undefined;
  try {
    const { s, t } = JSON.parse(Buffer.from(continuation, "base64url").toString("utf8")) as { s: unknown; t: unknown };
    if (s === scopeHash(scope) && typeof t === "string") return t;
  } catch {
    // fall through: not ours
  }
  throw badRequest("the continuation token does not belong to this query; start again without it", [
    { path: "continuation", message: "not a token this query returned" },
  ]);
}
