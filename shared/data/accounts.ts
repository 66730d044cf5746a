import { keepBounded, runtime } from "../runtime.js";
import { container, isStatus, withoutSystemFields } from "./cosmos.js";
import { DuplicateKey } from "./errors.js";
import { ignoreNotFound } from "./status.js";

/** Candidates and employer users sign in with accounts of their own, linked by an invitation. */
export type AccountKind = "candidate" | "employer";

/** The link from a signed-in user (`sub`) to the record they redeemed an invitation for. */
export interface AccountDoc {
  id: string;
  kind: AccountKind;
  municipalityId: string;
  recordId: string;
  linkedAt: string;
}

const accounts = () => container("accounts");

// A small per-instance cache (the runtime's memory) saves a round trip on every /me call. Links are
// removed when a record is deleted or an employer ends: other instances notice within CACHE_MS.
const cache = () => runtime().memory.accounts;
const CACHE_LIMIT = 10_000;
const CACHE_MS = 60_000;

export async function insertAccount(doc: AccountDoc): Promise<void> {
  try {
    await accounts().items.create(doc);
  } catch (err) {
    if (isStatus(err, 409)) throw new DuplicateKey("this account is already linked to a profile");
    throw err;
  }
}

export async function deleteAccount(sub: string): Promise<void> {
  cache().delete(sub);
  await ignoreNotFound(accounts().item(sub, sub).delete());
}

export async function findAccount(sub: string): Promise<AccountDoc | undefined> {
  const hit = cache().get(sub);
  if (hit && hit.until > Date.now()) return hit.doc;
  const { resource } = await accounts().item(sub, sub).read<AccountDoc>();
  if (!resource) return undefined;
  const doc = withoutSystemFields(resource);
  keepBounded(cache(), sub, { doc, until: Date.now() + CACHE_MS }, CACHE_LIMIT);
  return doc;
}

/** Forget a link that turned out stale (its record is gone). */
export function forgetAccount(sub: string): void {
  cache().delete(sub);
}
