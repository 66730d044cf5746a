import { randomBytes } from "node:crypto";
import { config } from "./index.js";

/** The HMAC keys the configuration holds; Azure refuses to start without them (see index.ts). */
export type SecretKeyName = "CONTINUATION_KEY" | "PSEUDONYM_KEY";

// Locally a random key per process and name is enough: tokens and pseudonyms then hold for that run only.
const localKeys = new Map<SecretKeyName, Buffer>();

/** The configured key, or locally this process's own random one for that name. */
export function secretKey(name: SecretKeyName): string | Buffer {
  const configured = config()[name];
  if (configured !== undefined) return configured;
  let local = localKeys.get(name);
  if (!local) localKeys.set(name, (local = randomBytes(32)));
  return local;
}
