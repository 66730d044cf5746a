import { createHmac, randomBytes } from "node:crypto";
import { config } from "../config/index.js";

// Locally a key per process is enough; Azure must keep one (config refuses to start without).
let localKey: Buffer | undefined;

/**
 * A keyed hash of a record id: what stands in for a candidate or employer where the id itself
 * must not outlive the record (deletion records, the candidates a search showed). It can be
 * matched to an id one holds, but not reversed or guessed without PSEUDONYM_KEY.
 */
export const pseudonym = (recordId: string): string =>
  createHmac("sha256", config().PSEUDONYM_KEY ?? (localKey ??= randomBytes(32))).update(recordId).digest("hex");
