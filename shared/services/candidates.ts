import {
  CLIENT_NUMBER_TAKEN,
  clientNumberInUse,
  deleteCandidateDoc,
  insertCandidate,
  listCandidates as queryCandidates,
  readCandidate,
  readVisibleCandidate,
  type CandidateFilter,
  type CandidateListItem,
} from "../data/candidates.js";
import type { VersionCheck } from "../data/documents.js";
import { deleteInvitation } from "../data/invitations.js";
import { continuations, type Page } from "../data/paging.js";
import {
  AdminFields,
  municipalityOfCandidate,
  newCandidateId,
  normalise,
  type CandidateRecord,
  type CandidateStatus,
  type CandidateView,
} from "../domain/candidate.js";
import { nowIso } from "../domain/clock.js";
import { conflict, conflictIf, notFound } from "../domain/errors.js";
import type { SwitchWithReason } from "../domain/fields.js";
import { mergePatch } from "../domain/merge-patch.js";
import type { Principal } from "../domain/roles.js";
import { EMPLOYER_PROJECTION, sightOf } from "../domain/visibility.js";
import { audit, auditChange, auditedRead, touchedFields } from "./audit.js";
import { candidateView, modifyCandidate, type VersionedView } from "./concurrency.js";
import { newInvitation, storeInvitation } from "./invitations.js";
import { employerViewer, municipalityOf, registerMunicipality } from "./municipalities.js";
import { emitEvent } from "./telemetry.js";
import { admitView } from "./view-limits.js";
import { viewerOf } from "./viewer.js";

const NOT_FOUND = "no such candidate, or not one you may see";

/**
 * The client number is unique per municipality by the container's unique key policy: a create or
 * change that would repeat one is refused by Cosmos (409), however many race. This look-up only
 * spares a change that is bound to fail its usage-log line.
 */
const refuseTakenClientNumber = (municipalityId: string, clientNumber: string, exceptId?: string) =>
  conflictIf(clientNumberInUse(municipalityId, clientNumber, exceptId), CLIENT_NUMBER_TAKEN);

/**
 * A coach invites a candidate: the record starts `invited`, with a one-time code to hand over.
 * A client number already in use is a 409 from the create itself.
 */
export async function createCandidate(
  principal: Principal,
  admin: AdminFields,
): Promise<VersionedView & { invitationCode: string; invitationExpiresAt: string }> {
  const municipalityId = municipalityOf(principal);
  const now = nowIso();
  const id = newCandidateId(municipalityId);
  const invitation = newInvitation("candidate", municipalityId, id);
  const doc: CandidateRecord = {
    id,
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
    invitationIds: [invitation.doc.id],
  };
  const stored = await insertCandidate(doc);
  await Promise.all([storeInvitation(invitation.doc), audit(principal, "create", doc), registerMunicipality(municipalityId)]).catch(
    (err: unknown) => undoCreate(doc, stored.etag, invitation.doc.id, err),
  );
  return {
    ...candidateView(stored),
    invitationCode: invitation.code,
    invitationExpiresAt: invitation.doc.expiresAt,
  };
}

/**
 * Nothing half made: a record whose invitation or usage-log line could not be stored is taken back
 * (only the version just made), so the caller's 503 means "nothing was created, try again" and a
 * retry makes no twin. Should taking it back fail too, `audit.unrecorded` says a record may stand
 * without its line.
 */
async function undoCreate(doc: CandidateRecord, etag: string, invitationId: string, err: unknown): Promise<never> {
  try {
    await deleteInvitation(invitationId);
    await deleteCandidateDoc(doc.municipalityId, doc.id, etag);
  } catch {
    emitEvent("audit.unrecorded", {}, { count: 1 }, "warn");
  }
  throw err;
}

export interface ListQuery {
  status?: CandidateStatus;
  q?: string;
  pageSize: number;
  continuation?: string;
}

export async function listCandidates(principal: Principal, query: ListQuery): Promise<Page<CandidateListItem>> {
  const municipalityId = municipalityOf(principal);
  const filter: CandidateFilter = {};
  if (query.status) filter.status = query.status;
  if (query.q) filter.term = normalise(query.q);
  const tokens = continuations(JSON.stringify(["candidates", municipalityId, filter]));
  const page = await queryCandidates(municipalityId, filter, query.pageSize, tokens.decode(query.continuation));
  await admitView(
    { principal },
    page.items.map((c) => c.id),
  );
  return { items: page.items, continuation: tokens.encode(page.continuation) };
}

