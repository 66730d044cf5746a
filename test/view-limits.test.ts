import { decodeJwt } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { insertAccount } from "../shared/data/accounts.js";
import { auditTrail, deletionRecords } from "../shared/data/audit.js";
import { container } from "../shared/data/cosmos.js";
import type { StoredNotification } from "../shared/data/outbox.js";
import { readViewCounter } from "../shared/data/counters.js";
import { searchAuditPartition } from "../shared/services/audit.js";
import { viewCounterId } from "../shared/services/view-limits.js";
import { employerUser, inviteCandidate, newMunicipality, sharedCandidate, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { testClock, testRuntime } from "./support/runtime.js";
import { anyNumber, containing } from "./support/matchers.js";

// The daily limit of candidates is made small for this file's process, so a test can reach it
// with a handful of candidates; the page limits keep their defaults (60 a minute per user, 240 per
// organisation, 300 for staff).
/** A fresh instance: it knows nothing of the counters yet. */
const freshInstance = () => testRuntime({ VIEW_LIMIT_EMPLOYER_CANDIDATES_PER_DAY: "5" });
freshInstance();

// Far-future days of their own, so no other test's sweep (or this file's) touches these counters.
const at = (time: string) => testClock.set(() => new Date(time));
afterEach(freshInstance);

const get = <T = unknown>(path: string, token: string) => call<T>("GET", path, { token });

describe("pages a minute", () => {
  it("when an employer user opens a 61st page within a minute, then 429 with Retry-After and a problem naming the time; the next minute it works again", async () => {
    const m = newMunicipality("pagina");
    const e = await employerUser(m);
    at("2099-03-10T10:00:05Z");
    for (let i = 0; i < 60; i++) expect((await get("/api/vacancies", e.token)).status).toBe(200);

    const search = await get<Problem>("/api/search/candidates?q=nietsgevonden", e.token);
    const list = await get("/api/vacancies", e.token);

    expect(search.status).toBe(429);
    expect(search.headers["retry-after"]).toBe("55");
    expect(search.headers["content-type"]).toBe("application/problem+json");
    expect(search.body).toMatchObject({
      status: 429,
      title: "Too Many Requests",
      detail: containing("2099-03-10T10:01:00Z"),
    });
    expect(search.body.detail).toContain("60 pages");
    expect(list.status).toBe(429);
    // A refused search showed nothing, so it left no usage-log line.
    expect(await auditTrail(searchAuditPartition(m, e.sub, "2099-03-10"))).toEqual([]);

    at("2099-03-10T10:01:00Z");
    expect((await get("/api/search/candidates?q=nietsgevonden", e.token)).status).toBe(200);
  });

  it("when another instance counted the pages, then the counter in Cosmos decides, not this instance's memory", async () => {
    const e = await employerUser(newMunicipality("instantie"));
    at("2099-03-10T11:00:00Z");
    expect((await get("/api/vacancies", e.token)).status).toBe(200);
    const id = viewCounterId({ principal: { sub: e.sub, role: "employer" }, recordId: e.id }, "2099-03-10");
    const stored = await readViewCounter(id);
    expect(stored).toMatchObject({ id, subject: `employer:${e.id}`, day: "2099-03-10", ttl: anyNumber });
    const mine = Object.keys(stored!.pages).find((k) => !k.startsWith("all."))!;
    expect(stored!.pages).toEqual({ [mine]: 1, "all.660": 1 });
    // No sub and no candidate id in the counters: keyed hashes only.
    expect(JSON.stringify(stored)).not.toContain(e.sub);

    // Another instance served this user 59 more pages; this one knows nothing of them.
    await container("counters")
      .item(id, id)
      .patch([{ op: "incr", path: `/pages/${mine}`, value: 59 }]);
    freshInstance();

    expect((await get("/api/vacancies", e.token)).status).toBe(429);
    expect((await readViewCounter(id))!.pages[mine]).toBe(61);
  });

  it("when minutes pass, then counters of minutes gone are removed on the way, also when another instance removed them first", async () => {
    const e = await employerUser(newMunicipality("minuut"));
    const id = viewCounterId({ principal: { sub: e.sub, role: "employer" }, recordId: e.id }, "2099-03-10");
    at("2099-03-10T14:00:00Z");
    await get("/api/vacancies", e.token);
    const mine = Object.keys((await readViewCounter(id))!.pages)
      .find((k) => !k.startsWith("all."))!
      .split(".")[0]!;
    at("2099-03-10T14:03:00Z");
    expect((await get("/api/vacancies", e.token)).status).toBe(200);
    expect((await readViewCounter(id))!.pages).toEqual({ [`${mine}.843`]: 1, "all.843": 1 });

    // Another instance removed this user's old counter already: this one's removal fails, and the page still counts.
    await container("counters")
      .item(id, id)
      .patch([{ op: "remove", path: `/pages/${mine}.843` }]);
    at("2099-03-10T14:06:00Z");
    expect((await get("/api/vacancies", e.token)).status).toBe(200);
    expect((await readViewCounter(id))!.pages).toEqual({ [`${mine}.846`]: 1, "all.843": 1, "all.846": 1 });
  });

  it("when staff page through lists, then their higher limit applies", async () => {
    const m = newMunicipality("staf");
    const coach = await tokenFor("coach", m);
    const employer = await employerUser(m);
    at("2099-03-10T12:00:10Z");
    for (let i = 0; i < 61; i++) expect((await get("/api/candidates", coach)).status).toBe(200);
    for (let i = 0; i < 61; i++) await get("/api/vacancies", employer.token);
    expect((await get("/api/vacancies", employer.token)).status).toBe(429);

    // Up to the staff limit (as if served by other instances), then refused.
    const sub = decodeJwt(coach).sub!;
    const id = viewCounterId({ principal: { sub, role: "coach" } }, "2099-03-10");
    const key = Object.keys((await readViewCounter(id))!.pages)[0]!;
    await container("counters")
      .item(id, id)
      .patch([{ op: "incr", path: `/pages/${key}`, value: 300 - 62 }]);
    expect((await get("/api/candidates", coach)).status).toBe(200);
    const refused = await get<Problem>("/api/candidates", coach);
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain("300 pages");
    expect(refused.headers["retry-after"]).toBe("50");
  });

  it("when staff read a candidate past their limit, then 429, and the candidate's log holds no read for it", async () => {
    const c = await sharedCandidate(newMunicipality("stfr"));
    at("2099-03-11T12:00:10Z");
    expect((await get(`/api/candidates/${c.id}`, c.coach)).status).toBe(200);
    const sub = decodeJwt(c.coach).sub!;
    const id = viewCounterId({ principal: { sub, role: "coach" } }, "2099-03-11");
    const key = Object.keys((await readViewCounter(id))!.pages)[0]!;
    await container("counters")
      .item(id, id)
      .patch([{ op: "incr", path: `/pages/${key}`, value: 300 }]);

    const refused = await get<Problem>(`/api/candidates/${c.id}`, c.coach);
    const again = await get(`/api/candidates/${c.id}`, c.coach);

    expect([refused.status, again.status]).toEqual([429, 429]);
    expect(refused.body).not.toHaveProperty("admin");
    const reads = (await auditTrail(c.id)).filter((e) => e.action === "read" && e.actor.role === "coach");
    expect(reads).toHaveLength(1);
  });
});

describe("distinct candidates a day per employer organisation", () => {
  it("when two users of one employer are shown candidates, then the limit holds for both together, detail views count, repeats do not, and account managers are signalled once at 80%", async () => {
    const m = newMunicipality("uniek");
    const word = `uniek${Date.now().toString(36)}`;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await sharedCandidate(m, { description: `${word} ${i}` })).id);
    const a = await employerUser(m);
    const bSub = `emp-b-${a.sub}`;
    await insertAccount({ id: bSub, kind: "employer", municipalityId: m, recordId: a.id, linkedAt: new Date().toISOString() });
    const b = await tokenFor("employer", undefined, { sub: bSub });
    const id = viewCounterId({ principal: { sub: a.sub, role: "employer" }, recordId: a.id }, "2099-03-10");
    const shown = async () => new Set((await readViewCounter(id))!.seen.flat()).size;
    const signal = () => container("outbox").item(`view-limit-${a.id}-2099-03-10`, m).read<StoredNotification>();
    at("2099-03-10T13:00:00Z");

    // A sees three on a search page; B reads one of them and, twice, one more.
    const page = await get<Schema<"CandidateSearchPage">>(`/api/search/candidates?q=${word}&pageSize=3`, a.token);
    expect(page.status).toBe(200);
    const first3 = page.body.items.map((c) => c.id);
    const rest = ids.filter((x) => !first3.includes(x));
    expect((await get(`/api/candidates/${first3[0]}`, b)).status).toBe(200);
    expect(await shown()).toBe(3);
    expect((await signal()).resource).toBeUndefined();
    expect((await get(`/api/candidates/${rest[0]}`, b)).status).toBe(200);
    expect((await get(`/api/candidates/${rest[0]}`, b)).status).toBe(200);
    expect(await shown()).toBe(4);

    // 4 of 5 is 80%: the municipality's account managers are told, through the outbox.
    const told = (await signal()).resource;
    expect(told).toMatchObject({
      audience: "accountManager",
      type: "viewLimitNear",
      employerId: a.id,
      day: "2099-03-10",
      candidatesShown: 4,
      limit: 5,
    });

    expect((await get(`/api/candidates/${rest[1]}`, a.token)).status).toBe(200);
    const refused = await get<Problem>(`/api/candidates/${rest[2]}`, b);
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe(String(11 * 3600));
    expect(refused.body.detail).toContain("2099-03-11T00:00:00Z");
    // The same candidate stays refused for the other user, by its file link, and on a search page.
    expect((await get(`/api/candidates/${rest[2]}`, a.token)).status).toBe(429);
    expect((await get(`/api/candidates/${rest[2]}/files/cv`, a.token)).status).toBe(429);
    expect((await get(`/api/search/candidates?q=${word}`, b)).status).toBe(429);
    // Candidates already shown today stay available to both.
    for (const seen of [first3[1], rest[0], rest[1]]) expect((await get(`/api/candidates/${seen}`, b)).status).toBe(200);
    expect((await get(`/api/search/candidates?q=${word}&pageSize=3`, a.token)).status).toBe(200);

    // Signalled once: the outbox entry was not written again.
    expect((await signal()).resource!._etag).toBe(told!._etag);
    // Another organisation has a limit of its own.
    const other = await employerUser(m);
    expect((await get(`/api/candidates/${rest[2]}`, other.token)).status).toBe(200);
    // The next day starts afresh.
    at("2099-03-11T00:00:00Z");
    expect((await get(`/api/candidates/${rest[2]}`, b)).status).toBe(200);
  });

  it("when the counter document is at its size bound, then new candidates are refused and the page still counts", async () => {
    const m = newMunicipality("grens");
    const shared = await sharedCandidate(m, { description: "grensgeval" });
    const e = await employerUser(m);
    const id = viewCounterId({ principal: { sub: e.sub, role: "employer" }, recordId: e.id }, "2099-03-10");
    at("2099-03-10T15:00:00Z");
    expect((await get("/api/vacancies", e.token)).status).toBe(200);
    // As if racing instances had added the same hashes again and again: 2 × 5 + 100 held.
    await container("counters")
      .item(id, id)
      .patch([{ op: "set", path: "/held", value: 110 }]);

    const refused = await get(`/api/candidates/${shared.id}`, e.token);

    expect(refused.status).toBe(429);
    const stored = (await readViewCounter(id))!;
    expect(stored.seen).toEqual([]);
    expect(stored.pages["all.900"]).toBe(2);
  });
});

