// `npm run bench:matches`: seeds 3,000 candidates in 4 municipalities and 60 vacancies, then
// measures GET /vacancies/{id}/matches (account manager and employer) and GET /me/matches through
// the handler against the raw query that does the same work (the required criteria, the viewer's
// sight, what each criterion met, freshness order): median/p95 per page, Cosmos round trips per
// page, bytes per item.
import type { Schema } from "../support/http.js";
import { BENCH_SKILLS as SKILLS, benchEmulators, handlerPages, measurer, printRows, seedCandidates, type Figures } from "./measure.js";

const PER_MUNICIPALITY = Number(process.env.BENCH_CANDIDATES ?? 750);
const N = Number(process.env.BENCH_ITERATIONS ?? 30);
const PAGE = 20;
const MUNICIPALITIES = ["den-haag", "rotterdam", "amsterdam", "utrecht"];
const ABILITY = ["yes", "limited", "no"] as const;

const emulators = await benchEmulators();
const { container } = await import("../../shared/data/cosmos.js");
const { selectList } = await import("../../shared/data/candidates.js");
const { SEARCH_PROJECTION, employerSightFilter } = await import("../../shared/domain/visibility.js");
const { candidateMatchQuery, criteriaOf } = await import("../../shared/domain/matching.js");
type VacancyFields = import("../../shared/domain/vacancy.js").VacancyFields;
const { employerUser, sharedCandidate, tokenFor } = await import("../support/factories.js");
const { call } = await import("../support/http.js");

// ---- seed -------------------------------------------------------------------
await seedCandidates(MUNICIPALITIES, PER_MUNICIPALITY, (i) => ({
  languages: [{ language: i % 2 ? "Nederlands" : "Engels", level: "B1" }],
  availability: { availableFrom: i % 5 ? "2026-12-01" : "2027-06-01", hoursPerWeek: 16 + (i % 4) * 8 },
  physical: { lifting: ABILITY[i % 3]! },
}));

const employerAccount = await employerUser("utrecht");
const VACANCY: VacancyFields = {
  title: "Lasser",
  description: "Lassen in de werkplaats",
  occupation: "beroep 3",
  sector: "sector 1",
  requiredSkills: ["lassen"],
  skills: ["heftruck"],
  languages: ["Nederlands"],
  drivingLicences: ["B"],
  hoursPerWeek: { min: 24, max: 32 },
  startDate: "2027-01-01",
  physicalDemands: ["lifting"],
};
const am = employerAccount.accountManager;
let vacancyId = "";
for (let i = 0; i < 60; i++) {
  const body =
    i === 0
      ? VACANCY
      : { ...VACANCY, title: `Vacature ${i}`, requiredSkills: [SKILLS[i % SKILLS.length]!], occupation: `beroep ${i % 25}` };
  const created = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
    token: am,
    body: { employerId: employerAccount.id, ...body },
  });
  if (i === 0) vacancyId = created.body.id;
}
const candidate = await sharedCandidate("utrecht", {
  skills: ["lassen", "heftruck"],
  preferredOccupations: ["beroep 3"],
  languages: [{ language: "Nederlands", level: "B1" }],
  drivingLicences: ["B"],
  availability: { availableFrom: "2026-12-01", hoursPerWeek: 32 },
  physical: { lifting: "yes" },
});

// ---- measure ----------------------------------------------------------------
const measure = measurer(emulators, N, 3);

// The raw query: the same conditions and selected booleans, one page in freshness order (no tiers).
const match = candidateMatchQuery(criteriaOf(VACANCY));
const sight = employerSightFilter({ municipalityId: "utrecht", restricted: [] });
const rawEmployer = async () =>
  (
    await container("candidates")
      .items.query<Record<string, unknown>>(
        {
          query: `SELECT ${selectList(SEARCH_PROJECTION)}, ${match.select} AS matched FROM c WHERE c.type = 'candidate' AND ${sight.where} AND ${match.where.join(" AND ")} ORDER BY c.updatedAt DESC, c.id ASC`,
          parameters: [...sight.parameters, ...match.parameters],
        },
        { maxItemCount: PAGE },
      )
      .fetchNext()
  ).resources;

/** One route's first page through its handler, timed without the OpenAPI check of its answers (done after). */
const page = async (path: string, token: string): Promise<Figures> => {
  const pages = await handlerPages(`${path}?pageSize=${PAGE}`, token, 2 * N + 20);
  const figures = await measure(pages.run);
  pages.check();
  return figures;
};

const rows: [string, Figures][] = [
  ["raw SDK: employer sight + required, one page", await measure(rawEmployer)],
  ["handler: employer, vacancy matches", await page(`/api/vacancies/${vacancyId}/matches`, employerAccount.token)],
  [
    "handler: account manager, vacancy matches",
    await page(`/api/vacancies/${vacancyId}/matches`, await tokenFor("accountManager", "utrecht")),
  ],
  ["handler: candidate, GET /me/matches", await page("/api/me/matches", candidate.token)],
];

console.log(
  `\n${N} first pages of ${PAGE} after 3 warm-up; vacancy with ${criteriaOf(VACANCY).length} criteria (${match.where.length} conditions in WHERE).\n`,
);
printRows(rows, 44);
console.log(
  "the raw query is not ordered by criteria met: the handler's extra round trips are the tiers above the first non-empty one, plus the view counter and audit writes",
);
await emulators.stop();
process.exit(0);
