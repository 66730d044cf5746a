import { randomBytes } from "node:crypto";
import { runtime } from "../runtime.js";
import { config } from "./index.js";

/** The HMAC keys the configuration holds; Azure refuses to start without them (see index.ts). */
export type SecretKeyName = "CONTINUATION_KEY" | "PSEUDONYM_KEY";

/**
 * The configured key, or locally the runtime's own random one for that name: enough there, as
 * tokens and pseudonyms then hold for that run only.
 */
export function secretKey(name: SecretKeyName): string | Buffer {
  const configured = config()[name];
  if (configured !== undefined) return configured;
  const localKeys = runtime().memory.localKeys;
  let local = localKeys.get(name);
  if (!local) localKeys.set(name, (local = randomBytes(32)));
  return local;
}
