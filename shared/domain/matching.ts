import { normalise, physicalTerm, type SearchTerms } from "./search-terms.js";
import type { VacancyFields } from "./vacancy.js";

/**
 * Matching is explicit criteria a person reviews (DPIA: no profiling, no automated decisions):
 * every criterion a vacancy sets is listed with whether it is met and why, and the only order is
 * the number of criteria met, then freshness. There is no weight and no hidden score.
 */
export const CRITERIA = [
  "municipality",
  "occupation",
  "sector",
  "skill",
  "language",
  "drivingLicence",
  "hours",
  "startDate",
  "physical",
] as const;
export type CriterionName = (typeof CRITERIA)[number];

/** One criterion a vacancy sets: required ones filter, the others only count toward the order. */
export interface Criterion {
  name: CriterionName;
  /** What the vacancy asks, as it wrote it. */
  value: string;
  required: boolean;
}

export interface ExplainedCriterion extends Criterion {
  met: boolean;
  detail: string;
}

/**
 * The order of every match page, which the response states. Ordering by the number of criteria
 * met cannot be an ORDER BY (Cosmos sorts on stored paths only, and the count depends on the
 * other side of the match), and scoring every candidate in memory is what we must not do. So the
 * count is computed in the query and pages walk it tier by tier: `WHERE <required> AND <count met>
 * = @tier ORDER BY <freshness>`, from the most criteria down (shared/services/matches.ts). Each
 * query reads only what its page shows; a page costs one query per tier it touches (usually one;
 * an empty tier costs a round trip that returns nothing), and there are at most as many tiers as
 * the vacancy has optional criteria, plus one.
 */
export const MATCH_ORDER = {
  candidates: "criteriaMet desc, updatedAt desc",
  /** Account managers: within a tier, their own municipality's candidates first, as in search. */
  candidatesForAccountManager: "criteriaMet desc, ownMunicipalityFirst, updatedAt desc",
  vacancies: "criteriaMet desc, createdAt desc",
} as const;

/** Every criterion the vacancy sets, in a fixed order (the order of the explanation). */
export function criteriaOf(v: Partial<VacancyFields>): Criterion[] {
  const each = (name: CriterionName, values: readonly string[] | undefined, required: boolean) =>
    (values ?? []).map((value) => ({ name, value, required }));
  return [
    ...each("municipality", v.region?.length ? [v.region.join(", ")] : [], true),
    ...each("occupation", v.occupation ? [v.occupation] : [], false),
    ...each("sector", v.sector ? [v.sector] : [], false),
    ...each("skill", v.requiredSkills, true),
    ...each("skill", v.skills, false),
    ...each("language", v.languages, false),
    ...each("drivingLicence", v.drivingLicences, v.drivingLicenceRequired === true),
    ...each("hours", v.hoursPerWeek ? [`${v.hoursPerWeek.min}-${v.hoursPerWeek.max}`] : [], false),
    ...each("startDate", v.startDate ? [v.startDate] : [], false),
    ...each("physical", v.physicalDemands, false),
  ];
}

const DETAIL: Record<CriterionName, (value: string, met: boolean) => string> = {
  municipality: (v, met) => (met ? `lives in one of the vacancy's municipalities (${v})` : `does not live in ${v}`),
  occupation: (v, met) => (met ? `names '${v}' as a preferred occupation` : `does not name '${v}' as a preferred occupation`),
  sector: (v, met) => (met ? `wants to work in '${v}'` : `does not name the sector '${v}'`),
  skill: (v, met) => (met ? `lists the skill '${v}'` : `does not list the skill '${v}'`),
  language: (v, met) => (met ? `speaks ${v}` : `does not list ${v} among their languages`),
  drivingLicence: (v, met) => (met ? `holds driving licence ${v}` : `does not list driving licence ${v}`),
  hours: (v, met) => `${met ? "can work" : "did not say they can work"} ${v.split("-")[0]} hours a week or more (the vacancy offers ${v})`,
  startDate: (v, met) => (met ? `is available by ${v}` : `is not available by ${v}, or said later`),
  physical: (v, met) => (met ? `said yes to ${v}` : `did not say yes to ${v} (limited, or not answered)`),
};

/** The explanation shown with a match. */
export const explain = (c: Criterion, met: boolean): ExplainedCriterion => ({ ...c, met, detail: DETAIL[c.name](c.value, met) });

