import { beforeAll, describe, expect, it } from "vitest";
import { auditTrail } from "../shared/data/audit.js";
import { searchAuditPartition } from "../shared/services/audit.js";
import { employerUser, newMunicipality, setReach, sharedCandidate, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call } from "./support/http.js";

// One search world of its own: a word every candidate here carries, so other tests' data never shows.
const TAG = `zoek${Date.now().toString(36)}`;
let home: string;
let away: string;
let employer: { token: string };
const ids: Record<string, string> = {};

const search = async (token: string, query: string) => {
  const res = await call("GET", `/api/search/candidates?q=${TAG}${query ? `&${query}` : ""}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: { id: string; admin: Record<string, unknown> }[]; continuation: string | null };
};
const idsOf = (page: { items: { id: string }[] }) => page.items.map((c) => c.id).sort();
const named = (...names: string[]) => names.map((n) => ids[n]!).sort();

beforeAll(async () => {
  home = newMunicipality("zoekhome");
  away = newMunicipality("zoekaway");
  employer = await employerUser(home);
  const make = async (name: string, m: string, profile: Record<string, unknown>, admin = {}) => {
    ids[name] = (await sharedCandidate(m, { description: `${TAG} ${name}`, ...profile }, admin)).id;
  };
  await make("welder", home, {
    skills: ["Lassen", "Heftruck"],
    preferredOccupations: ["Lasser"],
    sectors: ["Metaal"],
    languages: [{ language: "Nederlands", level: "B1" }],
    drivingLicences: ["B"],
    availability: { availableFrom: "2026-12-01" },
  }, { targetGroups: { jobAgreement: true } });
  await make("driver", home, {
    skills: ["Heftruck"],
    preferredOccupations: ["Chauffeur"],
    sectors: ["Logistiek"],
    languages: [{ language: "Engels", level: "B2" }],
    drivingLicences: ["B", "C"],
    availability: { availableFrom: "2027-03-01" },
  });
  await make("cook", away, {
    skills: ["Koken"],
    preferredOccupations: ["Kok"],
    sectors: ["Horeca"],
    languages: [{ language: "Nederlands", level: "C1" }],
  }, { targetGroups: { bbl: true } });
  // Never visible to employers: not shared.
  const quiet = await signedUpCandidate(home);
  await call("PATCH", "/api/me/profile", { token: quiet.token, body: { profile: { description: `${TAG} quiet`, skills: ["Lassen"] } } });
  ids.quiet = quiet.id;
});

describe("GET /search/candidates as an employer", () => {
  it("when searching by each filter alone, then exactly the matching visible candidates come back", async () => {
    const t = employer.token;
    expect(idsOf(await search(t, ""))).toEqual(named("welder", "driver", "cook"));
    expect(idsOf(await search(t, "skill=heftruck"))).toEqual(named("welder", "driver"));
    expect(idsOf(await search(t, "occupation=LASSER"))).toEqual(named("welder"));
    expect(idsOf(await search(t, "sector=horeca"))).toEqual(named("cook"));
    expect(idsOf(await search(t, "language=nederlands"))).toEqual(named("welder", "cook"));
    expect(idsOf(await search(t, "drivingLicence=C"))).toEqual(named("driver"));
    expect(idsOf(await search(t, `municipality=${away}`))).toEqual(named("cook"));
    expect(idsOf(await search(t, "availableFrom=2027-01-01"))).toEqual(named("welder", "cook"));
    expect(idsOf(await search(t, "targetGroup=bbl"))).toEqual(named("cook"));
    const byWord = await call("GET", `/api/search/candidates?q=${TAG}%20chauffeur`, { token: t });
    expect(idsOf(byWord.body)).toEqual(named("driver"));
  });

  it("when filters combine, then all must match; repeated skills must all match", async () => {
    const t = employer.token;
    expect(idsOf(await search(t, "skill=heftruck&skill=lassen"))).toEqual(named("welder"));
    expect(idsOf(await search(t, "skill=heftruck&drivingLicence=B&language=engels"))).toEqual(named("driver"));
    expect(idsOf(await search(t, "skill=koken&municipality=" + home))).toEqual([]);
  });

  it("when results come back, then they carry the employer projection without files or staff fields", async () => {
    const page = await search(employer.token, "occupation=lasser");
    const [welder] = page.items;
    expect(Object.keys(welder!).sort()).toEqual(["admin", "id", "municipalityId", "profile", "status", "updatedAt"]);
    expect(Object.keys(welder!.admin).sort()).toEqual(["directlyReachable", "email", "firstName", "lastName", "phone", "targetGroups"]);
  });

  it("when paging one by one, then every visible candidate comes exactly once and the invisible never", async () => {
    const seen: string[] = [];
    let continuation: string | null = null;
    let pages = 0;
    do {
      const query: string = `pageSize=1${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ""}`;
      const page = await search(employer.token, query);
      seen.push(...page.items.map((c) => c.id));
      continuation = page.continuation;
      pages++;
    } while (continuation && pages < 10);
    expect(seen.sort()).toEqual(named("welder", "driver", "cook"));
    expect(seen).not.toContain(ids.quiet);
  });

  it("when a continuation is altered, reused with other filters or by someone else, then 400", async () => {
    const first = await search(employer.token, "pageSize=1");
    const token = first.continuation!;
    const tampered = `${token.slice(0, -3)}${token.endsWith("A") ? "B" : "A"}AA`;
    const other = await employerUser(home);
    for (const [who, query] of [
      [employer.token, `pageSize=1&continuation=${tampered}`],
      [employer.token, `pageSize=1&skill=koken&continuation=${token}`],
      [other.token, `pageSize=1&continuation=${token}`],
    ] as const) {
      const res = await call("GET", `/api/search/candidates?q=${TAG}&${query}`, { token: who });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe("continuation");
    }
  });

  it("when a candidate withdraws consent or a coach hides them, then the next search no longer finds them", async () => {
    const m = newMunicipality("zoekflip");
    const c = await sharedCandidate(m, { description: `${TAG}flip` });
    const look = async () => (await call("GET", `/api/search/candidates?q=${TAG}flip`, { token: employer.token })).body.items.length;
    expect(await look()).toBe(1);

    await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: false } });
    expect(await look()).toBe(0);
    await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: true } });
    expect(await look()).toBe(1);
    await call("PUT", `/api/candidates/${c.id}/employer-visibility`, { token: c.coach, body: { hidden: true, reason: "schadelijk" } });
    expect(await look()).toBe(0);
    expect((await call("GET", `/api/candidates/${c.id}`, { token: employer.token })).status).toBe(404);
  });

  it("when a municipality keeps its candidates to its own employers, then others stop finding them and its own still do", async () => {
    const m = newMunicipality("zoekdicht");
    await sharedCandidate(m, { description: `${TAG}dicht` });
    const own = await employerUser(m);
    const look = async (token: string) => (await call("GET", `/api/search/candidates?q=${TAG}dicht`, { token })).body.items.length;
    expect(await look(employer.token)).toBe(1);

    await setReach(m, "ownMunicipality");

    expect(await look(employer.token)).toBe(0);
    expect(await look(own.token)).toBe(1);
    await setReach(m, "all");
    expect(await look(employer.token)).toBe(1);
  });

  it("when an employer searches, then the search is audited with filter names and the candidates shown, in a partition per day and bucket, without typed text or IP", async () => {
    const e = await employerUser(home);
    await search(e.token, "skill=lassen&drivingLicence=B");
    const partition = searchAuditPartition(home, e.sub, new Date().toISOString());
    expect(partition).toMatch(new RegExp(`^search:${home}:\\d{4}-\\d{2}-\\d{2}:[0-9a-f]$`));
    const events = (await auditTrail(partition)).filter((ev) => ev.actor.sub === e.sub);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      subjectId: partition,
      action: "search",
      fields: ["drivingLicence", "q", "skill"],
      filters: { drivingLicence: "B", page: "others" },
      resultCount: 1,
      resultIds: [expect.any(String)],
      actor: { role: "employer" },
    });
    expect(events[0]!.actor.ip).toBeUndefined();
    const text = JSON.stringify(events[0]);
    for (const typed of [TAG, "lassen"]) expect(text).not.toContain(typed);
  });

  it("when filter values are wrong, then 400 names them", async () => {
    const res = await call("GET", "/api/search/candidates?drivingLicence=Z&availableFrom=morgen&targetGroup=x&pageSize=0", { token: employer.token });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["availableFrom", "drivingLicence", "pageSize", "targetGroup"]);
  });
});

describe("GET /search/candidates as an account manager", () => {
  it("when paging, then first every candidate of the own municipality (staff fields), then shared ones elsewhere (employer fields)", async () => {
    const am = await tokenFor("accountManager", home);
    const seen: { id: string; admin: Record<string, unknown> }[] = [];
    let continuation: string | null = null;
    do {
      const query: string = `pageSize=2${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ""}`;
      const page = await search(am, query);
      expect(page.items.length === 2 || page.continuation === null).toBe(true);
      seen.push(...page.items);
      continuation = page.continuation;
    } while (continuation);

    expect(seen.slice(0, 3).map((c) => c.id).sort()).toEqual(named("welder", "driver", "quiet"));
    expect(seen.slice(3).map((c) => c.id)).toEqual(named("cook"));
    expect(seen[0]!.admin).toHaveProperty("clientNumber");
    expect(seen[3]!.admin).not.toHaveProperty("clientNumber");
  });
});