/**
 * One candidate, projected for the caller (visibility.ts). Outside the caller's sight it does
 * not exist: 404, and no field of it is read.
 */
export async function getCandidate(principal: Principal, id: string): Promise<VersionedView<Partial<CandidateView>>> {
  const candidateMunicipality = municipalityOfCandidate(id);
  if (!candidateMunicipality) throw notFound(NOT_FOUND);
  const viewer = await viewerOf(principal);
  const sight = sightOf(principal.role, viewer.municipalityId, candidateMunicipality);
  if (sight === "none") throw notFound(NOT_FOUND);
  const subject = { id, municipalityId: candidateMunicipality };

  if (sight === "staff") {
    // Staff name the id, so the count need not wait for the read: the count, the read and its log
    // line are one round trip of latency; a refused read shows nothing and its line is taken back.
    const found = await auditedRead(principal, subject, readCandidate(candidateMunicipality, id), admitView(viewer, [id]));
    if (!found) throw notFound(NOT_FOUND);
    return candidateView(found);
  }
  const projection = { ...EMPLOYER_PROJECTION, top: [...EMPLOYER_PROJECTION.top, "_etag"] };
  const found = await readVisibleCandidate(candidateMunicipality, id, await employerViewer(viewer.municipalityId), projection);
  if (!found) throw notFound(NOT_FOUND);
  await admitView(viewer, [id]);
  // Logged once something was shown, so the candidate's access log holds no views that did not happen.
  await audit(principal, "read", subject);
  const { _etag, ...view } = found as Partial<CandidateView> & { _etag: string };
  return { view, etag: _etag };
}

/**
 * Staff change administrative data only. The merged record is not validated again: the route
 * checked each field of the patch against the same schema (patchOf), required fields cannot be
 * removed, and the stored record was valid when it was written.
 */
export async function updateCandidateAdmin(
  principal: Principal,
  id: string,
  patch: Record<string, unknown>,
  expected: VersionCheck | undefined,
): Promise<VersionedView> {
  const municipalityId = municipalityOf(principal);
  if (typeof patch.clientNumber === "string") await refuseTakenClientNumber(municipalityId, patch.clientNumber, id);
  const updated = await modifyCandidate({
    municipalityId,
    id,
    expected,
    change: (doc) => ({ ...doc, admin: mergePatch(doc.admin, patch), updatedAt: nowIso() }),
    alongside: auditChange(principal, "update", touchedFields("admin", patch)),
  });
  return candidateView(updated);
}

/** A coach hides a profile from employers (incorrect or harmful to the candidate), or shows it again. */
export async function setEmployerVisibility(
  principal: Principal,
  id: string,
  visibility: SwitchWithReason<"hidden">,
  expected: VersionCheck | undefined,
): Promise<VersionedView> {
  const employerVisibility = visibility.hidden
    ? { hidden: true, reason: visibility.reason }
    : { hidden: false, ...(visibility.reason ? { reason: visibility.reason } : {}) };
  const updated = await modifyCandidate({
    municipalityId: municipalityOf(principal),
    id,
    expected,
    change: (doc) => ({ ...doc, employerVisibility, updatedAt: nowIso() }),
    alongside: auditChange(principal, "update", ["employerVisibility"]),
  });
  return candidateView(updated);
}

/** Only staff set a candidate active or inactive; a candidate who never redeemed stays invited until they do. */
export async function setStatus(
  principal: Principal,
  id: string,
  status: "active" | "inactive",
  expected: VersionCheck | undefined,
): Promise<VersionedView> {
  const updated = await modifyCandidate({
    municipalityId: municipalityOf(principal),
    id,
    expected,
    change: (doc) => {
      if (status === "active" && doc.status === "invited") {
        throw conflict("the candidate has not redeemed the invitation yet; they become active when they do");
      }
      if (status === "active" && doc.serviceEnd) {
        // Service resumes: the retention period that its end started no longer runs.
        const { serviceEnd: _e, retention: _r, ...resumed } = doc;
        return { ...resumed, status, updatedAt: nowIso() };
      }
      return { ...doc, status, updatedAt: nowIso() };
    },
    alongside: auditChange(principal, "update", ["status"]),
  });
  return candidateView(updated);
}