describe("clean-up by the nightly sweep", () => {
  const sweep = async (m: string) => {
    const res = await call<Schema<"RetentionRun">>("POST", "/api/admin/retention/run", {
      token: await tokenFor("admin", m),
      body: { dryRun: false },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it("when the sweep runs, then usage-log events older than AUDIT_RETENTION_DAYS go, recent ones and deletion records stay", async () => {
    // Events written now, a sweep 400 days on (so no other test's sweep reaches these events first).
    const m = newMunicipality("logboek");
    const employer = await employerUser(m);
    const c = await sharedCandidate(m, { description: "oud logboek" });
    const gone = await inviteCandidate(m);
    expect((await call("DELETE", `/api/candidates/${gone.id}`, { token: gone.coach })).status).toBe(204);
    await get(`/api/candidates/${c.id}`, employer.token);
    await get("/api/search/candidates?q=logboek", employer.token);
    const written = new Date().toISOString();
    const oldSearches = searchAuditPartition(m, employer.sub, written);
    expect(await auditTrail(oldSearches)).toHaveLength(1);
    const later = new Date(Date.now() + 400 * 86_400_000);
    testClock.set(() => later);
    await get(`/api/candidates/${c.id}`, c.coach);
    const before = await auditTrail(c.id);
    expect(before.length).toBeGreaterThan(3);
    // Azure's TTL deletes them as well.
    const { resources: ttls } = await container("audit")
      .items.query<number>({ query: "SELECT VALUE c.ttl FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: c.id }] })
      .fetchAll();
    expect(new Set(ttls)).toEqual(new Set([365 * 86_400]));

    const summary = await sweep(m);

    expect(summary.auditEvents).toBeGreaterThanOrEqual(before.length);
    const after = await auditTrail(c.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ action: "read", actor: { role: "coach" } });
    expect(await auditTrail(oldSearches)).toEqual([]);
    expect(await deletionRecords(m, written.slice(0, 4))).toHaveLength(1);
  });

  it("when the sweep runs, then viewing-limit counters of past days are deleted and today's stay", async () => {
    const m = newMunicipality("teller");
    const e = await employerUser(m);
    const idOn = (day: string) => viewCounterId({ principal: { sub: e.sub, role: "employer" }, recordId: e.id }, day);
    at("2098-12-30T23:59:00Z");
    await get("/api/vacancies", e.token);
    at("2098-12-31T08:00:00Z");
    await get("/api/vacancies", e.token);
    expect(await readViewCounter(idOn("2098-12-30"))).toBeDefined();

    const summary = await sweep(m);

    expect(summary.counters).toBeGreaterThanOrEqual(1);
    expect(await readViewCounter(idOn("2098-12-30"))).toBeUndefined();
    expect(await readViewCounter(idOn("2098-12-31"))).toMatchObject({ pages: { "all.480": 1 } });
  });
});
