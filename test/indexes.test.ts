import { describe, expect, it } from "vitest";
import { buildVacancy, employerUser, newMunicipality, sharedCandidate, tokenFor } from "./support/factories.js";
import { call, type Schema } from "./support/http.js";
import { compositeSortOf, issuedQueries, unindexedSorts } from "./support/queries.js";

// test/support/env.ts records every query the app sends in every test file and checks it with
// unindexedSorts after the file; these tests show that check sees the queries and can fail.
describe("composite indexes", () => {
  it("when a query sorts on several fields, then its own container declares the matching composite index", async () => {
    const m = newMunicipality("index");
    const candidate = await sharedCandidate(m);
    const employer = await employerUser(m);
    const am = await tokenFor("accountManager", m);
    const vacancy = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
      token: am,
      body: buildVacancy(employer.id, { requiredSkills: ["lassen"] }),
    });
    const before = issuedQueries().length;

    // The lists, searches and matches: every multi-field sort a request can ask for.
    for (const [token, path] of [
      [candidate.coach, "/api/candidates"],
      [am, "/api/employers"],
      [am, "/api/vacancies"],
      [am, "/api/search/candidates?skill=lassen"],
      [employer.token, "/api/search/candidates?skill=lassen"],
      [employer.token, `/api/vacancies/${vacancy.body.id}/matches`],
      [candidate.token, "/api/me/matches"],
    ] as const) {
      expect((await call("GET", path, { token })).status, path).toBe(200);
    }

    const sorted = issuedQueries()
      .slice(before)
      .filter((q) => compositeSortOf(q.query));
    expect(new Set(sorted.map((q) => q.container))).toEqual(new Set(["candidates", "employers", "vacancies"]));
    expect(new Set(sorted.map((q) => q.query)).size).toBeGreaterThanOrEqual(4);
    expect(unindexedSorts(sorted)).toEqual([]);
  });

  it("when a container lacks the composite index a sort needs, then the check names the container and the sort", () => {
    const queries = [
      { container: "candidates", query: "SELECT * FROM c WHERE c.municipalityId = @m ORDER BY c.sortKey ASC, c.id ASC" },
      { container: "candidates", query: "SELECT * FROM c WHERE c.municipalityId = @m ORDER BY c.sortKey DESC, c.id ASC" },
      { container: "employers", query: "SELECT * FROM c ORDER BY c.updatedAt DESC, c.id ASC" },
      { container: "employers", query: "SELECT * FROM c ORDER BY c.id" },
    ];

    expect(unindexedSorts(queries)).toEqual([
      "candidates: ORDER BY /sortKey descending, /id ascending",
      "employers: ORDER BY /updatedAt descending, /id ascending",
    ]);
  });
});
