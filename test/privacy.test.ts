import { describe, expect, it } from "vitest";
import { CONTAINERS, type ContainerName } from "../shared/data/containers.js";
import { container } from "../shared/data/cosmos.js";
import { todayIso } from "../shared/domain/clock.js";
import { addDays } from "../shared/domain/retention.js";
import { markTipsSent } from "../shared/data/candidates.js";
import type { StoredNotification } from "../shared/data/outbox.js";
import type { CandidateDoc } from "../shared/domain/candidate.js";
import { outboxNotifier } from "../shared/services/notifier.js";
import { drainOutbox } from "../shared/services/outbox-drain.js";
import { employerUser, newMunicipality, sharedCandidate, tokenFor } from "./support/factories.js";
import { jpeg, mp4, pdf } from "./support/files.js";
import { call, type Schema } from "./support/http.js";
import { asJson, get, type Json } from "./support/json.js";
import { complete, upload } from "./support/uploads.js";
import { anyString, containing, matching, objectLike } from "./support/matchers.js";

/** Every leaf of a JSON value: its dotted path (array indexes as `*`) and its value. */
function leaves(value: Json, path: string[] = []): { path: string; key: string; value: Json }[] {
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, [...path, "*"]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path: path.join("."), key: [...path].reverse().find((p) => p !== "*") ?? "", value }];
}

/**
 * What the export may leave out, per container, and why. Everything else stored about the person
 * must be in it, under the same key (or the key the export names it by).
 */
const SYSTEM = /^(_rid|_self|_etag|_attachments|_ts|ttl)$/;
const LEFT_OUT: Record<string, RegExp[]> = {
  // Derived from the record for queries (search terms, sort key, look-up words, the indexed date),
  // hashes of invitation codes, the internal key of the rule and the last signalled date (the signal is listed),
  // the date of the last tips e-mail (the e-mail is listed).
  candidates: [
    /^type$/,
    /^lookup\./,
    /^sortKey$/,
    /^search\./,
    /^deleteOn$/,
    /^invitationIds\./,
    /^retention\.(ruleKey|signalledFor)$/,
    /^visibleToEmployers$/,
    /^tipsSentAt$/,
  ],
  // The link's own bookkeeping: what kind of account, and the record (the export's candidate.id).
  accounts: [/^kind$/, /^municipalityId$/, /^recordId$/],
  // The id is a hash of the code (the code itself is never stored); the rest restates the record.
  invitations: [/^id$/, /^kind$/, /^municipalityId$/, /^recordId$/],
  // The day is the id's prefix; the blob path is internal; the rest restates the record.
  uploads: [/^day$/, /^blobName$/, /^municipalityId$/, /^candidateId$/],
  // Event ids and partition keys are bookkeeping; the acting user's account and IP address are that
  // user's personal data, not the candidate's (the log names role and organisation).
  audit: [/^id$/, /^subjectId$/, /^subjectType$/, /^municipalityId$/, /^actor\.(sub|ip|municipalityId)$/],
  // The partition and the subject; who marked it read is the staff's business; the mail drainer's
  // claim and next-try time are bookkeeping (whether and when it was mailed is in the export).
  outbox: [/^municipalityId$/, /^candidateId$/, /^readBy\./, /^delivery\.(dueAt|claim)$/],
};

/** Keys the export uses for a stored key. */
const ALIASES: Record<string, string[]> = {
  accountSub: ["sub"],
  id: ["sub", "uploadId", "id"],
  employerId: ["id"],
  action: ["action"],
};