/** A query parameter, as Cosmos takes it. */
export interface MatchParameter {
  name: string;
  value: string | number | boolean | string[];
}

/** Named query parameters (`@match0`, …): values never go into the text. */
function parameterList() {
  const parameters: MatchParameter[] = [];
  const param = (value: MatchParameter["value"]): string => {
    const name = `@match${parameters.length}`;
    parameters.push({ name, value });
    return name;
  };
  return { parameters, param };
}

/** A query's part that matches: conditions for WHERE, each criterion's `met` for SELECT, the count met. */
export interface MatchQuery {
  /** Required criteria and exclusions, for WHERE. */
  where: string[];
  /** SQL object of booleans, selected `AS matched`. */
  select: string;
  /** The number of optional criteria met, for `= @tier` in WHERE. */
  score: string;
  parameters: MatchParameter[];
}

const count = (conditions: string[]) => (conditions.length ? conditions.map((c) => `(${c} ? 1 : 0)`).join(" + ") : "0");

/**
 * Vacancy → candidates: each criterion becomes a condition on the candidate's normalised search
 * terms (c.search, all indexed). Required ones filter; a physical demand the candidate said `no`
 * to excludes; the rest are counted. Candidates written before `search.physical` existed have no
 * answers there and are not excluded: their explanation says "not answered".
 */
export function candidateMatchQuery(criteria: Criterion[]): MatchQuery {
  const { parameters, param } = parameterList();
  const where: string[] = [];
  const counted: string[] = [];
  const selected: string[] = [];
  criteria.forEach((c, i) => {
    const met = candidateCondition(c, param);
    if (c.required) where.push(met);
    else {
      counted.push(met);
      selected.push(`"k${i}": ${met}`);
    }
    if (c.name === "physical") {
      where.push(`(NOT IS_DEFINED(c.search.physical) OR NOT ARRAY_CONTAINS(c.search.physical, ${param(physicalTerm(c.value, "no"))}))`);
    }
  });
  return { where, select: `{${selected.join(", ")}}`, score: count(counted), parameters };
}

function candidateCondition(c: Criterion, param: (v: MatchParameter["value"]) => string): string {
  const term = normalise(c.value);
  switch (c.name) {
    case "municipality":
      return `ARRAY_CONTAINS(${param(c.value.split(", "))}, c.municipalityId)`;
    case "occupation":
      return `ARRAY_CONTAINS(c.search.occupations, ${param(term)})`;
    case "sector":
      return `ARRAY_CONTAINS(c.search.sectors, ${param(term)})`;
    case "skill":
      return `ARRAY_CONTAINS(c.search.skills, ${param(term)})`;
    case "language":
      return `ARRAY_CONTAINS(c.search.languages, ${param(term)})`;
    case "drivingLicence":
      return `ARRAY_CONTAINS(c.search.drivingLicences, ${param(c.value)})`;
    case "hours":
      return `c.search.hoursPerWeek >= ${param(Number(c.value.split("-")[0]))}`;
    case "startDate":
      return `c.search.availableFrom <= ${param(c.value)}`;
    case "physical":
      return `ARRAY_CONTAINS(c.search.physical, ${param(physicalTerm(c.value, "yes"))})`;
  }
}

/** Whether each criterion is met, from the booleans the candidate query selected (required ones hold by the WHERE). */
export const explainCandidate = (criteria: Criterion[], matched: Record<string, boolean> | undefined): ExplainedCriterion[] =>
  criteria.map((c, i) => explain(c, c.required || matched?.[`k${i}`] === true));

/** What a candidate brings to a vacancy, from their stored search terms. */
export interface CandidateTerms {
  municipalityId: string;
  occupations: string[];
  sectors: string[];
  skills: string[];
  languages: string[];
  drivingLicences: string[];
  hoursPerWeek: number;
  availableFrom: string;
  physical: string[];
}

/** A candidate's terms for matching, from their stored search terms (older documents may lack some: none given). */
export const candidateTerms = (municipalityId: string, t: Partial<SearchTerms> = {}): CandidateTerms => ({
  municipalityId,
  occupations: t.occupations ?? [],
  sectors: t.sectors ?? [],
  skills: t.skills ?? [],
  languages: t.languages ?? [],
  drivingLicences: t.drivingLicences ?? [],
  hoursPerWeek: t.hoursPerWeek ?? 0,
  availableFrom: t.availableFrom ?? "",
  physical: t.physical ?? [],
});

