import { forgetAccount } from "../data/accounts.js";
import { readCandidate } from "../data/candidates.js";
import type { VersionCheck } from "../data/documents.js";
import { withoutOwnContent, type CandidateDoc, type NotificationSettings } from "../domain/candidate.js";
import { nowIso } from "../domain/clock.js";
import { conflict, notFound, NotFound } from "../domain/errors.js";
import { legalHoldApplies, retentionInWords } from "../domain/retention.js";
import { mergePatch } from "../domain/merge-patch.js";
import type { Principal } from "../domain/roles.js";
import { deleteCandidateFiles } from "../storage/blob.js";
import { auditChange, auditedRead, touchedFields } from "./audit.js";
import { candidateView, modifyCandidate, type VersionedView } from "./concurrency.js";
import { pseudonym } from "./pseudonym.js";
import { currentTerms } from "./terms.js";
import { keepDeletionRecord } from "./retention.js";
import { linkedAccount } from "./viewer.js";

const accountOf = (principal: Principal) => linkedAccount(principal, "candidate");

/** A change the candidate makes to their own record: what the usage log records, and the change. */
interface OwnChange {
  action: "update" | "erase" | "acceptTerms" | "sharing";
  fields: string[];
  /** The client's version check (If-Match), if it sent one. */
  expected?: VersionCheck | undefined;
  change: (doc: CandidateDoc) => CandidateDoc;
}

/** Runs a change on the caller's own record, then logs it. */
async function changeOwn(principal: Principal, { action, fields, expected, change }: OwnChange): Promise<VersionedView> {
  const account = await accountOf(principal);
  const updated = await modifyCandidate({
    municipalityId: account.municipalityId,
    id: account.recordId,
    expected,
    change,
    alongside: auditChange(principal, action, fields),
  }).catch((err: unknown) => {
    if (err instanceof NotFound) forgetAccount(principal.sub);
    throw err;
  });
  return ownView(candidateView(updated));
}

/**
 * The candidate's own view: the retention date comes with the rule in plain words
 * (`explanation`), for the person whose data it is.
 */
function ownView(v: VersionedView): VersionedView {
  const { retention, serviceEnd, legalHold } = v.view;
  if (!retention) return v;
  return { ...v, view: { ...v.view, retention: { ...retention, explanation: retentionInWords(retention, serviceEnd, !!legalHold) } } };
}

export async function getMyProfile(principal: Principal): Promise<VersionedView> {
  const { municipalityId, recordId } = await accountOf(principal);
  const found = await auditedRead(principal, { id: recordId, municipalityId }, readCandidate(municipalityId, recordId));
  if (!found) {
    forgetAccount(principal.sub);
    throw notFound("your profile no longer exists");
  }
  return ownView(candidateView(found));
}

/** The candidate changes their own profile fields only; as for staff's patch (candidates.ts), the route has checked every field. */
export function updateMyProfile(
  principal: Principal,
  patch: Record<string, unknown>,
  expected: VersionCheck | undefined,
): Promise<VersionedView> {
  return changeOwn(principal, {
    action: "update",
    fields: touchedFields("profile", patch),
    expected,
    change: (doc) => ({ ...doc, profile: mergePatch(doc.profile, patch), updatedAt: nowIso() }),
  });
}

/**
 * Erases everything the candidate entered: profile fields and uploaded files. Sharing is
 * switched off (an empty profile is not shown). Staff data and the terms acceptance stay.
 * Not while a legal hold applies (409): the data is needed for a legal claim.
 */
export async function eraseMyProfile(principal: Principal): Promise<void> {
  // Files go first: should the record update fail after, nothing the candidate uploaded is left behind.
  const { municipalityId, recordId } = await accountOf(principal);
  const current = await readCandidate(municipalityId, recordId);
  if (current?.doc.legalHold) throw legalHoldApplies(current.doc.legalHold.reason);
  const files = await deleteCandidateFiles(municipalityId, recordId);
  const at = nowIso();
  await changeOwn(principal, {
    action: "erase",
    fields: ["profile", "files"],
    change: (doc) => {
      if (doc.legalHold) throw legalHoldApplies(doc.legalHold.reason);
      return withoutOwnContent(doc, at);
    },
  });
  // Like a deletion, the erasure is recorded (pseudonymously, in the journal too): a restore of
  // Cosmos DB from before `at` would otherwise bring the erased profile back.
  await keepDeletionRecord({
    recordType: "profile",
    municipalityId,
    pseudonym: pseudonym(recordId),
    trigger: "request",
    rule: "the candidate erased their profile",
    deletedAt: at,
    removed: { files },
  });
}

export function acceptTerms(principal: Principal, version: string): Promise<VersionedView> {
  const current = currentTerms().version;
  if (version !== current) {
    return Promise.reject(conflict(`version ${version} is not the current terms of use; accept version ${current} (GET /api/terms)`));
  }
  return changeOwn(principal, {
    action: "acceptTerms",
    fields: ["terms"],
    change: (doc) => ({ ...doc, terms: { version, acceptedAt: nowIso() }, updatedAt: nowIso() }),
  });
}

/**
 * The candidate decides whether employers may find the profile (needs the current terms
 * accepted). Withdrawing takes effect on the next request: searches filter on `sharing` itself (EMPLOYER_SIGHT).
 */
export function setSharing(principal: Principal, withEmployers: boolean, expected: VersionCheck | undefined): Promise<VersionedView> {
  const current = currentTerms().version;
  return changeOwn(principal, {
    action: "sharing",
    fields: ["sharing"],
    expected,
    change: (doc) => {
      if (withEmployers && doc.terms?.version !== current) {
        throw conflict(`accept the current terms of use (version ${current}, POST /api/me/terms) before sharing your profile`);
      }
      const since = doc.sharing.withEmployers && doc.sharing.since ? doc.sharing.since : nowIso();
      return { ...doc, sharing: withEmployers ? { withEmployers, since } : { withEmployers }, updatedAt: nowIso() };
    },
  });
}

/** Which e-mails the candidate wants: stored as `notifications`, the tips timer and vacancy alerts read it. */
export async function setNotifications(principal: Principal, notifications: NotificationSettings): Promise<NotificationSettings> {
  await changeOwn(principal, {
    action: "update",
    fields: ["notifications"],
    change: (doc) => ({ ...doc, notifications, updatedAt: nowIso() }),
  });
  return notifications;
}
