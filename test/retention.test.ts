import { createHash } from "node:crypto";
import azureFunctions from "@azure/functions";
import { describe, expect, it } from "vitest";
import { auditTrail, deletionRecords } from "../shared/data/audit.js";
import { readInvitation } from "../shared/data/invitations.js";
import { registeredTimers } from "../shared/http/timers.js";
import { runRetention } from "../shared/services/retention.js";
import { blobContainer, candidatePrefix } from "../shared/storage/blob.js";
import {
  buildEmployer,
  employerUser,
  inviteCandidate,
  newMunicipality,
  sharedCandidate,
  signedUpCandidate,
  tokenFor,
} from "./support/factories.js";
import { pdf } from "./support/files.js";
import { call, type Schema } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";
import { recordingNotifier } from "./support/recording-notifier.js";
import { testClock, testRuntime } from "./support/runtime.js";
import { anyString, containing, matching } from "./support/matchers.js";

// Signals are kept in memory in this file's runtime, so the test can read them.
const notifications = recordingNotifier();
testRuntime({}, { notifier: notifications });

async function signedUpCandidateWithEnd() {
  const c = await signedUpCandidate(newMunicipality());
  await endService(c.coach, c.id, { endedOn: "2026-01-15", reason: "completed" });
  return c;
}

const at = (date: string) => testClock.set(() => new Date(`${date}T03:00:00Z`));
/** Past the notice every recorded end gets (RETENTION_SIGNAL_DAYS), for ends recorded long after the fact. */
const afterNotice = () => testClock.set(() => new Date(Date.now() + 31 * 86_400_000));
const endService = <T>(coach: string, id: string, body: object) =>
  call<T>("POST", `/api/candidates/${id}/service-end`, { token: coach, body });
