import { createHmac, timingSafeEqual } from "node:crypto";
import { secretKey } from "../config/secret-keys.js";
import { BadContinuation } from "./errors.js";

/**
 * One page of a list. Clients get an opaque token for the next page (null on the last); the data
 * layer hands services the SDK's own continuation (`StoredPage`, undefined on the last), which they wrap.
 */
export interface Page<T, Continuation = string | null> {
  items: T[];
  continuation: Continuation;
}

/** A page as Cosmos returns it, before the service wraps its continuation. */
export type StoredPage<T> = Page<T, string | undefined>;

const sign = (payload: string) => createHmac("sha256", secretKey("CONTINUATION_KEY")).update(payload).digest();

/**
 * The continuation tokens of one query. `encode` wraps a position in a result set (the SDK's
 * continuation, plus anything the caller needs) into an opaque token bound to the query's scope
 * (the caller and the filters) and signed, so `decode` only ever accepts, unaltered, a token of
 * this query, and gives back the position as it was encoded.
 */
export function continuations<P = string>(scope: string): Continuations<P> {
  return {
    encode: (position) => encodeContinuation(position, scope),
    // Signed by this service for this scope: what comes back is a P that `encode` was given.
    decode: (token) => decodeContinuation(token, scope) as P | undefined,
  };
}

export interface Continuations<P> {
  encode: (position: P | null | undefined) => string | null;
  decode: (token: string | undefined) => P | undefined;
}

function encodeContinuation(position: unknown, scope: string): string | null {
  if (position === undefined || position === null) return null;
  const body = Buffer.from(JSON.stringify(position)).toString("base64url");
  return `${body}.${sign(`${scope}\n${body}`).toString("base64url")}`;
}

function decodeContinuation(continuation: string | undefined, scope: string): unknown {
  if (!continuation) return undefined;
  const [body, mac, extra] = continuation.split(".");
  if (body && mac && extra === undefined) {
    const expected = sign(`${scope}\n${body}`);
    const given = Buffer.from(mac, "base64url");
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      try {
        return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      } catch {
        // fall through
      }
    }
  }
  throw new BadContinuation("the continuation token does not belong to this query; start again without it");
}
