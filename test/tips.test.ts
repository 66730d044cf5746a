import { describe, expect, it } from "vitest";
import { container } from "../shared/data/cosmos.js";
import type { StoredNotification } from "../shared/data/outbox.js";
import type { CandidateDoc } from "../shared/domain/candidate.js";
import { todayIso } from "../shared/domain/clock.js";
import { TIP_KEYS, type TipKey } from "../shared/domain/tips.js";
import { registeredTimers } from "../shared/http/timers.js";
import { queueTips } from "../shared/services/tips.js";
import { inviteCandidate, newMunicipality, sharedCandidate, signedUpCandidate } from "./support/factories.js";
import { pdf } from "./support/files.js";
import { call, type Schema } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";
import { testClock } from "./support/runtime.js";

const tipsIn = async (m: string) =>
  (
    await container("outbox")
      .items.query<StoredNotification & { type: "tips" }>(
        { query: "SELECT * FROM c WHERE c.municipalityId = @m AND c.type = 'tips'", parameters: [{ name: "@m", value: m }] },
        { partitionKey: m },
      )
      .fetchAll()
  ).resources;

const queue = (m: string) => queueTips({ budgetMs: 60_000, municipalities: [m] });

const FULL = {
  skills: ["lassen"],
  description: "Ervaren lasser.",
  workExperience: [{ employer: "Metaalbedrijf", position: "Lasser" }],
  availability: { hoursPerWeek: 32 },
};

/** A candidate whose profile has everything a tip is about, except `lacking`. */
async function candidateLacking(m: string, lacking?: TipKey) {
  const profile = Object.fromEntries(Object.entries(FULL).filter(([k]) => k !== lacking));
  let c;
  if (lacking === "sharing") {
    c = await signedUpCandidate(m);
    expect((await call("PATCH", "/api/me/profile", { token: c.token, body: { profile } })).status).toBe(200);
  } else {
    // sharedCandidate fills skills and description unless told to remove them (merge patch null).
    c = await sharedCandidate(m, { ...profile, ...(lacking === "skills" || lacking === "description" ? { [lacking]: null } : {}) });
  }
  if (lacking !== "cv") {
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    expect((await complete(c.token, ticket.uploadId)).status).toBe(200);
  }
  return c;
}