describe("GET /me/export and GET /candidates/{id}/export", () => {
  it("when every field about a candidate is filled, then every stored value of every container holding their data is in the export", async () => {
    const m = newMunicipality("export");
    const c = await sharedCandidate(m, {
      residence: "Utrecht",
      workExperience: [{ employer: "Bakkerij", position: "Verkoper", from: "2019-01-01", to: "2020-01-01", description: "Brood verkopen" }],
      education: [
        {
          institution: "ROC",
          programme: "Logistiek",
          level: "MBO 2",
          completed: true,
          certificate: "Diploma",
          from: "2015-09-01",
          to: "2017-06-30",
        },
      ],
      courses: [{ name: "VCA", provider: "Veiligheidsinstituut", completedOn: "2021-03-01" }],
      languages: [{ language: "Nederlands", level: "B2" }],
      competencies: ["samenwerken"],
      skills: ["lassen", "heftruck"],
      description: "Ervaren lasser.",
      desiredWork: "Werk in de metaal",
      drivingLicences: ["B"],
      transport: ["bicycle"],
      availability: { availableFrom: "2026-12-01", hoursPerWeek: 32, days: ["mon", "tue"], notes: "ochtenden" },
      sectors: ["metaal"],
      preferredOccupations: ["lasser"],
      whatSuitsMe: "Praktisch werk",
      moodboard: [{ caption: "Werkplaats", url: "https://example.org/foto" }],
      physical: { lifting: "limited" },
      socialMedia: [{ network: "linkedin", url: "https://linkedin.example/in/x" }],
      assessments: [{ name: "Capaciteitentest", result: "Goed", takenOn: "2022-05-01" }],
      freeText: "Graag in de buurt.",
    });
    for (const [kind, type, bytes] of [
      ["cv", "application/pdf", pdf()],
      ["photo", "image/jpeg", jpeg()],
      ["video", "video/mp4", mp4()],
    ] as const) {
      const { ticket } = await upload(c.token, kind, type, bytes, { fileName: `mijn-${kind}` });
      expect((await complete(c.token, ticket.uploadId)).status).toBe(200);
    }
    await upload(c.token, "cv", "application/pdf", pdf()); // an upload under way
    await call("PUT", `/api/candidates/${c.id}/employer-visibility`, {
      token: c.coach,
      body: { hidden: true, reason: "profiel nakijken" },
    });
    expect((await call("PUT", "/api/me/notifications", { token: c.token, body: { tips: true, vacancyAlerts: true } })).status).toBe(200);
    // A tips e-mail, sent (the tips timer would not pick this complete profile; shared/services/tips.ts does these two steps).
    const tippedAt = new Date().toISOString();
    await outboxNotifier.send({
      id: `tips-${c.id}-${todayIso()}`,
      municipalityId: m,
      audience: "candidate",
      type: "tips",
      candidateId: c.id,
      tips: ["workExperience"],
      createdAt: tippedAt,
    });
    await markTipsSent(m, c.id, tippedAt);
    expect(await drainOutbox({ budgetMs: 60_000, municipalities: [m] })).toMatchObject({ sent: 1 });
    const employer = await employerUser(m);
    await call("PUT", `/api/candidates/${c.id}/employer-visibility`, { token: c.coach, body: { hidden: false } });
    await call("GET", `/api/candidates/${c.id}`, { token: employer.token });
    await call("GET", `/api/search/candidates?skill=lassen`, { token: employer.token });
    // An end recorded late: the date moves to the end of the signal window, and the sweep signals the coaches.
    expect(
      (await call("POST", `/api/candidates/${c.id}/service-end`, { token: c.coach, body: { endedOn: "2015-06-01", reason: "aborted" } }))
        .status,
    ).toBe(200);
    expect((await call("POST", "/api/admin/retention/run", { token: await tokenFor("admin", m), body: { dryRun: false } })).status).toBe(
      200,
    );

    const res = await call<Schema<"CandidateExport">>("GET", "/api/me/export", { token: c.token });

    expect(res.status).toBe(200);
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="hallowerk-export-${todayIso()}.json"`);
    expect(res.headers.etag).toMatch(/^"/);
    expect(res.headers["cache-control"]).toBe("no-store");
    const exported = res.body;
    expect(exported.candidate.retention).toMatchObject({
      deleteOn: addDays(todayIso(), 30),
      explanation: containing("Your application was stopped on 2015-06-01"),
    });
    expect(exported.files.map((f) => f.kind).sort()).toEqual(["cv", "photo", "video"]);
    for (const f of exported.files) expect((await fetch(f.url)).status).toBe(200);
    expect(exported.notifications).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "retentionDue", audience: "coach" }),
        expect.objectContaining({
          type: "tips",
          audience: "candidate",
          tips: ["workExperience"],
          delivery: objectLike({ state: "sent", sentAt: anyString }),
        }),
      ]),
    );
    expect(exported.candidate.notifications).toEqual({ tips: true, vacancyAlerts: true });

    // The raw documents of every container that holds the candidate's data.
    const candidateDoc = (await container("candidates").item(c.id, m).read<CandidateDoc>()).resource!;
    const raw: Record<string, Json[]> = {
      candidates: [asJson(candidateDoc)],
      accounts: [asJson((await container("accounts").item(c.sub, c.sub).read()).resource)],
      invitations: await Promise.all(
        candidateDoc.invitationIds!.map(async (id) => asJson((await container("invitations").item(id, id).read()).resource)),
      ),
      uploads: (
        await container("uploads")
          .items.query<Json>({ query: "SELECT * FROM c WHERE c.candidateId = @c", parameters: [{ name: "@c", value: c.id }] })
          .fetchAll()
      ).resources,
      audit: (
        await container("audit")
          .items.query<Json>(
            { query: "SELECT * FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: c.id }] },
            { partitionKey: c.id },
          )
          .fetchAll()
      ).resources,
      outbox: (
        await container("outbox")
          .items.query<Json>(
            {
              query: "SELECT * FROM c WHERE c.municipalityId = @m AND c.candidateId = @c",
              parameters: [
                { name: "@m", value: m },
                { name: "@c", value: c.id },
              ],
            },
            { partitionKey: m },
          )
          .fetchAll()
      ).resources,
    };
    // The containers not read here hold nothing linkable to the person: settings, employers,
    // vacancies, saved searches (filters, and their owner as a keyed hash), and counters (keyed
    // hashes); search events hold keyed pseudonyms (their appearances are in the log).
    expect(
      Object.keys(CONTAINERS)
        .filter((k) => !(k in raw))
        .sort(),
    ).toEqual(["counters", "employers", "municipalities", "savedSearches", "vacancies"] satisfies ContainerName[]);
    expect(raw.uploads!.length).toBeGreaterThan(0);
    expect(raw.outbox!.length).toBe(2);
    expect(candidateDoc.tipsSentAt).toBe(tippedAt);
    expect(raw.audit!.some((e) => get(e, "action") === "appearances")).toBe(true);

    const out = leaves(asJson(exported, "the export"));
    const missing: string[] = [];
    for (const [name, docs] of Object.entries(raw)) {
      for (const doc of docs) {
        for (const leaf of leaves(doc)) {
          if (SYSTEM.test(leaf.key) || LEFT_OUT[name]!.some((r) => r.test(leaf.path))) continue;
          // The candidate's own sub is their data (the account); another user's never is.
          if (name === "audit" && leaf.path === "actor.sub") continue;
          const keys = [leaf.key, ...(ALIASES[leaf.key] ?? [])];
          if (!out.some((o) => o.value === leaf.value && keys.includes(o.key)))
            missing.push(`${name}.${leaf.path} = ${JSON.stringify(leaf.value)}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // Nobody else's account is in it.
    expect(JSON.stringify(exported)).not.toContain(employer.sub);
    expect(JSON.stringify(exported)).not.toContain("203.0.113.7");
  });

  it("when a coach exports for a written request, then the same document comes, both exports are logged, and another municipality's coach gets 404", async () => {
    const m = newMunicipality("export");
    const c = await sharedCandidate(m);
    const admin = await tokenFor("admin", m);

    const mine = await call<Schema<"CandidateExport">>("GET", "/api/me/export", { token: c.token });
    const staff = await call<Schema<"CandidateExport">>("GET", `/api/candidates/${c.id}/export`, { token: admin });
    const elsewhere = await call("GET", `/api/candidates/${c.id}/export`, { token: await tokenFor("coach", newMunicipality("other")) });

    expect(staff.status).toBe(200);
    expect(staff.headers["content-disposition"]).toMatch(/^attachment; filename="hallowerk-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(staff.body.candidate).toEqual(mine.body.candidate);
    expect(elsewhere.status).toBe(404);
    const log = await call<Schema<"AccessLogPage">>("GET", `/api/candidates/${c.id}/access-log`, { token: c.coach });
    const exports = log.body.items.filter((e) => e.action === "export");
    expect(exports.map((e) => e.who)).toEqual([
      { role: "admin", organisation: { type: "municipality", id: m, name: matching(/^Municipality of Export/) } },
      { role: "candidate", organisation: { type: "candidate", name: "the candidate" } },
    ]);
  });
});

describe("GET /me/access-log", () => {
  it("when staff and an employer look, then the log names roles and organisations (never accounts), lists views and downloads one by one, sums search appearances per organisation and day, newest first, paged", async () => {
    const m = newMunicipality("log");
    const c = await sharedCandidate(m, { skills: ["metselen"] });
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, ticket.uploadId);
    const employer = await employerUser(m);
    const company = (await call<Schema<"EmployerView">>("GET", `/api/employers/${employer.id}`, { token: employer.accountManager })).body
      .companyName;

    await call("GET", `/api/candidates/${c.id}`, { token: c.coach });
    await call("GET", "/api/search/candidates?skill=metselen", { token: employer.token });
    await call("GET", "/api/search/candidates?skill=metselen", { token: employer.token });
    await call("GET", `/api/candidates/${c.id}`, { token: employer.token });
    await call("GET", `/api/candidates/${c.id}/files/cv`, { token: employer.token });

    const all = await call<Schema<"AccessLogPage">>("GET", "/api/me/access-log?pageSize=100", { token: c.token });

    expect(all.status).toBe(200);
    const items = all.body.items;
    const ats = items.map((e) => e.at);
    expect(ats).toEqual([...ats].sort().reverse());
    const byEmployer = items.filter((e) => e.who.organisation.type === "employer");
    expect(byEmployer.map((e) => [e.action, e.fields ?? null])).toEqual([
      ["download", ["files.cv"]],
      ["read", null],
      ["read", null],
      ["appearances", null],
    ]);
    expect(byEmployer[3]).toMatchObject({
      day: todayIso(),
      count: 2,
      who: { role: "employer", organisation: { type: "employer", id: employer.id, name: company } },
    });
    expect(items.find((e) => e.who.role === "coach" && e.action === "read")).toMatchObject({
      who: {
        role: "coach",
        organisation: { type: "municipality", id: m, name: matching(/^Municipality of Log /) },
      },
    });
    const text = JSON.stringify(all.body);
    expect(text).not.toContain(employer.sub);
    expect(text).not.toContain("coach-");
    expect(text).not.toContain("203.0.113.7");

    // Paged as every list: the pages together are the whole log (plus this read of the log).
    const first = await call<Schema<"AccessLogPage">>("GET", "/api/me/access-log?pageSize=2", { token: c.token });
    expect(first.body.items).toHaveLength(2);
    const second = await call<Schema<"AccessLogPage">>(
      "GET",
      `/api/me/access-log?pageSize=2&continuation=${encodeURIComponent(first.body.continuation!)}`,
      {
        token: c.token,
      },
    );
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.items[0]!.at <= first.body.items[1]!.at).toBe(true);
  });

  it("when another instance counts the same appearances in between, then none is lost or counted twice", async () => {
    const m = newMunicipality("log");
    const [a, b] = [await sharedCandidate(m, { skills: ["voegen"] }), await sharedCandidate(m, { skills: ["voegen"] })];
    const employer = await employerUser(m);
    const id = `appearances:${todayIso()}:employer:${employer.id}`;
    const count = async (c: { token: string }) =>
      (await call<Schema<"AccessLogPage">>("GET", "/api/me/access-log?pageSize=100", { token: c.token })).body.items.find(
        (e) => e.action === "appearances",
      )?.count;
    const search = async () =>
      expect(
        (await call<Schema<"CandidateSearchPage">>("GET", "/api/search/candidates?skill=voegen", { token: employer.token })).body.items,
      ).toHaveLength(2);
    // Another instance created a's document of the day first: this instance's create is refused (409) and it increments instead.
    await container("audit").items.create({
      id,
      subjectId: a.id,
      subjectType: "candidate",
      municipalityId: m,
      action: "appearances",
      actor: { role: "employer", employerId: employer.id, municipalityId: m },
      day: todayIso(),
      count: 1,
      at: new Date().toISOString(),
    });
    await search();
    // Another instance counted b since: this instance's replace with the ETag it knows is refused (412) and it increments instead.
    await container("audit")
      .item(id, b.id)
      .patch([{ op: "incr", path: "/count", value: 1 }]);
    await search();
    await search();

    expect([await count(a), await count(b)]).toEqual([4, 4]);
  });

  it("when a coach of another municipality asks for the log, then 404; a coach of the candidate's own gets it, and the read is logged", async () => {
    const m = newMunicipality("log");
    const c = await sharedCandidate(m);
    expect(
      (await call("GET", `/api/candidates/${c.id}/access-log`, { token: await tokenFor("coach", newMunicipality("other")) })).status,
    ).toBe(404);
    expect((await call("GET", `/api/candidates/${c.id}/access-log`, { token: c.coach })).status).toBe(200);
    const mine = await call<Schema<"AccessLogPage">>("GET", "/api/me/access-log", { token: c.token });
    expect(mine.body.items.some((e) => e.action === "accessLog" && e.who.role === "coach")).toBe(true);
  });
});

