import { test as base, describe, expect } from "vitest";
import { auditTrail } from "../shared/data/audit.js";
import { searchAuditPartition } from "../shared/services/audit.js";
import { employerUser, newMunicipality, setReach, sharedCandidate, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call, type Schema } from "./support/http.js";

type Page = Schema<"CandidateSearchPage">;

/** One search world of its own: a word every candidate here carries, so other tests' data never shows. */
interface World {
  tag: string;
  home: string;
  away: string;
  employer: { token: string };
  /** The search within the world (`q` is its word), by `token`, with further `query` parameters; asserts 200. */
  search: (token: string, query: string) => Promise<Page>;
  /** The sorted ids of the named candidates. */
  named: (...names: string[]) => string[];
  ids: Readonly<Record<string, string>>;
}

async function buildWorld(): Promise<World> {
  const tag = `zoek${Date.now().toString(36)}`;
  const home = newMunicipality("zoekhome");
  const away = newMunicipality("zoekaway");
  const employer = await employerUser(home);
  const ids: Record<string, string> = {};
  const make = async (name: string, m: string, profile: Record<string, unknown>, admin = {}) => {
    ids[name] = (await sharedCandidate(m, { description: `${tag} ${name}`, ...profile }, admin)).id;
  };
  await make(
    "welder",
    home,
    {
      skills: ["Lassen", "Heftruck"],
      preferredOccupations: ["Lasser"],
      sectors: ["Metaal"],
      languages: [{ language: "Nederlands", level: "B1" }],
      drivingLicences: ["B"],
      availability: { availableFrom: "2026-12-01" },
    },
    { targetGroups: { jobAgreement: true } },
  );
  await make("driver", home, {
    skills: ["Heftruck"],
    preferredOccupations: ["Chauffeur"],
    sectors: ["Logistiek"],
    languages: [{ language: "Engels", level: "B2" }],
    drivingLicences: ["B", "C"],
    availability: { availableFrom: "2027-03-01" },
  });
  await make(
    "cook",
    away,
    {
      skills: ["Koken"],
      preferredOccupations: ["Kok"],
      sectors: ["Horeca"],
      languages: [{ language: "Nederlands", level: "C1" }],
    },
    { targetGroups: { bbl: true } },
  );
  // Never visible to employers: not shared.
  const quiet = await signedUpCandidate(home);
  await call("PATCH", "/api/me/profile", { token: quiet.token, body: { profile: { description: `${tag} quiet`, skills: ["Lassen"] } } });
  ids.quiet = quiet.id;

  const search = async (token: string, query: string) => {
    const res = await call<Page>("GET", `/api/search/candidates?q=${tag}${query ? `&${query}` : ""}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  return { tag, home, away, employer, search, named: (...names) => names.map((n) => ids[n]!).sort(), ids };
}

/** Built once for the file, on first use, and only read by the tests. */
const it = base.extend("world", { scope: "file" }, buildWorld);

const idsOf = (page: { items: { id: string }[] }) => page.items.map((c) => c.id).sort();

describe("GET /search/candidates as an employer", () => {
  it("when searching by each filter alone, then exactly the matching visible candidates come back", async ({ world }) => {
    const t = world.employer.token;
    expect(idsOf(await world.search(t, ""))).toEqual(world.named("welder", "driver", "cook"));
    expect(idsOf(await world.search(t, "skill=heftruck"))).toEqual(world.named("welder", "driver"));
    expect(idsOf(await world.search(t, "occupation=LASSER"))).toEqual(world.named("welder"));
    expect(idsOf(await world.search(t, "sector=horeca"))).toEqual(world.named("cook"));
    expect(idsOf(await world.search(t, "language=nederlands"))).toEqual(world.named("welder", "cook"));
    expect(idsOf(await world.search(t, "drivingLicence=C"))).toEqual(world.named("driver"));
    expect(idsOf(await world.search(t, `municipality=${world.away}`))).toEqual(world.named("cook"));
    expect(idsOf(await world.search(t, "availableFrom=2027-01-01"))).toEqual(world.named("welder", "cook"));
    expect(idsOf(await world.search(t, "targetGroup=bbl"))).toEqual(world.named("cook"));
    const byWord = await call<Page>("GET", `/api/search/candidates?q=${world.tag}%20chauffeur`, { token: t });
    expect(idsOf(byWord.body)).toEqual(world.named("driver"));
  });

  it("when filters combine, then all must match; repeated skills must all match", async ({ world }) => {
    const t = world.employer.token;
    expect(idsOf(await world.search(t, "skill=heftruck&skill=lassen"))).toEqual(world.named("welder"));
    expect(idsOf(await world.search(t, "skill=heftruck&drivingLicence=B&language=engels"))).toEqual(world.named("driver"));
    expect(idsOf(await world.search(t, "skill=koken&municipality=" + world.home))).toEqual([]);
  });

  it("when results come back, then they carry the employer projection without files or staff fields", async ({ world }) => {
    const page = await world.search(world.employer.token, "occupation=lasser");
    const [welder] = page.items;
    expect(Object.keys(welder!).sort()).toEqual(["admin", "id", "municipalityId", "profile", "status", "updatedAt"]);
    expect(Object.keys(welder!.admin).sort()).toEqual(["directlyReachable", "email", "firstName", "lastName", "phone", "targetGroups"]);
  });

  it("when paging one by one, then every visible candidate comes exactly once and the invisible never", async ({ world }) => {
    const seen: string[] = [];
    let continuation: string | null = null;
    let pages = 0;
    do {
      const query: string = `pageSize=1${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ""}`;
      const page = await world.search(world.employer.token, query);
      seen.push(...page.items.map((c) => c.id));
      continuation = page.continuation;
      pages++;
    } while (continuation && pages < 10);
    expect(seen.sort()).toEqual(world.named("welder", "driver", "cook"));
    expect(seen).not.toContain(world.ids.quiet);
  });

  it("when a continuation is altered, reused with other filters or by someone else, then 400", async ({ world }) => {
    const first = await world.search(world.employer.token, "pageSize=1");
    const token = first.continuation!;
    const tampered = `${token.slice(0, -3)}${token.endsWith("A") ? "B" : "A"}AA`;
    const other = await employerUser(world.home);
    for (const [who, query] of [
      [world.employer.token, `pageSize=1&continuation=${tampered}`],
      [world.employer.token, `pageSize=1&skill=koken&continuation=${token}`],
      [other.token, `pageSize=1&continuation=${token}`],
    ] as const) {
      const res = await call<Schema<"ValidationProblem">>("GET", `/api/search/candidates?q=${world.tag}&${query}`, { token: who });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.path).toBe("continuation");
    }
  });

  it("when a candidate withdraws consent or a coach hides them, then the next search no longer finds them", async ({ world }) => {
    const m = newMunicipality("zoekflip");
    const c = await sharedCandidate(m, { description: `${world.tag}flip` });
    const look = async () =>
      (await call<Page>("GET", `/api/search/candidates?q=${world.tag}flip`, { token: world.employer.token })).body.items.length;
    expect(await look()).toBe(1);

    await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: false } });
    expect(await look()).toBe(0);
    await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: true } });
    expect(await look()).toBe(1);
    await call("PUT", `/api/candidates/${c.id}/employer-visibility`, { token: c.coach, body: { hidden: true, reason: "schadelijk" } });
    expect(await look()).toBe(0);
    expect((await call("GET", `/api/candidates/${c.id}`, { token: world.employer.token })).status).toBe(404);
  });

  it("when a municipality keeps its candidates to its own employers, then others stop finding them and its own still do", async ({
    world,
  }) => {
    const m = newMunicipality("zoekdicht");
    await sharedCandidate(m, { description: `${world.tag}dicht` });
    const own = await employerUser(m);
    const look = async (token: string) =>
      (await call<Page>("GET", `/api/search/candidates?q=${world.tag}dicht`, { token })).body.items.length;
    expect(await look(world.employer.token)).toBe(1);

    await setReach(m, "ownMunicipality");

    expect(await look(world.employer.token)).toBe(0);
    expect(await look(own.token)).toBe(1);
    await setReach(m, "all");
    expect(await look(world.employer.token)).toBe(1);
  });

  it("when an employer searches, then the search is audited with filter names and the candidates shown, in a partition per day and bucket, without typed text or IP", async ({
    world,
  }) => {
    const e = await employerUser(world.home);
    await world.search(e.token, "skill=lassen&drivingLicence=B");
    const partition = searchAuditPartition(world.home, e.sub, new Date().toISOString());
    expect(partition).toMatch(new RegExp(`^search:${world.home}:\\d{4}-\\d{2}-\\d{2}:[0-9a-f]$`));
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
    for (const typed of [world.tag, "lassen"]) expect(text).not.toContain(typed);
  });

  it("when filter values are wrong, then 400 names them", async ({ world }) => {
    const res = await call<Schema<"ValidationProblem">>(
      "GET",
      "/api/search/candidates?drivingLicence=Z&availableFrom=morgen&targetGroup=x&pageSize=0",
      {
        token: world.employer.token,
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(["availableFrom", "drivingLicence", "pageSize", "targetGroup"]);
  });
});

describe("GET /search/candidates as an account manager", () => {
  it("when paging, then first every candidate of the own municipality (staff fields), then shared ones elsewhere (employer fields)", async ({
    world,
  }) => {
    const am = await tokenFor("accountManager", world.home);
    const seen: Page["items"] = [];
    let continuation: string | null = null;
    do {
      const query: string = `pageSize=2${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ""}`;
      const page = await world.search(am, query);
      expect(page.items.length === 2 || page.continuation === null).toBe(true);
      seen.push(...page.items);
      continuation = page.continuation;
    } while (continuation);

    expect(
      seen
        .slice(0, 3)
        .map((c) => c.id)
        .sort(),
    ).toEqual(world.named("welder", "driver", "quiet"));
    expect(seen.slice(3).map((c) => c.id)).toEqual(world.named("cook"));
    expect(seen[0]!.admin).toHaveProperty("clientNumber");
    expect(seen[3]!.admin).not.toHaveProperty("clientNumber");
  });
});
