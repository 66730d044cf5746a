import { searchTermsOf, type FoundCandidate } from "../data/candidates.js";
import { continuations, type Page } from "../data/paging.js";
import { mostCriteriaMet, openVacanciesMeeting } from "../data/vacancies.js";
import type { CandidateView } from "../domain/candidate.js";
import { notFound } from "../domain/errors.js";
import {
  candidateMatchQuery,
  candidateTerms,
  criteriaOf,
  explainCandidate,
  explainVacancy,
  MATCH_ORDER,
  vacancyMatchQuery,
  type ExplainedCriterion,
  type VacancyMatched,
} from "../domain/matching.js";
import type { Principal } from "../domain/roles.js";
import { CANDIDATE_VACANCY_FIELDS, type VacancyView } from "../domain/vacancy.js";
import { auditSearch } from "./audit.js";
import { firstPosition, visiblePage, type Position } from "./search.js";
import { staffOrOwnVacancy } from "./vacancies.js";
import { admitView } from "./view-limits.js";
import { linkedViewerOf, viewerOf } from "./viewer.js";

/** A page of matches, each with its criteria explained, and the order they come in. */
export type MatchPage<T> = Page<T & { criteriaMet: number; criteria: ExplainedCriterion[] }> & { order: string };

type Tiered<P> = P & { tier: number };
type Paging = { pageSize: number; continuation?: string | undefined };

const withCriteria = <T>({ matched: _m, ...item }: T & { matched?: unknown }, criteria: ExplainedCriterion[]) => ({
  ...(item as T),
  criteriaMet: criteria.filter((c) => c.met).length,
  criteria,
});

/**
 * The candidates the caller may see (exactly search's rules: `visiblePage`) who meet the
 * vacancy's required criteria, each with every criterion explained. Counted toward the viewing
 * limits and audited like a search.
 */
export async function vacancyMatches(principal: Principal, vacancyId: string, query: Paging): Promise<MatchPage<Partial<CandidateView>>> {
  const viewer = await viewerOf(principal);
  const home = viewer.municipalityId;
  const vacancy = (await staffOrOwnVacancy(viewer, vacancyId)).doc;
  const criteria = criteriaOf(vacancy);
  const match = candidateMatchQuery(criteria);
  // A changed vacancy changes the tiers: its tokens are refused, and the client starts again.
  const tokens = continuations<Tiered<Position>>(
    JSON.stringify(["matches", principal.role, principal.sub, home, vacancyId, vacancy.updatedAt]),
  );
  const start = (tier: number): Tiered<Position> => ({ ...firstPosition(principal, home, {}), tier });
  const position = tokens.decode(query.continuation) ?? start(criteria.filter((c) => !c.required).length);

  const found: FoundCandidate[] = [];
  let next: Tiered<Position> | undefined = position;
  while (next && found.length < query.pageSize) {
    const part = {
      where: [...match.where, `${match.score} = @tier`],
      select: match.select,
      parameters: [...match.parameters, { name: "@tier", value: next.tier }],
    };
    const page = await visiblePage(principal, home, {}, query.pageSize - found.length, next, part);
    found.push(...page.items);
    next = page.next ? { ...page.next, tier: next.tier } : next.tier > 0 ? start(next.tier - 1) : undefined;
  }

  const ids = found.map((c) => c.id);
  await admitView(viewer, ids);
  await auditSearch(principal, home, { vacancy: vacancyId, page: position.phase }, ids);
  return {
    order: principal.role === "accountManager" ? MATCH_ORDER.candidatesForAccountManager : MATCH_ORDER.candidates,
    items: found.map((c) => withCriteria(c, explainCandidate(criteria, (c as { matched?: Record<string, boolean> }).matched))),
    continuation: tokens.encode(next),
  };
}

/** The open vacancies of the candidate's municipality that meet the profile's required criteria, without employer data. */
export async function myMatches(principal: Principal, query: Paging): Promise<MatchPage<Partial<VacancyView>>> {
  const viewer = await linkedViewerOf(principal, "candidate");
  const municipalityId = viewer.municipalityId;
  const me = await searchTermsOf(municipalityId, viewer.recordId);
  if (!me) throw notFound("no profile is linked to this account");
  const match = vacancyMatchQuery(candidateTerms(municipalityId, me.search));
  // A changed profile changes the tiers: its tokens are refused, and the client starts again.
  const tokens = continuations<Tiered<{ token?: string }>>(JSON.stringify(["myMatches", principal.sub, municipalityId, me.updatedAt]));
  let next = tokens.decode(query.continuation);
  // Vacancies set their own criteria, so the top tier is asked once (an aggregate in one partition).
  if (!query.continuation) {
    const top = await mostCriteriaMet(municipalityId, match);
    next = top === undefined ? undefined : { tier: top };
  }

  const found: (Partial<VacancyView> & { matched?: VacancyMatched })[] = [];
  while (next && found.length < query.pageSize) {
    const page = await openVacanciesMeeting(
      municipalityId,
      match,
      next.tier,
      CANDIDATE_VACANCY_FIELDS,
      query.pageSize - found.length,
      next.token,
    );
    found.push(...(page.items as typeof found));
    next = page.continuation ? { tier: next.tier, token: page.continuation } : next.tier > 0 ? { tier: next.tier - 1 } : undefined;
  }
  return {
    order: MATCH_ORDER.vacancies,
    items: found.map((v) => withCriteria(v, explainVacancy(v, v.matched))),
    continuation: tokens.encode(next),
  };
}
