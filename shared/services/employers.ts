import { randomUUID } from "node:crypto";
import type { VersionCheck } from "../data/documents.js";
import { insertEmployer, listEmployers as queryEmployers, readEmployer } from "../data/employers.js";
import { continuations, type Page } from "../data/paging.js";
import { nowIso } from "../domain/clock.js";
import { EmployerFields, toEmployerView, type EmployerRecord, type EmployerView } from "../domain/employer.js";
import { notFound, parseOr400 } from "../domain/errors.js";
import { mergePatch } from "../domain/merge-patch.js";
import type { Principal } from "../domain/roles.js";
import { normalise } from "../domain/search-terms.js";
import { modifyEmployer, type VersionedView } from "./concurrency.js";
import { newInvitation, storeInvitation } from "./invitations.js";
import { employerContact, municipalityOf, registerMunicipality } from "./municipalities.js";
import { admitView } from "./view-limits.js";
import { viewerOf } from "./viewer.js";

/**
 * An account manager registers an employer for their municipality, with a one-time code for its
 * user. A KvK number already registered there is a 409 from the create itself (the container's
 * unique key policy), however many race; so is a change to one (updateEmployer).
 */
export async function createEmployer(
  principal: Principal,
  fields: EmployerFields,
): Promise<VersionedView<EmployerView> & { invitationCode: string; invitationExpiresAt: string }> {
  const municipalityId = municipalityOf(principal);
  const now = nowIso();
  const id = randomUUID();
  const invitation = newInvitation("employer", municipalityId, id);
  const doc: EmployerRecord = {
    id,
    type: "employer",
    municipalityId,
    status: "invited",
    ...fields,
    createdAt: now,
    updatedAt: now,
    invitationIds: [invitation.doc.id],
  };
  const stored = await insertEmployer(doc);
  await Promise.all([storeInvitation(invitation.doc), registerMunicipality(municipalityId)]);
  return {
    view: toEmployerView(stored.doc),
    etag: stored.etag,
    invitationCode: invitation.code,
    invitationExpiresAt: invitation.doc.expiresAt,
  };
}

export async function listEmployers(
  principal: Principal,
  query: { q?: string | undefined; pageSize: number; continuation?: string | undefined },
): Promise<Page<EmployerView>> {
  const municipalityId = municipalityOf(principal);
  const prefix = query.q ? normalise(query.q) : undefined;
  const tokens = continuations(JSON.stringify(["employers", municipalityId, prefix]));
  // A page without candidates: counted alongside the query, no added latency.
  const [page] = await Promise.all([
    queryEmployers(municipalityId, prefix, query.pageSize, tokens.decode(query.continuation)),
    admitView({ principal }, []),
  ]);
  return { items: page.items.map(toEmployerView), continuation: tokens.encode(page.continuation) };
}

/** Account managers read employers of their municipality; an employer user reads only their own, with its contact person. */
export async function getEmployer(
  principal: Principal,
  id: string,
): Promise<VersionedView<EmployerView & { municipalityContact?: object }>> {
  const viewer = await viewerOf(principal);
  if (principal.role === "employer" && viewer.recordId !== id) throw notFound("no such employer, or not one you may see");
  const found = await readEmployer(viewer.municipalityId, id);
  if (!found) throw notFound("no such employer, or not one you may see");
  const view = toEmployerView(found.doc);
  if (principal.role !== "employer") return { view, etag: found.etag };
  return { view: { ...view, municipalityContact: await employerContact(viewer.municipalityId) }, etag: found.etag };
}

export async function updateEmployer(
  principal: Principal,
  id: string,
  patch: Record<string, unknown>,
  expected: VersionCheck | undefined,
): Promise<VersionedView<EmployerView>> {
  const municipalityId = municipalityOf(principal);
  const updated = await modifyEmployer({
    municipalityId,
    id,
    expected,
    change: (doc) => {
      const { companyName, kvkNumber, address, contact, sortKey: _k, updatedAt: _u, ...identity } = doc;
      const next = parseOr400(EmployerFields, mergePatch({ companyName, kvkNumber, address, contact }, patch), "the changed employer");
      return { ...identity, ...next, updatedAt: nowIso() };
    },
  });
  return { view: toEmployerView(updated.doc), etag: updated.etag };
}
