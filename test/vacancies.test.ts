import { describe, expect, it } from "vitest";
import { employerUser, newMunicipality, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";

const vacancy = (employerId: string, overrides: Record<string, unknown> = {}) => ({
  employerId,
  title: "Magazijnmedewerker",
  description: "Orderpicken in ploegendienst",
  occupation: "magazijnmedewerker",
  sector: "logistiek",
  skills: ["orderpicken"],
  hoursPerWeek: { min: 24, max: 38 },
  ...overrides,
});

describe("vacancies", () => {
  it("when an account manager creates vacancies, then each reader sees what is theirs to see", async () => {
    const m = newMunicipality();
    const am = await tokenFor("accountManager", m);
    const e1 = await employerUser(m);
    const e2 = await employerUser(m);
    const candidate = await signedUpCandidate(m);
    const outsider = await signedUpCandidate(newMunicipality());
    const a = (await call<Schema<"VacancyView">>("POST", "/api/vacancies", { token: am, body: vacancy(e1.id, { title: "A" }) })).body;
    const b = (await call<Schema<"VacancyView">>("POST", "/api/vacancies", { token: am, body: vacancy(e2.id, { title: "B" }) })).body;
    const closed = (await call<Schema<"VacancyView">>("POST", "/api/vacancies", { token: am, body: vacancy(e1.id, { title: "C" }) })).body;
    await call("PATCH", `/api/vacancies/${closed.id}`, { token: am, body: { status: "closed" } });

    const titles = async (token: string, query = "") =>
      (await call<Schema<"VacancyPage">>("GET", `/api/vacancies${query}`, { token })).body.items.map((v) => v.title).sort();

    expect(await titles(am)).toEqual(["A", "B", "C"]);
    expect(await titles(am, "?status=open")).toEqual(["A", "B"]);
    expect(await titles(e1.token)).toEqual(["A", "C"]);
    expect(await titles(candidate.token)).toEqual(["A", "B"]);
    expect(await titles(candidate.token, "?status=closed")).toEqual(["A", "B"]);
    expect(await titles(outsider.token)).toEqual([]);
    expect((await call("GET", `/api/vacancies/${b.id}`, { token: e1.token })).status).toBe(404);
    expect((await call("GET", `/api/vacancies/${closed.id}`, { token: candidate.token })).status).toBe(404);
    expect((await call("GET", `/api/vacancies/${a.id}`, { token: outsider.token })).status).toBe(404);
  });

  it("when a candidate reads vacancies, then nothing identifies the employer", async () => {
    const m = newMunicipality();
    const e = await employerUser(m);
    const v = (
      await call<Schema<"VacancyView">>("POST", "/api/vacancies", { token: await tokenFor("accountManager", m), body: vacancy(e.id) })
    ).body;
    const candidate = await signedUpCandidate(m);

    const one = await call<Schema<"VacancyCandidateView">>("GET", `/api/vacancies/${v.id}`, { token: candidate.token });
    const list = await call<Schema<"VacancyPage">>("GET", "/api/vacancies", { token: candidate.token });

    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty("employerId");
    expect(one.body.title).toBe("Magazijnmedewerker");
    expect(list.body.items[0]).not.toHaveProperty("employerId");
    expect(JSON.stringify(list.body)).not.toContain(e.id);
  });

  it("when the employer is not one of the manager's municipality or fields are wrong, then 422 or 400", async () => {
    const am = await tokenFor("accountManager", newMunicipality());
    const elsewhere = await employerUser(newMunicipality());
    expect((await call("POST", "/api/vacancies", { token: am, body: vacancy(elsewhere.id) })).status).toBe(422);
    const bad = await call<Schema<"ValidationProblem">>("POST", "/api/vacancies", {
      token: am,
      body: vacancy(elsewhere.id, { title: "", hoursPerWeek: { min: 40, max: 20 }, salary: 1 }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual(["hoursPerWeek.min", "salary", "title"]);
  });

  it("when an account manager patches, then fields merge and null removes an optional one", async () => {
    const m = newMunicipality();
    const am = await tokenFor("accountManager", m);
    const e = await employerUser(m);
    const v = (await call<Schema<"VacancyView">>("POST", "/api/vacancies", { token: am, body: vacancy(e.id, { location: "Utrecht" }) }))
      .body;

    const res = await call<Schema<"VacancyView">>("PATCH", `/api/vacancies/${v.id}`, {
      token: am,
      body: { location: null, title: "Teamleider magazijn" },
    });

    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("location");
    expect(res.body).toMatchObject({ title: "Teamleider magazijn", employerId: e.id, status: "open", skills: ["orderpicken"] });
  });

  it("when the employer has ended, then its vacancies are closed and stay closed: re-opening and new vacancies are 409", async () => {
    const m = newMunicipality();
    const am = await tokenFor("accountManager", m);
    const e = await employerUser(m);
    const v = (await call<Schema<"VacancyView">>("POST", "/api/vacancies", { token: am, body: vacancy(e.id) })).body;
    expect((await call("POST", `/api/employers/${e.id}/end`, { token: am, body: {} })).status).toBe(200);

    const reopen = await call<Problem>("PATCH", `/api/vacancies/${v.id}`, { token: am, body: { status: "open" } });
    const create = await call<Problem>("POST", "/api/vacancies", { token: am, body: vacancy(e.id, { title: "Nieuw" }) });

    for (const res of [reopen, create]) {
      expect(res.status).toBe(409);
      expect(res.headers["content-type"]).toBe("application/problem+json");
      expect(res.body.detail).toMatch(/participation has ended.*stay closed/);
    }
    const list = await call<Schema<"VacancyPage">>("GET", "/api/vacancies", { token: am });
    expect(list.body.items.map((x) => [x.id, x.status])).toEqual([[v.id, "closed"]]);
    // Other changes to the closed vacancy are still possible; it stays closed.
    const edit = await call<Schema<"VacancyView">>("PATCH", `/api/vacancies/${v.id}`, { token: am, body: { title: "Gesloten" } });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ title: "Gesloten", status: "closed" });
  });
});
