import { config } from "../config/index.js";
import { findAccount, forgetAccount, type AccountDoc } from "../data/accounts.js";
import { readCandidate } from "../data/candidates.js";
import { ProfileFields, toView, type CandidateDoc } from "../domain/candidate.js";
import { nowIso } from "../domain/clock.js";
import { conflict, notFound, parseOr400 } from "../domain/errors.js";
import { mergePatch } from "../domain/merge-patch.js";
import type { Principal } from "../domain/roles.js";
import { deleteCandidateFiles } from "../storage/blob.js";
import { audit, auditChange, touchedFields } from "./audit.js";
import type { Versioned } from "./candidates.js";
import { modifyCandidate } from "./concurrency.js";

const NOT_LINKED = "no profile is linked to this account; redeem the invitation code from your coach first";

async function accountOf(principal: Principal): Promise<AccountDoc> {
  const account = await findAccount(principal.sub);
  if (!account) throw notFound(NOT_LINKED);
  return account;
}

/** Runs a change on the caller's own record, then logs it. */
async function changeOwn(
  principal: Principal,
  ifMatch: string | undefined,
  action: "update" | "erase" | "acceptTerms",
  fields: string[] | undefined,
  change: (doc: CandidateDoc) => CandidateDoc,
): Promise<Versioned> {
  const account = await accountOf(principal);
  const updated = await modifyCandidate(account.municipalityId, account.recordId, ifMatch, change, auditChange(principal, action, fields)).catch(
    (err) => {
      if (err?.status === 404) forgetAccount(principal.sub);
      throw err;
    },
  );
  return { view: toView(updated.doc), etag: updated.etag };
}

export async function getMyProfile(principal: Principal): Promise<Versioned> {
  const { municipalityId, recordId } = await accountOf(principal);
  const [found] = await Promise.all([
    readCandidate(municipalityId, recordId),
    audit(principal, "read", { id: recordId, municipalityId }),
  ]);
  if (!found) {
    forgetAccount(principal.sub);
    throw notFound(NOT_LINKED);
  }
  return { view: toView(found.doc), etag: found.etag };
}

/** The candidate changes their own profile fields only. */
export function updateMyProfile(
  principal: Principal,
  patch: Record<string, unknown>,
  ifMatch: string | undefined,
): Promise<Versioned> {
  return changeOwn(principal, ifMatch, "update", touchedFields("profile", patch), (doc) => ({
    ...doc,
    profile: parseOr400(ProfileFields, mergePatch(doc.profile, patch), "the changed profile", ["profile"]),
    updatedAt: nowIso(),
  }));
}

/**
 * Erases everything the candidate entered: profile fields and uploaded files. Sharing is
 * switched off (an empty profile is not shown). Staff data and the terms acceptance stay.
 */
export async function eraseMyProfile(principal: Principal): Promise<void> {
  // Files go first: should the record update fail after, nothing the candidate uploaded is left behind.
  const { municipalityId, recordId } = await accountOf(principal);
  await deleteCandidateFiles(municipalityId, recordId);
  await changeOwn(principal, undefined, "erase", ["profile", "files"], (doc) => ({
    ...doc,
    profile: {},
    files: {},
    sharing: { withEmployers: false },
    updatedAt: nowIso(),
  }));
}

export function getTerms(): { version: string; url: string } {
  const c = config();
  return { version: c.TERMS_VERSION, url: c.TERMS_URL };
}

export function acceptTerms(principal: Principal, version: string): Promise<Versioned> {
  const current = getTerms().version;
  if (version !== current) {
    return Promise.reject(conflict(`version ${version} is not the current terms of use; accept version ${current} (GET /api/terms)`));
  }
  return changeOwn(principal, undefined, "acceptTerms", ["terms"], (doc) => ({
    ...doc,
    terms: { version, acceptedAt: nowIso() },
    updatedAt: nowIso(),
  }));
}
