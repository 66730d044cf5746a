import { beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { auditTrail } from "../shared/data/audit.js";
import { insertVacancy, readVacancy } from "../shared/data/vacancies.js";
import { searchAuditPartition } from "../shared/services/audit.js";
import { employerUser, newMunicipality, sharedCandidate, tokenFor } from "./support/factories.js";
import { call, type Schema } from "./support/http.js";
import { anyString } from "./support/matchers.js";

// A required skill no other test's candidate lists, so only this file's candidates can match.
const TAG = `vak${Date.now().toString(36)}`;
let home: string;
let away: string;
let am: string;
let employer: Awaited<ReturnType<typeof employerUser>>;
let vacancyId: string;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

type MatchPage = Schema<"CandidateMatchPage">;
type MatchItem = MatchPage["items"][number];

const VACANCY = {
  title: "Lasser",
  description: "Lassen in de werkplaats",
  occupation: "Lasser",
  sector: "Metaal",
  requiredSkills: [TAG],
  skills: ["Heftruck"],
  languages: ["Nederlands"],
  drivingLicences: ["B"],
  hoursPerWeek: { min: 24, max: 32 },
  startDate: "2027-01-01",
  physicalDemands: ["lifting"],
};

const FULL = {
  skills: [TAG, "Heftruck"],
  preferredOccupations: ["Lasser"],
  sectors: ["Metaal"],
  languages: [{ language: "Nederlands", level: "B1" }],
  drivingLicences: ["B"],
  availability: { availableFrom: "2026-12-01", hoursPerWeek: 32 },
  physical: { lifting: "yes" },
};

const matches = async (token: string, id = vacancyId, query = "") => {
  const res = await call<MatchPage>("GET", `/api/vacancies/${id}/matches${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const patchVacancy = async (id: string, body: Record<string, unknown>) => {
  const res = await call("PATCH", `/api/vacancies/${id}`, { token: am, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

beforeAll(async () => {
  home = newMunicipality("match");
  away = newMunicipality("matchaway");
  am = await tokenFor("accountManager", home);
  employer = await employerUser(home);
  const make = async (name: string, m: string, profile: Record<string, unknown>) => {
    const c = await sharedCandidate(m, { description: `Kandidaat ${name}`, ...profile });
    ids[name] = c.id;
    tokens[name] = c.token;
  };
  // Older first: freshness orders within a tier.
  await make("partial", home, {
    skills: [TAG],
    preferredOccupations: ["Kok"],
    sectors: ["Horeca"],
    languages: [{ language: "Engels", level: "B2" }],
    availability: { availableFrom: "2027-03-01", hoursPerWeek: 16 },
    physical: { lifting: "limited" },
  });
  await make("full", home, FULL);
  await make("fullAway", away, FULL);
  await make("saidNoToLifting", home, { ...FULL, physical: { lifting: "no" } });
  await make("withoutRequiredSkill", home, { ...FULL, skills: ["Heftruck"] });
  const created = await call<Schema<"VacancyView">>("POST", "/api/vacancies", { token: am, body: { employerId: employer.id, ...VACANCY } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  vacancyId = created.body.id;
});

describe("GET /vacancies/{id}/matches", () => {
  it("when candidates meet the required criteria, then each comes with every criterion the vacancy sets, met or not, and why, ordered by criteria met", async () => {
    const page = await matches(am);

    expect(page.order).toBe("criteriaMet desc, ownMunicipalityFirst, updatedAt desc");
    expect(page.items.map((c) => c.id)).toEqual([ids.full, ids.fullAway, ids.partial]);
    const [full, , partial] = page.items;
    const criteria = (item: MatchItem) => item.criteria.map(({ name, value, required, met }) => ({ name, value, required, met }));
    const all = (met: boolean) => [
      { name: "occupation", value: "Lasser", required: false, met },
      { name: "sector", value: "Metaal", required: false, met },
      { name: "skill", value: TAG, required: true, met: true },
      { name: "skill", value: "Heftruck", required: false, met },
      { name: "language", value: "Nederlands", required: false, met },
      { name: "drivingLicence", value: "B", required: false, met },
      { name: "hours", value: "24-32", required: false, met },
      { name: "startDate", value: "2027-01-01", required: false, met },
      { name: "physical", value: "lifting", required: false, met },
    ];
    expect(criteria(full!)).toEqual(all(true));
    expect(full!.criteriaMet).toBe(9);
    expect(criteria(partial!)).toEqual(all(false));
    expect(partial!.criteriaMet).toBe(1);
    expect(full!.criteria.map((c) => c.detail)).toEqual([
      "names 'Lasser' as a preferred occupation",
      "wants to work in 'Metaal'",
      `lists the skill '${TAG}'`,
      "lists the skill 'Heftruck'",
      "speaks Nederlands",
      "holds driving licence B",
      "can work 24 hours a week or more (the vacancy offers 24-32)",
      "is available by 2027-01-01",
      "said yes to lifting",
    ]);
    expect(partial!.criteria.filter((c) => !c.met).map((c) => c.detail)).toEqual([
      "does not name 'Lasser' as a preferred occupation",
      "does not name the sector 'Metaal'",
      "does not list the skill 'Heftruck'",
      "does not list Nederlands among their languages",
      "does not list driving licence B",
      "did not say they can work 24 hours a week or more (the vacancy offers 24-32)",
      "is not available by 2027-01-01, or said later",
      "did not say yes to lifting (limited, or not answered)",
    ]);
    // Staff projection at home (the client number), the employer projection elsewhere.
    expect(full!.admin).toMatchObject({ clientNumber: anyString });
    expect(page.items[1]!.admin).not.toHaveProperty("clientNumber");
  });

  it("when a candidate said no to a physical demand or lacks a required skill, then they are not a match", async () => {
    const found = (await matches(am)).items.map((c) => c.id);

    expect(found).not.toContain(ids.saidNoToLifting);
    expect(found).not.toContain(ids.withoutRequiredSkill);
  });

  it("when the employer who owns the vacancy asks, then the same candidates come in the employer projection; another employer gets 404", async () => {
    const page = await matches(employer.token);

    expect(page.order).toBe("criteriaMet desc, updatedAt desc");
    expect(page.items.map((c) => c.id)).toEqual([ids.fullAway, ids.full, ids.partial]);
    for (const item of page.items)
      expect(Object.keys(item.admin).sort()).toEqual(["directlyReachable", "email", "firstName", "lastName", "phone", "targetGroups"]);
    const stranger = await employerUser(home);
    const refused = await call("GET", `/api/vacancies/${vacancyId}/matches`, { token: stranger.token });
    expect(refused.status).toBe(404);
  });

  it("when paging one at a time, then the pages follow the order and end with a null continuation", async () => {
    const seen: string[] = [];
    let continuation: string | null = null;
    do {
      const page = await matches(am, vacancyId, `?pageSize=1${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((c) => c.id));
      continuation = page.continuation;
    } while (continuation);

    expect(seen).toEqual([ids.full, ids.fullAway, ids.partial]);
  });

  it("when a driving licence becomes required or a region is set, then it filters, and a continuation from before the change is refused", async () => {
    const created = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
      token: am,
      body: { employerId: employer.id, ...VACANCY },
    });
    const id = created.body.id;
    const before = await matches(am, id, "?pageSize=1");

    await patchVacancy(id, { drivingLicenceRequired: true });
    const licensed = await matches(am, id);
    await patchVacancy(id, { region: [away] });
    const regional = await matches(am, id);
    const stale = await call("GET", `/api/vacancies/${id}/matches?continuation=${encodeURIComponent(before.continuation!)}`, { token: am });

    expect(licensed.items.map((c) => c.id)).toEqual([ids.full, ids.fullAway]);
    expect(licensed.items[0]!.criteria.find((c) => c.name === "drivingLicence")).toMatchObject({ required: true, met: true });
    expect(regional.items.map((c) => c.id)).toEqual([ids.fullAway]);
    expect(regional.items[0]!.criteria[0]).toEqual({
      name: "municipality",
      value: away,
      required: true,
      met: true,
      detail: `lives in one of the vacancy's municipalities (${away})`,
    });
    expect(stale.status).toBe(400);
  });

  it("when an employer gets matches, then it is audited as a search naming the vacancy, and counts as the candidates' appearances", async () => {
    const appearances = async () => {
      const log = await call<Schema<"AccessLogPage">>("GET", "/api/me/access-log", { token: tokens.full! });
      return log.body.items.find((e) => e.action === "appearances" && e.who.organisation.id === employer.id)?.count ?? 0;
    };
    const shownBefore = await appearances();
    const before = new Date().toISOString();

    const page = await matches(employer.token);

    const searches = (await auditTrail(searchAuditPartition(home, employer.sub, before))).filter(
      (e) => e.at >= before && e.action === "search",
    );
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({ filters: { vacancy: vacancyId }, resultCount: page.items.length });
    expect(await appearances()).toBe(shownBefore + 1);
  });
});

