import { beforeAll, describe, expect, it } from "vitest";
import { container } from "../shared/data/cosmos.js";
import type { StoredNotification } from "../shared/data/outbox.js";
import type { SavedSearchDoc } from "../shared/data/saved-searches.js";
import { render } from "../shared/services/messages.js";
import { queueSavedSearchDigests } from "../shared/services/saved-searches.js";
import { queueVacancyAlerts } from "../shared/services/vacancy-alerts.js";
import { buildVacancy, employerUser, newMunicipality, sharedCandidate, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { anyString } from "./support/matchers.js";

const TAG = `bewaard${Date.now().toString(36)}`;

const outboxOf = async <T extends StoredNotification["type"]>(m: string, type: T) =>
  (
    await container("outbox")
      .items.query<Extract<StoredNotification, { type: T }>>(
        {
          query: "SELECT * FROM c WHERE c.municipalityId = @m AND c.type = @t",
          parameters: [
            { name: "@m", value: m },
            { name: "@t", value: type },
          ],
        },
        { partitionKey: m },
      )
      .fetchAll()
  ).resources;

const save = <T = Schema<"SavedSearch">>(token: string, body: unknown) => call<T>("POST", "/api/me/saved-searches", { token, body });

describe("saved searches: each user's own", () => {
  let home: string;
  let employer: Awaited<ReturnType<typeof employerUser>>;
  let colleague: Awaited<ReturnType<typeof employerUser>>;

  beforeAll(async () => {
    home = newMunicipality("saved");
    employer = await employerUser(home);
    colleague = await employerUser(home);
  });

  it("when an employer saves a search, then it answers 201 with it and lists it for that user only", async () => {
    const res = await save(employer.token, { name: "Lassers", filters: { skill: ["lassen", "heftruck"], drivingLicence: "B" } });

    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      id: anyString,
      name: "Lassers",
      filters: { skill: ["lassen", "heftruck"], drivingLicence: "B" },
      createdAt: anyString,
    });
    const mine = await call<Schema<"SavedSearchPage">>("GET", "/api/me/saved-searches", { token: employer.token });
    expect(mine.body.items.map((s) => s.id)).toEqual([res.body.id]);
    const theirs = await call<Schema<"SavedSearchPage">>("GET", "/api/me/saved-searches", { token: colleague.token });
    expect(theirs.body.items).toEqual([]);
    const stored = (await container("savedSearches").item(res.body.id, home).read<SavedSearchDoc>()).resource;
    expect(JSON.stringify(stored)).not.toContain(employer.sub);
  });

  it("when the filters are not those of the search, then 400 names the field", async () => {
    const res = await save<Schema<"ValidationProblem">>(employer.token, { name: "Fout", filters: { drivingLicence: "Z", colour: "blue" } });

    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(["filters.colour", "filters.drivingLicence"]);
  });

  it("when someone else's saved search is deleted, then 404 and it stays; the owner's delete removes it", async () => {
    const { body } = await save(employer.token, { name: "Weg", filters: { sector: "metaal" } });
    const am = await tokenFor("accountManager", home);

    expect((await call("DELETE", `/api/me/saved-searches/${body.id}`, { token: colleague.token })).status).toBe(404);
    expect((await call("DELETE", `/api/me/saved-searches/${body.id}`, { token: am })).status).toBe(404);
    expect((await call("DELETE", `/api/me/saved-searches/${body.id}`, { token: employer.token })).status).toBe(204);
    const mine = await call<Schema<"SavedSearchPage">>("GET", "/api/me/saved-searches", { token: employer.token });
    expect(mine.body.items.map((s) => s.id)).not.toContain(body.id);
  });

  it("when a user has 20, then the 21st is refused with 409 saying what to do", async () => {
    const am = await tokenFor("accountManager", newMunicipality("saved"));
    for (let i = 0; i < 20; i++) expect((await save(am, { name: `Zoek ${i}`, filters: {} })).status).toBe(201);

    const res = await save<Problem>(am, { name: "Een te veel", filters: {} });

    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/20 saved searches.*delete one/);
  });
});

describe("the nightly digest", () => {
  it("when candidates match after the search was saved, then one digest a day carries their count, never counting one who stopped sharing, and no candidate id", async () => {
    const home = newMunicipality("digest");
    const employer = await employerUser(home);
    const saved = await save(employer.token, { name: "Nieuw", filters: { skill: TAG } });
    const stays = await sharedCandidate(newMunicipality("digest"), { skills: [TAG] });
    const leaves = await sharedCandidate(home, { skills: [TAG] });
    await call("PUT", "/api/me/sharing", { token: leaves.token, body: { withEmployers: false } });

    const first = await queueSavedSearchDigests({ budgetMs: 60_000, municipalities: [home] });
    const again = await queueSavedSearchDigests({ budgetMs: 60_000, municipalities: [home] });

    expect(first).toMatchObject({ complete: true, savedSearches: 1, queued: 1 });
    expect(again).toMatchObject({ savedSearches: 1, queued: 0 });
    const digests = await outboxOf(home, "savedSearchDigest");
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ audience: "employer", employerId: employer.id, savedSearchId: saved.body.id, count: 1 });
    expect(JSON.stringify(digests[0])).not.toContain(stays.id);
    const mail = render(digests[0]!, { appUrl: "https://app.example", tipsIntervalDays: 30 });
    expect(mail.text).toContain("past 1 nieuw of bijgewerkt profiel");
    expect(mail.text).not.toContain(stays.id);
  });

  it("when nothing new matches, then no digest is queued", async () => {
    const home = newMunicipality("digest");
    const am = await tokenFor("accountManager", home);
    await save(am, { name: "Niets", filters: { skill: `${TAG}-niemand` } });

    const run = await queueSavedSearchDigests({ budgetMs: 60_000, municipalities: [home] });

    expect(run).toMatchObject({ savedSearches: 1, queued: 0 });
    expect(await outboxOf(home, "savedSearchDigest")).toEqual([]);
  });
});

describe("the weekly vacancy alert", () => {
  it("when a candidate turned alerts on, then new open vacancies that fit them are queued once; candidates without alerts get none", async () => {
    const home = newMunicipality("alert");
    const wants = await sharedCandidate(home, { skills: [TAG] });
    const quiet = await signedUpCandidate(home);
    await call("PATCH", "/api/me/profile", { token: quiet.token, body: { profile: { skills: [TAG] } } });
    const set = await call("PUT", "/api/me/notifications", { token: wants.token, body: { tips: false, vacancyAlerts: true } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const employer = await employerUser(home);
    const post = (body: Record<string, unknown>) =>
      call<Schema<"VacancyView">>("POST", "/api/vacancies", {
        token: employer.accountManager,
        body: buildVacancy(employer.id, { occupation: "Lasser", sector: "Metaal", ...body }),
      });
    const fits = (await post({ requiredSkills: [TAG] })).body.id;
    await post({ requiredSkills: [`${TAG}-anders`] });

    const first = await queueVacancyAlerts({ budgetMs: 60_000, municipalities: [home] });
    await queueVacancyAlerts({ budgetMs: 60_000, municipalities: [home] });

    expect(first).toMatchObject({ complete: true, candidates: 1, queued: 1 });
    const alerts = await outboxOf(home, "vacancyAlert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ audience: "candidate", candidateId: wants.id, vacancyIds: [fits], count: 1 });
    expect(render(alerts[0]!, { appUrl: "https://app.example", tipsIntervalDays: 30 }).text).toContain("1 nieuwe vacature");
  });
});
