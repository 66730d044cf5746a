import { createHash, randomBytes } from "node:crypto";
import { config } from "../config/index.js";
import { deleteAccount, insertAccount, type AccountKind } from "../data/accounts.js";
import { StaleVersion } from "../data/errors.js";
import { insertInvitation, markRedeemed, readInvitation, type InvitationDoc } from "../data/invitations.js";
import type { CandidateView } from "../domain/candidate.js";
import { clock, nowIso } from "../domain/clock.js";
import { toEmployerView, type EmployerView } from "../domain/employer.js";
import { AppError, conflict, forbidden, notFound } from "../domain/errors.js";
import type { Principal } from "../domain/roles.js";
import { auditChange } from "./audit.js";
import { candidateView, modifyCandidate, modifyEmployer } from "./concurrency.js";

const hashCode = (code: string) => createHash("sha256").update(code, "utf8").digest("hex");

/**
 * A single-use code (256 random bits) for a record, and the invitation to store for it: only the
 * code's hash is kept. The record notes the hash (`invitationIds`) so deletion finds it.
 */
export function newInvitation(kind: AccountKind, municipalityId: string, recordId: string): { code: string; doc: InvitationDoc } {
  const code = randomBytes(32).toString("base64url");
  const now = clock().now();
  const expiresAt = new Date(now.getTime() + config().INVITATION_TTL_DAYS * 86_400_000).toISOString();
  return { code, doc: { id: hashCode(code), kind, municipalityId, recordId, createdAt: now.toISOString(), expiresAt } };
}

export { insertInvitation as storeInvitation };

export type Redeemed = { kind: "candidate"; view: CandidateView; etag: string } | { kind: "employer"; view: EmployerView; etag: string };

const alreadyUsed = () => conflict("this invitation code has already been used");

/** Links the caller's account to the invited record (candidate or employer) and makes it active. */
export async function redeemInvitation(principal: Principal, code: string): Promise<Redeemed> {
  const invitation = await readInvitation(hashCode(code));
  if (!invitation) throw notFound("this invitation code is not known; check it or ask for a new one");
  const { doc } = invitation;
  if (doc.kind !== principal.role) throw forbidden(`this invitation is for a ${doc.kind} account; sign in as one`);
  if (doc.redeemedAt) throw alreadyUsed();
  const at = nowIso();
  if (doc.expiresAt <= at) throw new AppError(410, "Gone", "this invitation code has expired; ask for a new one");

  // The account link is created first (409 if this sub is linked already); if the code turns
  // out to be taken by a concurrent redemption, the link is undone.
  await insertAccount({ id: principal.sub, kind: doc.kind, municipalityId: doc.municipalityId, recordId: doc.recordId, linkedAt: at });
  try {
    await markRedeemed(invitation, at);
  } catch (err) {
    await deleteAccount(principal.sub);
    throw err instanceof StaleVersion ? alreadyUsed() : err;
  }
  try {
    return await linkRecord(principal, doc, at);
  } catch (err) {
    await deleteAccount(principal.sub); // the record refused: no half-made link stays
    throw err;
  }
}

async function linkRecord(principal: Principal, doc: InvitationDoc, at: string): Promise<Redeemed> {
  const logged = auditChange(principal, "redeem");
  if (doc.kind === "candidate") {
    const updated = await modifyCandidate({
      municipalityId: doc.municipalityId,
      id: doc.recordId,
      change: (c) => ({ ...c, status: c.status === "invited" ? "active" : c.status, accountSub: principal.sub, updatedAt: at }),
      alongside: logged,
    });
    return { kind: "candidate", ...candidateView(updated) };
  }
  const updated = await modifyEmployer({
    municipalityId: doc.municipalityId,
    id: doc.recordId,
    change: (e) => {
      // Checked inside the write, so a redemption racing the end of participation cannot slip through.
      if (e.status === "ended") throw new AppError(410, "Gone", "this employer's participation has ended; the invitation no longer works");
      return {
        ...e,
        status: e.status === "invited" ? "active" : e.status,
        accountSubs: [...(e.accountSubs ?? []), principal.sub],
        updatedAt: at,
      };
    },
  });
  return { kind: "employer", view: toEmployerView(updated.doc), etag: updated.etag };
}