describe("vacancies stored before matching", () => {
  it("when a vacancy has none of the new fields nor terms, then it reads, matches on what it sets, and gains terms when changed", async () => {
    const now = new Date().toISOString();
    const id = randomUUID();
    await insertVacancy({
      id,
      type: "vacancy",
      municipalityId: home,
      employerId: employer.id,
      status: "open",
      title: "Oud",
      description: "Oud",
      occupation: "Lasser",
      sector: "Metaal",
      skills: ["Heftruck"],
      createdAt: now,
      updatedAt: now,
    });

    const read = await call<Schema<"VacancyView">>("GET", `/api/vacancies/${id}`, { token: am });
    const found = await matches(am, id);
    await patchVacancy(id, { requiredSkills: [TAG] });
    const stored = (await readVacancy(home, id))!.doc;

    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty("terms");
    expect(found.items.find((c) => c.id === ids.full)!.criteria.map((c) => c.name)).toEqual(["occupation", "sector", "skill"]);
    expect(stored.terms).toMatchObject({ occupation: "lasser", sector: "metaal", skills: ["heftruck"], requiredSkills: [TAG] });
  });
});

describe("GET /me/matches", () => {
  let own: string;
  let other: string;
  let closed: string;

  beforeAll(async () => {
    const post = async (body: Record<string, unknown>) => {
      const res = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
        token: am,
        body: { employerId: employer.id, ...VACANCY, ...body },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id;
    };
    own = await post({ title: "Lasser nacht" });
    other = await post({
      title: "Kok",
      occupation: "Kok",
      sector: "Horeca",
      requiredSkills: [],
      skills: [],
      languages: ["Engels"],
      drivingLicences: [],
      physicalDemands: [],
    });
    closed = await post({ title: "Dicht" });
    await patchVacancy(closed, { status: "closed" });
  });

  it("when the candidate fits, then open vacancies of their municipality come with each criterion explained, without the employer", async () => {
    const res = await call<Schema<"VacancyMatchPage">>("GET", "/api/me/matches", { token: tokens.full! });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.order).toBe("criteriaMet desc, createdAt desc");
    const found = res.body.items.map((v) => v.id);
    expect(found).not.toContain(closed);
    expect(found.indexOf(own)).toBeLessThan(found.indexOf(other));
    const mine = res.body.items.find((v) => v.id === own)!;
    expect(mine).not.toHaveProperty("employerId");
    expect(mine).not.toHaveProperty("terms");
    expect(mine.criteriaMet).toBe(9);
    expect(mine.criteria.every((c) => c.met)).toBe(true);
    const kok = res.body.items.find((v) => v.id === other)!;
    expect(kok.criteria.map((c) => [c.name, c.met])).toEqual([
      ["occupation", false],
      ["sector", false],
      ["language", false],
      ["hours", true],
      ["startDate", true],
    ]);
  });

  it("when a candidate lacks a required skill or said no to a demand, then that vacancy is not offered", async () => {
    const without = await call<Schema<"VacancyMatchPage">>("GET", "/api/me/matches", { token: tokens.withoutRequiredSkill! });
    const saidNo = await call<Schema<"VacancyMatchPage">>("GET", "/api/me/matches", { token: tokens.saidNoToLifting! });

    expect(without.body.items.map((v) => v.id)).not.toContain(own);
    expect(without.body.items.map((v) => v.id)).toContain(other);
    expect(saidNo.body.items.map((v) => v.id)).not.toContain(own);
  });

  it("when a candidate of another municipality asks, then none of this municipality's vacancies come back", async () => {
    const res = await call<Schema<"VacancyMatchPage">>("GET", "/api/me/matches", { token: tokens.fullAway! });

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(res.body.continuation).toBeNull();
  });
});