const sweep = async (m: string, dryRun = false) => {
  const res = await call<Schema<"RetentionRun">>("POST", "/api/admin/retention/run", {
    token: await tokenFor("admin", m),
    body: { dryRun },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const exists = async (coach: string, id: string) => (await call("GET", `/api/candidates/${id}`, { token: coach })).status === 200;

describe("recording the end of service", () => {
  it.each([
    ["aborted", "2026-03-10", "2027-03-10"],
    ["rejected", "2026-03-10", "2031-03-10"],
    ["completed", "2026-03-10", "2036-03-10"],
  ])("when a service ends %s on %s, then the data is due on %s, the candidate inactive", async (reason, endedOn, deleteOn) => {
    const c = await inviteCandidate(newMunicipality());
    const res = await endService(c.coach, c.id, { endedOn, reason });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "inactive",
      serviceEnd: { endedOn, reason },
      retention: { deleteOn, rule: containing(reason) },
    });
  });

  it("when the ESF programme ends later, then the data is kept until 10 years after it; an earlier one changes nothing", async () => {
    const m = newMunicipality();
    const late = await inviteCandidate(m);
    const early = await inviteCandidate(m);
    const a = await endService<Schema<"CandidateStaffView">>(late.coach, late.id, {
      endedOn: "2026-01-10",
      reason: "completed",
      esfProgrammeEndsOn: "2027-12-31",
    });
    const b = await endService<Schema<"CandidateStaffView">>(early.coach, early.id, {
      endedOn: "2026-01-10",
      reason: "completed",
      esfProgrammeEndsOn: "2020-06-30",
    });
    expect(a.body.retention).toEqual({ deleteOn: "2037-12-31", rule: matching(/^esf: 10 years after/) });
    expect(b.body.retention?.deleteOn).toBe("2036-01-10");
  });

  it("when an end is recorded long after the fact, then the date moves to 30 days out, so the coaches are told first", async () => {
    const c = await inviteCandidate(newMunicipality());
    const res = await endService<Schema<"CandidateStaffView">>(c.coach, c.id, { endedOn: "2015-06-01", reason: "aborted" });
    const expected = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(res.body.retention).toEqual({
      deleteOn: expected,
      rule: matching(/^aborted: 1 years after 2015-06-01; postponed to/),
    });
  });

  it("when a coach reactivates a candidate whose service ended, then the retention date is gone", async () => {
    const c = await signedUpCandidateWithEnd();
    const res = await call<Schema<"CandidateStaffView">>("PUT", `/api/candidates/${c.id}/status`, {
      token: c.coach,
      body: { status: "active" },
    });
    expect(res.body.status).toBe("active");
    expect(res.body).not.toHaveProperty("retention");
    expect(res.body).not.toHaveProperty("serviceEnd");
  });

  it("when the municipality overrides a period, then a longer one applies and a shorter one is refused", async () => {
    const m = newMunicipality();
    const shorter = await call<Schema<"ValidationProblem">>("PUT", "/api/municipality/settings", {
      token: await tokenFor("admin", m),
      body: { employerReach: "all", retentionYears: { completed: 5 } },
    });
    expect(shorter.status).toBe(400);
    expect(shorter.body.errors![0]!.path).toBe("retentionYears.completed");
    await call("PUT", "/api/municipality/settings", {
      token: await tokenFor("admin", m),
      body: { employerReach: "all", retentionYears: { aborted: 2 } },
    });
    const c = await inviteCandidate(m);
    expect(
      (await endService<Schema<"CandidateStaffView">>(c.coach, c.id, { endedOn: "2026-02-01", reason: "aborted" })).body.retention
        ?.deleteOn,
    ).toBe("2028-02-01");
  });

  it("when the date is in the future or the reason unknown, then 400", async () => {
    const c = await inviteCandidate(newMunicipality());
    expect((await endService(c.coach, c.id, { endedOn: "2999-01-01", reason: "completed" })).status).toBe(400);
    const bad = await endService<Schema<"ValidationProblem">>(c.coach, c.id, { endedOn: "2026-01-01", reason: "bored" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.path).toBe("reason");
  });
});

describe("the retention sweep", () => {
  it("when a rule's day has not come, then the candidate stays; on the day itself it goes", async () => {
    const m = newMunicipality();
    const c = await inviteCandidate(m);
    await endService(c.coach, c.id, { endedOn: "2026-03-10", reason: "aborted" });

    at("2027-03-09");
    const before = await sweep(m);
    const kept = await exists(c.coach, c.id);
    at("2027-03-10");
    const onTheDay = await sweep(m);

    expect(kept).toBe(true);
    expect(before.municipalities[m]!.candidates).toEqual({});
    expect(onTheDay.municipalities[m]!.candidates).toEqual({ aborted: 1 });
    expect(await exists(c.coach, c.id)).toBe(false);
  });

  it("when a candidate is deleted, then nothing of them can be found anywhere, and a record without personal data remains", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m, { description: "Uniekwoordxyz" }, { lastName: "Vergeetmij", clientNumber: "KL-GONE-1" });
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, ticket.uploadId);
    const employer = await employerUser(newMunicipality());
    expect((await call("GET", `/api/candidates/${c.id}`, { token: employer.token })).status).toBe(200);
    await endService(c.coach, c.id, { endedOn: "2020-01-01", reason: "aborted" });
    afterNotice();

    const result = await sweep(m);

    expect(result.items).toEqual([expect.objectContaining({ type: "candidate", id: c.id, rule: containing("aborted") })]);
    expect((await call("GET", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(404);
    expect((await call("GET", `/api/candidates/${c.id}`, { token: employer.token })).status).toBe(404);
    expect((await call("GET", "/api/me/profile", { token: c.token })).status).toBe(404);
    expect((await call<Schema<"CandidateListPage">>("GET", "/api/candidates?q=vergeetmij", { token: c.coach })).body.items).toEqual([]);
    expect(
      (await call<Schema<"CandidateSearchPage">>("GET", "/api/search/candidates?q=uniekwoordxyz", { token: employer.token })).body.items,
    ).toEqual([]);
    const blobs: string[] = [];
    for await (const b of (await blobContainer("candidateFiles")).listBlobsFlat({ prefix: candidatePrefix(m, c.id) })) blobs.push(b.name);
    expect(blobs).toEqual([]);
    expect(await auditTrail(c.id)).toEqual([]);
    expect(await readInvitation(createHash("sha256").update(c.code).digest("hex"))).toBeUndefined();

    const [record] = await deletionRecords(m, new Date().toISOString().slice(0, 4));
    expect(record).toMatchObject({
      recordType: "candidate",
      trigger: "retention",
      serviceEndedOn: "2020-01-01",
      rule: containing("postponed"),
    });
    expect(record!.removed).toMatchObject({ files: 1, invitations: 1, accounts: 1, records: 1 });
    expect(record!.removed.auditEvents).toBeGreaterThan(3);
    const text = JSON.stringify(record);
    for (const personal of [c.id, "Vergeetmij", "KL-GONE-1", c.sub, c.body.admin.email]) expect(text).not.toContain(personal);
  });

  it("when a legal hold applies, then the due candidate stays until the hold is lifted; deleting on request is refused", async () => {
    const m = newMunicipality();
    const c = await inviteCandidate(m);
    const admin = await tokenFor("admin", m);
    await endService(c.coach, c.id, { endedOn: "2020-01-01", reason: "aborted" });
    afterNotice();
    const held = await call<Schema<"CandidateStaffView">>("PUT", `/api/candidates/${c.id}/legal-hold`, {
      token: admin,
      body: { hold: true, reason: "lopende bezwaarprocedure" },
    });
    expect(held.body.legalHold).toEqual({ since: anyString, reason: "lopende bezwaarprocedure" });

    await sweep(m);
    expect(await exists(c.coach, c.id)).toBe(true);
    expect((await call("DELETE", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(409);

    await call("PUT", `/api/candidates/${c.id}/legal-hold`, { token: admin, body: { hold: false } });
    await sweep(m);
    expect(await exists(c.coach, c.id)).toBe(false);
  });

  it("when a run is cut off midway, then the next run finishes the job and a third deletes nothing", async () => {
    const m = newMunicipality();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await inviteCandidate(m);
      await endService(c.coach, c.id, { endedOn: "2020-01-01", reason: "aborted" });
      ids.push(c.id);
    }
    const keep = await inviteCandidate(m);
    await endService(keep.coach, keep.id, { endedOn: "2026-01-01", reason: "completed" });
    afterNotice();
    let steps = 0;

    const cut = await runRetention({ dryRun: false, municipalities: [m], shouldStop: () => ++steps > 2 });
    const resumed = await sweep(m);
    const again = await sweep(m);

    expect(cut).toMatchObject({ complete: false });
    expect(cut.municipalities[m]!.candidates).toEqual({ aborted: 2 });
    expect(resumed).toMatchObject({ complete: true });
    expect(resumed.municipalities[m]!.candidates).toEqual({ aborted: 3 });
    expect(again.municipalities[m]!.candidates).toEqual({});
    for (const id of ids) expect(await exists(keep.coach, id)).toBe(false);
    expect(await exists(keep.coach, keep.id)).toBe(true);
  });

  it("when a candidate changes while being deleted, then the record stays, that one is counted, and the next run finishes it", async () => {
    const m = newMunicipality();
    const busy = await inviteCandidate(m);
    const other = await inviteCandidate(m);
    for (const c of [busy, other]) await endService(c.coach, c.id, { endedOn: "2020-01-01", reason: "aborted" });
    afterNotice();
    // Midway through the erase (when notifications are withdrawn) a coach edits the record once.
    const forget = notifications.forget.bind(notifications);
    let edited = false;
    notifications.forget = async (municipalityId, candidateId) => {
      if (candidateId === busy.id && !edited) {
        edited = true;
        await call("PATCH", `/api/candidates/${busy.id}`, { token: busy.coach, body: { admin: { caseManager: "Nieuw" } } });
      }
      return forget(municipalityId, candidateId);
    };

    const first = await sweep(m);
    notifications.forget = forget;

    expect(first.municipalities[m]).toMatchObject({ candidates: { aborted: 1 }, failed: 1 });
    expect(await exists(busy.coach, busy.id)).toBe(true);
    expect(await exists(other.coach, other.id)).toBe(false);
    const second = await sweep(m);
    expect(second.municipalities[m]).toMatchObject({ candidates: { aborted: 1 }, failed: 0 });
    expect(await exists(busy.coach, busy.id)).toBe(false);
  });

  it("when a candidate's date is within 30 days, then their coaches are signalled once, and the preview shows why", async () => {
    const m = newMunicipality();
    const soon = await inviteCandidate(m);
    const later = await inviteCandidate(m);
    await endService(soon.coach, soon.id, { endedOn: "2026-01-20", reason: "aborted" });
    await endService(later.coach, later.id, { endedOn: "2026-06-01", reason: "aborted" });
    at("2027-01-01");

    await sweep(m);
    await sweep(m);
    const preview = await call<Schema<"RetentionPreviewPage">>("GET", "/api/admin/retention/preview?withinDays=30", {
      token: await tokenFor("admin", m),
    });

    const signals = notifications.sent.filter((n) => n.municipalityId === m);
    expect(signals).toEqual([
      expect.objectContaining({ audience: "coach", type: "retentionDue", candidateId: soon.id, deleteOn: "2027-01-20" }),
    ]);
    expect(preview.status).toBe(200);
    expect(preview.body.items).toEqual([
      { type: "candidate", id: soon.id, deleteOn: "2027-01-20", rule: containing("aborted"), overdue: false },
    ]);
  });

  it("when run as a dry run, then it reports what it would delete and deletes nothing", async () => {
    const m = newMunicipality();
    const c = await inviteCandidate(m);
    await endService(c.coach, c.id, { endedOn: "2020-01-01", reason: "rejected" });
    at("2030-01-01");
    const dry = await sweep(m, true);
    expect(dry).toMatchObject({ dryRun: true, items: [expect.objectContaining({ id: c.id, deleteOn: anyString })] });
    expect(dry.municipalities[m]!.candidates).toEqual({ rejected: 1 });
    expect(await exists(c.coach, c.id)).toBe(true);
  });

  it("when the nightly timer runs, then it sweeps every municipality and logs counts, never ids", async () => {
    const m = newMunicipality();
    const c = await inviteCandidate(m);
    await endService(c.coach, c.id, { endedOn: "2020-01-01", reason: "aborted" });
    const nightly = registeredTimers.find((t) => t.name === "retentionSweep")!;
    afterNotice();

    const summary = await nightly.run(new azureFunctions.InvocationContext({ functionName: "retentionSweep" }));

    expect(summary).toHaveProperty(["municipalities", m, "candidates"], { aborted: 1 });
    expect(JSON.stringify(summary)).not.toContain(c.id);
    expect(await exists(c.coach, c.id)).toBe(false);
  });
});

describe("deleting on request", () => {
  it("when a coach deletes a candidate who asked to stop, then everything goes at once with a request deletion record", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m);
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, ticket.uploadId);

    const res = await call("DELETE", `/api/candidates/${c.id}`, { token: c.coach });

    expect(res.status).toBe(204);
    expect(await exists(c.coach, c.id)).toBe(false);
    expect((await call("GET", "/api/me/profile", { token: c.token })).status).toBe(404);
    const records = await deletionRecords(m, new Date().toISOString().slice(0, 4));
    expect(records).toEqual([
      expect.objectContaining({
        trigger: "request",
        rule: "request to stop participating",
        actor: { sub: anyString, role: "coach" },
      }),
    ]);
    expect((await call("DELETE", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(404);
  });
});

describe("POST /integrations/service-ends", () => {
  it("when a client-tracking system reports a batch, then each line says what happened", async () => {
    const m = newMunicipality();
    const a = await inviteCandidate(m, { clientNumber: "RAAK-1" });
    await inviteCandidate(m, { clientNumber: "RAAK-2" });
    const system = await tokenFor("integration", m);
    const items = [
      { clientNumber: "RAAK-1", endedOn: "2026-02-01", reason: "completed" },
      { clientNumber: "RAAK-1", endedOn: "2026-02-01", reason: "completed" },
      { clientNumber: "RAAK-404", endedOn: "2026-02-01", reason: "completed" },
      { clientNumber: "RAAK-2", endedOn: "1 februari", reason: "completed" },
      { clientNumber: "RAAK-2", endedOn: "2999-02-01", reason: "completed" },
    ];

    const res = await call<Schema<"ServiceEndBatchResult">>("POST", "/api/integrations/service-ends", { token: system, body: { items } });
    const again = await call<Schema<"ServiceEndBatchResult">>("POST", "/api/integrations/service-ends", {
      token: system,
      body: { items: items.slice(0, 1) },
    });

    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual(["recorded", "alreadyRecorded", "unknownClientNumber", "invalid", "invalid"]);
    expect(res.body.results[3]).toHaveProperty(["errors", 0, "path"], "endedOn");
    expect(res.body.summary).toEqual({ recorded: 1, alreadyRecorded: 1, unknownClientNumber: 1, invalid: 2 });
    expect(again.body.results[0]!.status).toBe("alreadyRecorded");
    const view = await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${a.id}`, { token: a.coach });
    expect(view.body.retention?.deleteOn).toBe("2036-02-01");
    const line = (await auditTrail(a.id)).find((e) => e.fields?.includes("serviceEnd"))!;
    expect(line.actor).toMatchObject({ role: "integration", municipalityId: m });
  });

  it("when the batch is empty or too big, then 400", async () => {
    const system = await tokenFor("integration", newMunicipality());
    expect((await call("POST", "/api/integrations/service-ends", { token: system, body: { items: [] } })).status).toBe(400);
    const tooMany = Array.from({ length: 501 }, () => ({}));
    expect((await call("POST", "/api/integrations/service-ends", { token: system, body: { items: tooMany } })).status).toBe(400);
  });
});

describe("ending an employer", () => {
  it("when an account manager ends an employer, then its users lose access, vacancies close, and after the period everything goes", async () => {
    const m = newMunicipality();
    const e = await employerUser(m);
    const v = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
      token: e.accountManager,
      body: { employerId: e.id, title: "Kok", description: "Koken", occupation: "kok", sector: "horeca" },
    });

    const pending = await call<Schema<"EmployerCreated">>("POST", "/api/employers", { token: e.accountManager, body: buildEmployer() });
    await call("POST", `/api/employers/${pending.body.id}/end`, { token: e.accountManager, body: {} });
    const ended = await call<Schema<"EmployerView">>("POST", `/api/employers/${e.id}/end`, {
      token: e.accountManager,
      body: { endedOn: "2026-05-01" },
    });

    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe("ended");
    // A code handed out before the end no longer opens anything.
    const late = await call("POST", "/api/invitations/redeem", {
      token: await tokenFor("employer", undefined, { sub: "late-user" }),
      body: { code: pending.body.invitationCode },
    });
    expect(late.status).toBe(404);
    expect((await call("GET", "/api/search/candidates", { token: e.token })).status).toBe(403);
    expect((await call<Schema<"VacancyView">>("GET", `/api/vacancies/${v.body.id}`, { token: e.accountManager })).body.status).toBe(
      "closed",
    );

    at("2027-04-30");
    expect((await sweep(m)).municipalities[m]!.employers).toBe(0);
    at("2027-05-01");
    expect((await sweep(m)).municipalities[m]!.employers).toBe(1);
    expect((await call("GET", `/api/employers/${e.id}`, { token: e.accountManager })).status).toBe(404);
    expect((await call("GET", `/api/vacancies/${v.body.id}`, { token: e.accountManager })).status).toBe(404);
  });
});