/** Per-item booleans of the candidate → vacancies query, one array per listed criterion of the vacancy. */
export interface VacancyMatched {
  occupation?: boolean;
  sector?: boolean;
  skills?: boolean[];
  languages?: boolean[];
  drivingLicences?: boolean[];
  hours?: boolean;
  startDate?: boolean;
  physical?: boolean[];
}

/**
 * Candidate → vacancies: the vacancy sets the criteria, so each one's lists are walked inside the
 * query (subqueries over the vacancy's normalised `terms`) against the candidate's terms as parameters.
 */
export function vacancyMatchQuery(t: CandidateTerms): MatchQuery {
  const { parameters, param } = parameterList();
  const skills = param(t.skills);
  const licences = param(t.drivingLicences);
  const yes = param(t.physical.filter((p) => p.endsWith(":yes")).map((p) => p.slice(0, p.indexOf(":"))));
  const no = param(t.physical.filter((p) => p.endsWith(":no")).map((p) => p.slice(0, p.indexOf(":"))));
  const languages = param(t.languages);
  const each = (list: string, have: string) => `ARRAY(SELECT VALUE ARRAY_CONTAINS(${have}, x) FROM x IN ${list})`;
  const metCount = (list: string, have: string) => `ARRAY_LENGTH(ARRAY(SELECT VALUE x FROM x IN ${list} WHERE ARRAY_CONTAINS(${have}, x)))`;
  const occupation = `ARRAY_CONTAINS(${param(t.occupations)}, c.terms.occupation)`;
  const sector = `ARRAY_CONTAINS(${param(t.sectors)}, c.terms.sector)`;
  const hours = `${param(t.hoursPerWeek)} >= c.hoursPerWeek.min`;
  const startDate = `${param(t.availableFrom)} <= c.startDate`;
  // No ternaries or deep nesting: the emulator's SQL parser slows down steeply with each level.
  return {
    where: [
      `(NOT IS_DEFINED(c.region) OR ARRAY_CONTAINS(c.region, ${param(t.municipalityId)}))`,
      `NOT EXISTS(SELECT VALUE x FROM x IN c.terms.requiredSkills WHERE NOT ARRAY_CONTAINS(${skills}, x))`,
      `NOT EXISTS(SELECT VALUE x FROM x IN c.terms.requiredLicences WHERE NOT ARRAY_CONTAINS(${licences}, x))`,
      `NOT EXISTS(SELECT VALUE x FROM x IN c.physicalDemands WHERE ARRAY_CONTAINS(${no}, x))`,
    ],
    select: `{"occupation": ${occupation}, "sector": ${sector}, "skills": ${each("c.terms.skills", skills)}, "languages": ${each("c.terms.languages", languages)}, "drivingLicences": ${each("c.drivingLicences", licences)}, "hours": ${hours}, "startDate": ${startDate}, "physical": ${each("c.physicalDemands", yes)}}`,
    score: [
      count([occupation, sector, hours, startDate]),
      metCount("c.terms.skills", skills),
      metCount("c.terms.languages", languages),
      metCount("c.terms.niceLicences", licences),
      metCount("c.physicalDemands", yes),
    ].join(" + "),
    parameters,
  };
}

/** Whether each criterion of the vacancy is met, from the booleans the vacancy query selected. */
export function explainVacancy(v: Partial<VacancyFields>, matched: VacancyMatched | undefined): ExplainedCriterion[] {
  const at: Partial<Record<keyof VacancyMatched, number>> = {};
  const next = (key: "skills" | "languages" | "drivingLicences" | "physical") => matched?.[key]?.[(at[key] = (at[key] ?? -1) + 1)] === true;
  return criteriaOf(v).map((c) => {
    if (c.required && c.name !== "drivingLicence") return explain(c, true);
    switch (c.name) {
      case "skill":
        return explain(c, next("skills"));
      case "language":
        return explain(c, next("languages"));
      case "drivingLicence":
        return explain(c, next("drivingLicences") || c.required);
      case "physical":
        return explain(c, next("physical"));
      case "occupation":
      case "sector":
      case "hours":
      case "startDate":
        return explain(c, matched?.[c.name] === true);
      default:
        return explain(c, true);
    }
  });
}