describe("GET /me/profile: the deletion date", () => {
  it("when the service has ended, then the candidate sees the date with the rule in plain English; staff see the short rule", async () => {
    const m = newMunicipality("ret");
    const c = await sharedCandidate(m);
    await call("POST", `/api/candidates/${c.id}/service-end`, {
      token: c.coach,
      body: { endedOn: "2026-01-15", reason: "completed", esfProgrammeEndsOn: "2027-12-31" },
    });

    const mine = await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token });
    const staff = await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${c.id}`, { token: c.coach });

    expect(mine.body.retention).toEqual({
      deleteOn: "2037-12-31",
      rule: matching(/^esf:/),
      explanation:
        "Part of your support was paid for by the European Social Fund (ESF). The municipality must keep your data for 10 years after that programme ends (2027-12-31), so it is deleted on 2037-12-31.",
    });
    expect(staff.body.retention).toEqual({ deleteOn: "2037-12-31", rule: matching(/^esf:/) });
  });
});

describe("GET /signals", () => {
  it("when the outbox holds signals, then coaches see their municipality's retention signals, account managers the viewing-limit ones, each marks read for themself only", async () => {
    const m = newMunicipality("sig");
    const now = new Date().toISOString();
    await outboxNotifier.send({
      id: `retention-${m}.x-1`,
      municipalityId: m,
      audience: "coach",
      type: "retentionDue",
      candidateId: `${m}.00000000-0000-0000-0000-000000000001`,
      deleteOn: "2027-01-01",
      createdAt: now,
    });
    await outboxNotifier.send({
      id: `retention-${m}.x-2`,
      municipalityId: m,
      audience: "coach",
      type: "retentionDue",
      candidateId: `${m}.00000000-0000-0000-0000-000000000002`,
      deleteOn: "2027-01-02",
      createdAt: new Date(Date.now() + 1000).toISOString(),
    });
    await outboxNotifier.send({
      id: `view-limit-e1-${todayIso()}`,
      municipalityId: m,
      audience: "accountManager",
      type: "viewLimitNear",
      employerId: "e1",
      day: todayIso(),
      candidatesShown: 400,
      limit: 500,
      createdAt: now,
    });
    const coach = await tokenFor("coach", m);
    const otherCoach = await tokenFor("coach", m);
    const am = await tokenFor("accountManager", m);

    const page = await call<Schema<"SignalPage">>("GET", "/api/signals?pageSize=1", { token: coach });
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      {
        id: `retention-${m}.x-2`,
        type: "retentionDue",
        candidateId: `${m}.00000000-0000-0000-0000-000000000002`,
        deleteOn: "2027-01-02",
        createdAt: anyString,
        read: false,
      },
    ]);
    const next = await call<Schema<"SignalPage">>(
      "GET",
      `/api/signals?pageSize=1&continuation=${encodeURIComponent(page.body.continuation!)}`,
      { token: coach },
    );
    expect(next.body.items.map((s) => s.id)).toEqual([`retention-${m}.x-1`]);

    const marked = await call<Schema<"Signal">>("POST", `/api/signals/retention-${m}.x-1/read`, { token: coach });
    expect(marked.status).toBe(200);
    expect(marked.body.read).toBe(true);
    const mine = (await call<Schema<"SignalPage">>("GET", "/api/signals", { token: coach })).body.items;
    const theirs = (await call<Schema<"SignalPage">>("GET", "/api/signals", { token: otherCoach })).body.items;
    expect(mine.map((s) => s.read)).toEqual([false, true]);
    expect(theirs.map((s) => s.read)).toEqual([false, false]);

    const managers = (await call<Schema<"SignalPage">>("GET", "/api/signals", { token: am })).body.items;
    expect(managers).toEqual([
      {
        id: `view-limit-e1-${todayIso()}`,
        type: "viewLimitNear",
        employerId: "e1",
        day: todayIso(),
        candidatesShown: 400,
        limit: 500,
        createdAt: now,
        read: false,
      },
    ]);
    // A coach's signal is not the account manager's, nor another municipality's.
    expect((await call("POST", `/api/signals/retention-${m}.x-1/read`, { token: am })).status).toBe(404);
    expect(
      (await call("POST", `/api/signals/retention-${m}.x-1/read`, { token: await tokenFor("coach", newMunicipality("other")) })).status,
    ).toBe(404);
    const stored = (await container("outbox").item(`retention-${m}.x-1`, m).read<StoredNotification>()).resource!;
    expect(JSON.stringify(stored.readBy)).not.toContain("coach-");
  });
});
