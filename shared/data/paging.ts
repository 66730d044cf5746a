import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { config } from "../config/index.js";
import { badRequest } from "../domain/errors.js";

export interface Page<T> {
  items: T[];
  continuation: string | null;
}

// Locally a key per process is enough; Azure must share one (config refuses to start without).
let localKey: Buffer | undefined;
const key = () => config().CONTINUATION_KEY ?? (localKey ??= randomBytes(32));

const sign = (payload: string) => createHmac("sha256", key()).update(payload).digest();

/**
 * Wraps a position in a result set (the SDK's continuation, plus anything the caller needs)
 * into an opaque token bound to the query's scope (the caller and the filters) and signed,
 * so a token is only ever accepted, unaltered, for the query that produced it.
 */
export function encodeContinuation(position: unknown, scope: string): string | null {
  if (position === undefined || position === null) return null;
  const body = Buffer.from(JSON.stringify(position)).toString("base64url");
  return `${body}.${sign(`${scope}\n${body}`).toString("base64url")}`;
}

export function decodeContinuation<T = string>(continuation: string | undefined, scope: string): T | undefined {
  if (!continuation) return undefined;
  const [body, mac, extra] = continuation.split(".");
  if (body && mac && extra === undefined) {
    const expected = sign(`${scope}\n${body}`);
    const given = Buffer.from(mac, "base64url");
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      try {
        return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T;
      } catch {
        // fall through
      }
    }
  }
  throw badRequest("the continuation token does not belong to this query; start again without it", [
    { path: "continuation", message: "not a token this query returned, or altered" },
  ]);
}
