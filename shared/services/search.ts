import * as z from "zod";
import { searchMunicipality, searchVisible, type FoundCandidate, type QueryPart, type SearchFilter } from "../data/candidates.js";
import { continuations, type Page } from "../data/paging.js";
import { DRIVING_LICENCES, type CandidateView } from "../domain/candidate.js";
import { isoDate, municipalityIdField } from "../domain/fields.js";
import type { Principal } from "../domain/roles.js";
import { normalise, TARGET_GROUPS, words } from "../domain/search-terms.js";
import { SEARCH_PROJECTION, STAFF_SEARCH_PROJECTION } from "../domain/visibility.js";
import { auditSearch } from "./audit.js";
import { admitView } from "./view-limits.js";
import { employerViewer } from "./municipalities.js";
import { viewerOf } from "./viewer.js";

const term = z.string().trim().min(1).max(100);

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  occupation: term.optional(),
  sector: term.optional(),
  skill: z.union([term, z.array(term).max(10)]).optional(),
  language: term.optional(),
  drivingLicence: z.enum(DRIVING_LICENCES).optional(),
  municipality: municipalityIdField.optional(),
  availableFrom: isoDate.optional(),
  targetGroup: z.enum(TARGET_GROUPS).optional(),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/** Where a walk through the candidates a caller may see stands: the account manager's own municipality, or the others. */
export interface Position {
  phase: "home" | "others";
  token?: string;
}

export function toFilter(q: SearchQuery): SearchFilter {
  const f: SearchFilter = {};
  if (q.q) f.words = [...new Set(words(q.q))];
  if (q.occupation) f.occupation = normalise(q.occupation);
  if (q.sector) f.sector = normalise(q.sector);
  if (q.skill) f.skills = [...new Set([q.skill].flat().map(normalise))];
  if (q.language) f.language = normalise(q.language);
  if (q.drivingLicence) f.drivingLicence = q.drivingLicence;
  if (q.municipality) f.municipality = q.municipality;
  if (q.availableFrom) f.availableFrom = q.availableFrom;
  if (q.targetGroup) f.targetGroup = q.targetGroup;
  return f;
}

/** Where a walk starts: account managers in their own municipality (unless the filter names another), everyone else among the others. */
export const firstPosition = (principal: Principal, home: string, filter: SearchFilter): Position => ({
  phase: principal.role === "accountManager" && (!filter.municipality || filter.municipality === home) ? "home" : "others",
});

/**
 * One page of the candidates the caller may see. Employers: candidates visible to employers in
 * every municipality whose policy reaches the employer's (one cross-partition query). Account
 * managers: first every candidate of their own municipality (one partition), then the others as
 * an employer of their region would see them. `part` adds conditions and selected values (matching).
 */
export async function visiblePage(
  principal: Principal,
  home: string,
  filter: SearchFilter,
  pageSize: number,
  position: Position,
  part?: QueryPart,
): Promise<{ items: FoundCandidate[]; next: Position | undefined }> {
  let items: FoundCandidate[] = [];
  let next: Position | undefined = position;
  if (next.phase === "home") {
    const page = await searchMunicipality(home, filter, STAFF_SEARCH_PROJECTION, pageSize, next.token, part);
    items = page.items;
    const homeOnly = filter.municipality === home;
    next = page.continuation ? { phase: "home", token: page.continuation } : homeOnly ? undefined : { phase: "others" };
  }
  // The others fill what is left of the page, so a page is only short at the very end.
  if (next?.phase === "others" && items.length < pageSize) {
    const scopeOfOthers = { viewer: await employerViewer(home), ...(principal.role === "accountManager" ? { exclude: home } : {}) };
    const page = await searchVisible(scopeOfOthers, filter, SEARCH_PROJECTION, pageSize - items.length, next.token, part);
    items = [...items, ...page.items];
    next = page.continuation ? { phase: "others", token: page.continuation } : undefined;
  }
  return { items, next };
}

/** Search the candidates the caller may see (`visiblePage`), counted and audited. */
export async function searchCandidates(
  principal: Principal,
  query: SearchQuery & { pageSize: number; continuation?: string | undefined },
): Promise<Page<Partial<CandidateView>>> {
  const viewer = await viewerOf(principal);
  const home = viewer.municipalityId;
  const filter = toFilter(query);
  const tokens = continuations<Position>(JSON.stringify(["search", principal.role, principal.sub, home, filter]));
  const position = tokens.decode(query.continuation) ?? firstPosition(principal, home, filter);
  const { items, next } = await visiblePage(principal, home, filter, query.pageSize, position);
  // Counted (and possibly refused) once the page's candidates are known, before anything is logged or shown.
  await admitView(
    viewer,
    items.map((c) => c.id),
  );
  const { pageSize: _p, continuation: _c, ...filters } = query;
  await auditSearch(
    principal,
    home,
    { ...filters, page: position.phase },
    items.map((c) => c.id),
  );
  return { items, continuation: tokens.encode(next) };
}
