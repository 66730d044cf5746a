import { createHmac } from "node:crypto";
import { secretKey } from "../config/secret-keys.js";

/**
 * A keyed hash of a record id: what stands in for a candidate or employer where the id itself
 * must not outlive the record (deletion records, the candidates a search showed). It can be
 * matched to an id one holds, but not reversed or guessed without PSEUDONYM_KEY.
 */
export const pseudonym = (recordId: string): string => createHmac("sha256", secretKey("PSEUDONYM_KEY")).update(recordId).digest("hex");