describe("PUT /me/notifications", () => {
  it("when the candidate chooses, then the choice is stored on the record, shown in the profile and the export, and audited as a change", async () => {
    const c = await signedUpCandidate(newMunicipality("tips"));
    expect((await call("GET", "/api/me/profile", { token: c.token })).body).not.toHaveProperty("notifications");

    const res = await call("PUT", "/api/me/notifications", { token: c.token, body: { tips: false, vacancyAlerts: true } });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tips: false, vacancyAlerts: true });
    const stored = (await container("candidates").item(c.id, c.id.split(".")[0]).read<CandidateDoc>()).resource;
    expect(stored!.notifications).toEqual({ tips: false, vacancyAlerts: true });
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.notifications).toEqual({
      tips: false,
      vacancyAlerts: true,
    });
    expect((await call<Schema<"CandidateExport">>("GET", "/api/me/export", { token: c.token })).body.candidate.notifications).toEqual({
      tips: false,
      vacancyAlerts: true,
    });
    const log = (await call<Schema<"AccessLogPage">>("GET", "/api/me/access-log", { token: c.token })).body.items;
    expect(log).toContainEqual(expect.objectContaining({ action: "update", fields: ["notifications"] }));
  });

  it("when the body has an unknown field, a wrong type or misses a choice, then 400 names the field", async () => {
    const c = await signedUpCandidate(newMunicipality("tips"));
    const cases: [unknown, string][] = [
      [{ tips: true, vacancyAlerts: false, newsletter: true }, "newsletter"],
      [{ tips: "yes", vacancyAlerts: false }, "tips"],
      [{ tips: true, vacancyAlerts: 1 }, "vacancyAlerts"],
      [{ tips: true }, "vacancyAlerts"],
      [[true, false], "(body)"],
    ];
    for (const [body, path] of cases) {
      const res = await call<Schema<"ValidationProblem">>("PUT", "/api/me/notifications", { token: c.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(
        res.body.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    expect((await container("candidates").item(c.id, c.id.split(".")[0]).read<CandidateDoc>()).resource).not.toHaveProperty(
      "notifications",
    );
  });
});

describe("the tips timer", () => {
  it("when profiles lack something, then each lacking part is the tip of its own e-mail, and a complete profile gets none", async () => {
    const m = newMunicipality("tips");
    const complete = await candidateLacking(m);
    const lacking = Object.fromEntries(await Promise.all(TIP_KEYS.map(async (k) => [(await candidateLacking(m, k)).id, k] as const)));

    const summary = await queue(m);

    expect(summary).toEqual({ complete: true, municipalities: 1, queued: TIP_KEYS.length, nothingToTip: 1 });
    const queued = await tipsIn(m);
    expect(Object.fromEntries(queued.map((n) => [n.candidateId, n.tips]))).toEqual(
      Object.fromEntries(Object.entries(lacking).map(([id, k]) => [id, [k]])),
    );
    expect(queued.map((n) => n.candidateId)).not.toContain(complete.id);
    for (const n of queued)
      expect(n).toMatchObject({
        audience: "candidate",
        id: `tips-${n.candidateId}-${todayIso()}`,
        delivery: { state: "pending", attempts: 0 },
      });
  });

  it("when a tips e-mail went less than TIPS_INTERVAL_DAYS ago, then no other is queued; after it, the next is", async () => {
    const m = newMunicipality("tips");
    await signedUpCandidate(m);
    const t0 = Date.now();
    const at = (days: number) => testClock.set(() => new Date(t0 + days * 86_400_000));

    at(0);
    const first = await queue(m);
    const again = await queue(m);
    at(13.9);
    const early = await queue(m);
    at(14.1);
    const due = await queue(m);

    expect([first.queued, again.queued, early.queued, due.queued]).toEqual([1, 0, 0, 1]);
    expect((await tipsIn(m)).map((n) => n.createdAt).sort()).toEqual([
      new Date(t0).toISOString(),
      new Date(t0 + 14.1 * 86_400_000).toISOString(),
    ]);
  });

  it("when a candidate switched tips off, then none is queued until switched on again", async () => {
    const m = newMunicipality("tips");
    const c = await signedUpCandidate(m);
    await call("PUT", "/api/me/notifications", { token: c.token, body: { tips: false, vacancyAlerts: true } });

    const off = await queue(m);
    await call("PUT", "/api/me/notifications", { token: c.token, body: { tips: true, vacancyAlerts: true } });
    const on = await queue(m);

    expect([off.queued, on.queued]).toEqual([0, 1]);
  });

  it("when candidates are invited, inactive or their service ended, then they get no tips", async () => {
    const m = newMunicipality("tips");
    await inviteCandidate(m);
    const inactive = await signedUpCandidate(m);
    expect(
      (await call("PUT", `/api/candidates/${inactive.id}/status`, { token: inactive.coach, body: { status: "inactive" } })).status,
    ).toBe(200);
    const ended = await signedUpCandidate(m);
    expect(
      (
        await call("POST", `/api/candidates/${ended.id}/service-end`, {
          token: ended.coach,
          body: { endedOn: todayIso(), reason: "completed" },
        })
      ).status,
    ).toBe(200);
    const active = await signedUpCandidate(m);

    const summary = await queue(m);

    expect(summary.queued).toBe(1);
    expect((await tipsIn(m)).map((n) => n.candidateId)).toEqual([active.id]);
    expect(JSON.stringify(summary)).not.toContain(m);
  });

  it("when registered, then tips run weekly and the drainer every two minutes", () => {
    const spec = registeredTimers.find((t) => t.name === "tipsWeekly")!;
    expect(spec.schedule).toBe("0 0 9 * * 1");
    expect(registeredTimers.find((t) => t.name === "outboxDrain")!.schedule).toBe("0 */2 * * * *");
  });
});
