import { randomUUID } from "node:crypto";
import {
  clientNumberInUse,
  insertCandidate,
  listCandidates as queryCandidates,
  readCandidate,
  type CandidateFilter,
  type CandidateListItem,
} from "../data/candidates.js";
import type { Page } from "../data/paging.js";
import {
  AdminFields,
  derivedFields,
  normalise,
  toView,
  type CandidateDoc,
  type CandidateStatus,
  type CandidateView,
} from "../domain/candidate.js";
import { nowIso } from "../domain/clock.js";
import { conflict, forbidden, notFound, parseOr400 } from "../domain/errors.js";
import { mergePatch } from "../domain/merge-patch.js";
import type { Principal } from "../domain/roles.js";
import { audit, auditChange, touchedFields } from "./audit.js";
import { modifyCandidate } from "./concurrency.js";
import { issueInvitation } from "./invitations.js";

export interface Versioned {
  view: CandidateView;
  etag: string;
}

/** Staff act in their own municipality only; the token guarantees they have one. */
function municipalityOf(principal: Principal): string {
  if (!principal.municipalityId) throw forbidden("staff tokens must name the user's municipality");
  return principal.municipalityId;
}

async function refuseTakenClientNumber(municipalityId: string, clientNumber: string, exceptId?: string) {
  if (await clientNumberInUse(municipalityId, clientNumber, exceptId)) {
    throw conflict("a candidate with this client number already exists in your municipality");
  }
}

/** A coach invites a candidate: the record starts `invited`, with a one-time code to hand over. */
export async function createCandidate(
  principal: Principal,
  admin: AdminFields,
): Promise<Versioned & { invitationCode: string; invitationExpiresAt: string }> {
  const municipalityId = municipalityOf(principal);
  await refuseTakenClientNumber(municipalityId, admin.clientNumber);
  const now = nowIso();
  const doc: CandidateDoc = {
    id: randomUUID(),
    type: "candidate",
    municipalityId,
    status: "invited",
    admin,
    profile: {},
    files: {},
    sharing: { withEmployers: false },
    employerVisibility: { hidden: false },
    createdAt: now,
    updatedAt: now,
    ...derivedFields(admin),
  };
  const stored = await insertCandidate(doc);
  const [invitation] = await Promise.all([
    issueInvitation(municipalityId, doc.id),
    audit(principal, "create", doc),
  ]);
  return {
    view: toView(stored.doc),
    etag: stored.etag,
    invitationCode: invitation.code,
    invitationExpiresAt: invitation.expiresAt,
  };
}

export interface ListQuery {
  status?: CandidateStatus;
  q?: string;
  pageSize: number;
  continuation?: string;
}

export async function listCandidates(principal: Principal, query: ListQuery): Promise<Page<CandidateListItem>> {
  const filter: CandidateFilter = {};
  if (query.status) filter.status = query.status;
  if (query.q) filter.term = normalise(query.q);
  return queryCandidates(municipalityOf(principal), filter, query.pageSize, query.continuation);
}

/** The staff view of one candidate; outside the caller's municipality it does not exist (404). */
export async function getCandidate(principal: Principal, id: string): Promise<Versioned> {
  const municipalityId = municipalityOf(principal);
  // The audit line is written alongside the read, not after it: one round trip of latency.
  const [found] = await Promise.all([readCandidate(municipalityId, id), audit(principal, "read", { id, municipalityId })]);
  if (!found) throw notFound("no such candidate in your municipality");
  return { view: toView(found.doc), etag: found.etag };
}

/** Staff change administrative data only; the patch has already been checked for shape. */
export async function updateCandidateAdmin(
  principal: Principal,
  id: string,
  patch: Record<string, unknown>,
  ifMatch: string | undefined,
): Promise<Versioned> {
  const municipalityId = municipalityOf(principal);
  if (typeof patch.clientNumber === "string") await refuseTakenClientNumber(municipalityId, patch.clientNumber, id);
  const updated = await modifyCandidate(
    municipalityId,
    id,
    ifMatch,
    (doc) => {
      const admin = parseOr400(AdminFields, mergePatch(doc.admin, patch), "the changed administrative data", ["admin"]);
      return { ...doc, admin, ...derivedFields(admin), updatedAt: nowIso() };
    },
    auditChange(principal, "update", touchedFields("admin", patch)),
  );
  return { view: toView(updated.doc), etag: updated.etag };
}
