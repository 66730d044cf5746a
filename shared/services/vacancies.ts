import { randomUUID } from "node:crypto";
import type { Versioned, VersionCheck } from "../data/documents.js";
import { readEmployer } from "../data/employers.js";
import { continuations, type Page } from "../data/paging.js";
import { insertVacancy, listVacancies as queryVacancies, readOpenVacancy, readVacancy, type VacancyFilter } from "../data/vacancies.js";
import { nowIso } from "../domain/clock.js";
import { AppError, conflict, notFound, parseOr400 } from "../domain/errors.js";
import { mergePatch } from "../domain/merge-patch.js";
import type { Principal } from "../domain/roles.js";
import {
  CANDIDATE_VACANCY_FIELDS,
  VacancyFields,
  toVacancyView,
  vacancyTerms,
  type VacancyDoc,
  type VacancyView,
} from "../domain/vacancy.js";
import { modifyVacancy, type VersionedView } from "./concurrency.js";
import { municipalityOf } from "./municipalities.js";
import { admitView } from "./view-limits.js";
import { linkedViewerOf, viewerOf, type Viewer } from "./viewer.js";

const NOT_FOUND = "no such vacancy, or not one you may see";
const EMPLOYER_ENDED = "this employer's participation has ended: its vacancies are closed and stay closed";

const hasEnded = async (municipalityId: string, employerId: string) => {
  const employer = await readEmployer(municipalityId, employerId);
  return !!employer && (employer.doc.status === "ended" || !!employer.doc.ended);
};

/** Closes a vacancy, whatever version it is at (an employer's end closes its open ones). */
export const closeVacancy = (municipalityId: string, id: string) =>
  modifyVacancy({ municipalityId, id, change: (doc) => ({ ...doc, status: "closed" as const, updatedAt: nowIso() }) });

/**
 * An open vacancy written while its employer was being ended (the end closes the vacancies it
 * finds, then this write lands): checked again after the write, and closed if so.
 */
async function closeIfEnded(municipalityId: string, vacancy: VacancyDoc): Promise<void> {
  if (!(await hasEnded(municipalityId, vacancy.employerId))) return;
  await closeVacancy(municipalityId, vacancy.id);
  throw conflict(EMPLOYER_ENDED);
}

/** An account manager creates a vacancy for an employer their municipality registered. */
export async function createVacancy(
  principal: Principal,
  body: VacancyFields & { employerId: string },
): Promise<VersionedView<VacancyView>> {
  const municipalityId = municipalityOf(principal);
  const { employerId, ...fields } = body;
  const employer = await readEmployer(municipalityId, employerId);
  if (!employer) {
    throw new AppError(422, "Unprocessable Content", "no employer with this id is registered in your municipality", {
      errors: [{ path: "employerId", message: "not an employer of your municipality" }],
    });
  }
  if (employer.doc.status === "ended" || employer.doc.ended) throw conflict(EMPLOYER_ENDED);
  const now = nowIso();
  const doc: VacancyDoc = {
    id: randomUUID(),
    type: "vacancy",
    municipalityId,
    employerId,
    status: "open",
    ...fields,
    terms: vacancyTerms(fields),
    createdAt: now,
    updatedAt: now,
  };
  const stored = await insertVacancy(doc);
  await closeIfEnded(municipalityId, stored.doc);
  return { view: toVacancyView(stored.doc), etag: stored.etag };
}

/**
 * Candidates: open vacancies of their municipality, without the employer; account managers:
 * their municipality's; employers: their own.
 */
export async function listVacancies(
  principal: Principal,
  query: { status?: "open" | "closed" | undefined; pageSize: number; continuation?: string | undefined },
): Promise<Page<VacancyView>> {
  const employer = principal.role === "employer" ? await linkedViewerOf(principal, "employer") : undefined;
  const viewer = employer ?? (await viewerOf(principal));
  const filter: VacancyFilter = {};
  if (query.status) filter.status = query.status;
  if (principal.role === "candidate") filter.status = "open";
  if (employer) filter.employerId = employer.recordId;
  const fields = principal.role === "candidate" ? CANDIDATE_VACANCY_FIELDS : undefined;
  const tokens = continuations(JSON.stringify(["vacancies", principal.role, viewer.municipalityId, filter]));
  // A page without candidates: counted alongside the query, no added latency.
  const [page] = await Promise.all([
    queryVacancies(viewer.municipalityId, filter, fields, query.pageSize, tokens.decode(query.continuation)),
    admitView(viewer, []),
  ]);
  return { items: page.items.map((v) => (fields ? v : toVacancyView(v))), continuation: tokens.encode(page.continuation) };
}

export async function getVacancy(principal: Principal, id: string): Promise<VersionedView<VacancyView | Partial<VacancyView>>> {
  const viewer = await viewerOf(principal);
  if (principal.role === "candidate") {
    const open = await readOpenVacancy(viewer.municipalityId, id, [...CANDIDATE_VACANCY_FIELDS, "_etag"]);
    if (!open) throw notFound(NOT_FOUND);
    const { _etag, ...view } = open as typeof open & { _etag: string };
    return { view, etag: _etag };
  }
  const found = await staffOrOwnVacancy(viewer, id);
  return { view: toVacancyView(found.doc), etag: found.etag };
}

/** A vacancy of the account manager's municipality, or the employer's own; 404 otherwise. */
export async function staffOrOwnVacancy(viewer: Viewer, id: string): Promise<Versioned<VacancyDoc>> {
  const found = await readVacancy(viewer.municipalityId, id);
  if (!found || (viewer.principal.role === "employer" && found.doc.employerId !== viewer.recordId)) throw notFound(NOT_FOUND);
  return found;
}

/** Change or close (`status: closed`) a vacancy of the account manager's municipality. */
export async function updateVacancy(
  principal: Principal,
  id: string,
  patch: Record<string, unknown>,
  expected: VersionCheck | undefined,
): Promise<VersionedView<VacancyView>> {
  const municipalityId = municipalityOf(principal);
  const reopens = patch.status === "open";
  if (reopens) {
    const current = await readVacancy(municipalityId, id);
    if (current && (await hasEnded(municipalityId, current.doc.employerId))) throw conflict(EMPLOYER_ENDED);
  }
  const updated = await modifyVacancy({
    municipalityId,
    id,
    expected,
    change: (doc) => {
      const { id: vacancyId, type, municipalityId, employerId, status, createdAt, updatedAt: _u, terms: _t, ...fields } = doc;
      const { status: nextStatus, ...changes } = patch;
      const next = parseOr400(VacancyFields, mergePatch(fields, changes), "the changed vacancy");
      const identity = { id: vacancyId, type, municipalityId, employerId, createdAt };
      return {
        ...identity,
        ...next,
        terms: vacancyTerms(next),
        status: (nextStatus as VacancyDoc["status"] | undefined) ?? status,
        updatedAt: nowIso(),
      };
    },
  });
  if (reopens) await closeIfEnded(municipalityId, updated.doc);
  return { view: toVacancyView(updated.doc), etag: updated.etag };
}
