import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { CosmosClient } from "@azure/cosmos";
import azureFunctions from "@azure/functions";
import { afterEach, describe, expect, it } from "vitest";
import { config } from "../shared/config/index.js";
import { deletionRecords } from "../shared/data/audit.js";
import { container } from "../shared/data/cosmos.js";
import { registeredTimers } from "../shared/http/timers.js";
import { defaultProbes, type Probes } from "../shared/services/health.js";
import { runRetention } from "../shared/services/retention.js";
import { pseudonym } from "../shared/services/pseudonym.js";
import type { ReplayCounts } from "../shared/services/replay.js";
import { EVENT_PREFIX, EVENTS } from "../shared/services/telemetry.js";
import { blobContainer, candidatePrefix } from "../shared/storage/blob.js";
import { employerUser, newMunicipality, sharedCandidate, tokenFor } from "./support/factories.js";
import { exe, pdf } from "./support/files.js";
import { call, type Schema } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";
import { keepBounded, runtime } from "../shared/runtime.js";
import { testClock, testRuntime } from "./support/runtime.js";
import { anyNumber } from "./support/matchers.js";

const SETTINGS = {
  // A low page limit for employer users, so that this file can show a 429 cheaply.
  VIEW_LIMIT_PAGES_PER_MINUTE: "3",
  // Ended employers are due at once, so that the sweep deletes one here without moving the clock.
  EMPLOYER_RETENTION_DAYS: "0",
};
testRuntime(SETTINGS);
/** A runtime whose readiness probe of one dependency goes elsewhere (a dead port, a server that never answers). */
const probing = (probe: Partial<Probes>) => testRuntime(SETTINGS, { probes: { ...defaultProbes, ...probe } });
afterEach(() => {
  if (runtime().probes !== defaultProbes) testRuntime(SETTINGS);
});

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<{ port: number; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe("GET /health/ready", () => {
  it("when Cosmos DB and Blob storage answer, then 200 ready with both checks ok", async () => {
    const res = await call("GET", "/api/health/ready");

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready", checks: { cosmos: "ok", blobStorage: "ok" } });
  });

  it("when Cosmos DB refuses connections, then 503 with Retry-After naming cosmos unavailable, and /health still 200", async () => {
    // Port 1 on loopback: nothing listens there.
    const dead = new CosmosClient({
      endpoint: "http://127.0.0.1:1",
      key: config().COSMOS_KEY!,
      connectionPolicy: {
        enableEndpointDiscovery: false,
        retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 },
      },
    });
    probing({ cosmos: (abortSignal) => dead.database(config().COSMOS_DATABASE).read({ abortSignal }) });

    const res = await call("GET", "/api/health/ready");

    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("10");
    expect(res.headers["content-type"]).toBe("application/problem+json");
    expect(res.body).toMatchObject({
      status: 503,
      detail: "not ready: cosmos unavailable",
      checks: { cosmos: "unavailable", blobStorage: "ok" },
    });
    expect((await call("GET", "/api/health")).status).toBe(200);
  });

  it("when Blob storage never answers, then after the 2 s deadline 503 names blobStorage timeout", async () => {
    const { port, server } = await silentServer();
    const { BlobServiceClient } = await import("@azure/storage-blob");
    const hanging = new BlobServiceClient(`http://127.0.0.1:${port}/devstoreaccount1`, undefined, { retryOptions: { maxTries: 1 } });
    probing({ blobStorage: (abortSignal) => hanging.getContainerClient("candidate-files").getProperties({ abortSignal }) });
    const started = Date.now();

    const res = await call<Schema<"NotReady">>("GET", "/api/health/ready");

    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ cosmos: "ok", blobStorage: "timeout" });
    expect(Date.now() - started).toBeLessThan(4000);
    server.close();
  });
});

/** A document as Cosmos DB stores it, system properties and all. */
type RawDoc = Record<string, unknown>;

/** Reads the raw documents of a candidate as a backup holds them. */
async function snapshotOf(m: string, id: string, sub: string) {
  const { resource: candidate } = await container("candidates").item(id, m).read<RawDoc>();
  const { resources: accounts } = await container("accounts")
    .items.query<RawDoc>({ query: "SELECT * FROM c WHERE c.id = @s", parameters: [{ name: "@s", value: sub }] })
    .fetchAll();
  const files: { name: string; bytes: Buffer }[] = [];
  const fileContainer = await blobContainer("candidateFiles");
  for await (const b of fileContainer.listBlobsFlat({ prefix: candidatePrefix(m, id) })) {
    files.push({ name: b.name, bytes: await fileContainer.getBlobClient(b.name).downloadToBuffer() });
  }
  return { candidate: candidate!, accounts, files };
}

/** Writes them back, as a point-in-time restore of Cosmos DB would (and a file as if it had survived too). */
async function restore(s: Awaited<ReturnType<typeof snapshotOf>>) {
  const strip = ({ _rid, _self, _etag, _attachments, _ts, ...doc }: RawDoc) => doc;
  await container("candidates").items.upsert(strip(s.candidate));
  for (const a of s.accounts) await container("accounts").items.upsert(strip(a));
  const fileContainer = await blobContainer("candidateFiles");
  for (const f of s.files) await fileContainer.getBlockBlobClient(f.name).upload(f.bytes, f.bytes.length);
}

async function nothingLeftOf(m: string, id: string, sub: string, coach: string) {
  expect((await call("GET", `/api/candidates/${id}`, { token: coach })).status).toBe(404);
  const { resource } = await container("candidates").item(id, m).read<RawDoc>();
  expect(resource).toBeUndefined();
  const { resources: accounts } = await container("accounts")
    .items.query<RawDoc>({ query: "SELECT * FROM c WHERE c.id = @s", parameters: [{ name: "@s", value: sub }] })
    .fetchAll();
  expect(accounts).toEqual([]);
  const blobs: string[] = [];
  for await (const b of (await blobContainer("candidateFiles")).listBlobsFlat({ prefix: candidatePrefix(m, id) })) blobs.push(b.name);
  expect(blobs).toEqual([]);
}

describe("POST /admin/retention/replay-deletions", () => {
  it("when a restore brings back an erased candidate with a file, then the replay erases them again and answers with counts only", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m);
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    expect((await complete(c.token, ticket.uploadId)).status).toBe(200);
    const since = new Date(Date.now() - 60_000).toISOString();
    const backup = await snapshotOf(m, c.id, c.sub);
    expect(backup.files).toHaveLength(1);
    expect((await call("DELETE", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(204);
    const [original] = await deletionRecords(m, since.slice(0, 4));
    await restore(backup);
    expect((await call("GET", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(200); // back from the dead
    const admin = await tokenFor("admin", m);

    const res = await call("POST", "/api/admin/retention/replay-deletions", { token: admin, body: { since } });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ since, complete: true, deletions: 1, found: 1, erased: 1, failed: 0, recordsRestored: 0 });
    expect(JSON.stringify(res.body)).not.toContain(c.id);
    await nothingLeftOf(m, c.id, c.sub, c.coach);
    // The deletion record is the original one, not overwritten by the replay.
    expect(await deletionRecords(m, since.slice(0, 4))).toEqual([original]);
    // Run again: nothing more to do.
    expect((await call("POST", "/api/admin/retention/replay-deletions", { token: admin, body: { since } })).body).toMatchObject({
      deletions: 1,
      found: 0,
      erased: 0,
    });
  });

  it("when the restore took the deletion record too, then the journal in Blob storage still names the person: the record is written again and the nightly sweep erases them", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m);
    const backup = await snapshotOf(m, c.id, c.sub);
    expect((await call("DELETE", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(204);
    const year = new Date().toISOString().slice(0, 4);
    const [original] = await deletionRecords(m, year);
    expect(original!.pseudonym).toBe(pseudonym(c.id));
    await restore(backup);
    await container("audit").item(original!.id, original!.subjectId).delete(); // the audit container was restored as well
    const nightly = registeredTimers.find((t) => t.name === "retentionSweep")!;
    const logs: string[] = [];

    // The timer's summary is an `object` to the scheduler; this one carries the replay's counts (functions/retention.ts).
    const summary = (await nightly.run(
      new azureFunctions.InvocationContext({ functionName: "retentionSweep", logHandler: (_l, ...a) => void logs.push(a.join(" ")) }),
    )) as { replay: ReplayCounts };

    expect(summary.replay).toMatchObject({ complete: true, failed: 0 });
    expect(summary.replay.found).toBeGreaterThanOrEqual(1);
    expect(summary.replay.recordsRestored).toBeGreaterThanOrEqual(1);
    await nothingLeftOf(m, c.id, c.sub, c.coach);
    // Without Cosmos DB's system properties (`_rid`, `_etag`, …), which a rewrite changes.
    const record = Object.fromEntries(Object.entries(original!).filter(([key]) => !key.startsWith("_")));
    expect(await deletionRecords(m, year)).toEqual([expect.objectContaining(record)]);
    const replayEvent = logs.find((l) => l.startsWith(`${EVENT_PREFIX}{"event":"retention.replay"`));
    expect(JSON.parse(replayEvent!.slice(EVENT_PREFIX.length))).toMatchObject({ trigger: "nightly", complete: true });
  });

  it("when a restore brings back an ended employer the sweep had deleted, then the replay deletes it again", async () => {
    const m = newMunicipality();
    const employer = await employerUser(m);
    expect((await call("POST", `/api/employers/${employer.id}/end`, { token: employer.accountManager, body: {} })).status).toBe(200);
    const since = new Date(Date.now() - 60_000).toISOString();
    const { resource: backup } = await container("employers").item(employer.id, m).read<RawDoc>();
    await runRetention({ dryRun: false, municipalities: [m] });
    expect((await container("employers").item(employer.id, m).read()).resource).toBeUndefined();
    const { _rid, _self, _etag, _attachments, _ts, ...doc } = backup!;
    await container("employers").items.upsert(doc);

    const res = await call("POST", "/api/admin/retention/replay-deletions", { token: await tokenFor("admin", m), body: { since } });

    expect(res.body).toMatchObject({ complete: true, deletions: 1, found: 1, erased: 1, failed: 0 });
    expect((await container("employers").item(employer.id, m).read()).resource).toBeUndefined();
    expect((await call("GET", `/api/employers/${employer.id}`, { token: employer.accountManager })).status).toBe(404);
  });

  it("when a restore brings back a profile its candidate erased, then the replay empties it again and removes its files, but keeps what was entered after the erasure", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m, { description: "Vóór het wissen ingevuld." });
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    expect((await complete(c.token, ticket.uploadId)).status).toBe(200);
    const since = new Date(Date.now() - 60_000).toISOString();
    const before = await snapshotOf(m, c.id, c.sub);
    expect((await call("DELETE", "/api/me/profile", { token: c.token })).status).toBe(204);
    const [record] = (await deletionRecords(m, since.slice(0, 4))).filter((r) => r.pseudonym === pseudonym(c.id));
    expect(record).toMatchObject({ recordType: "profile", trigger: "request", removed: { files: 1 } });
    expect(JSON.stringify(record)).not.toContain(c.id);
    await restore(before);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.profile.description).toBe(
      "Vóór het wissen ingevuld.",
    ); // back
    const admin = await tokenFor("admin", m);

    const res = await call("POST", "/api/admin/retention/replay-deletions", { token: admin, body: { since } });

    expect(res.body).toMatchObject({ complete: true, deletions: 1, found: 1, erased: 1, failed: 0 });
    const me = await call("GET", "/api/me/profile", { token: c.token });
    expect(me.status).toBe(200); // the record stays: only what the candidate entered goes
    expect(me.body).toMatchObject({ profile: {}, files: {}, sharing: { withEmployers: false } });
    expect((await snapshotOf(m, c.id, c.sub)).files).toEqual([]);

    // Entered after the erasure: a restore to a later point is left alone.
    expect((await call("PATCH", "/api/me/profile", { token: c.token, body: { profile: { description: "Na het wissen." } } })).status).toBe(
      200,
    );
    const after = await snapshotOf(m, c.id, c.sub);
    await restore(after);
    expect((await call("POST", "/api/admin/retention/replay-deletions", { token: admin, body: { since } })).body).toMatchObject({
      deletions: 1,
      found: 0,
      erased: 0,
    });
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.profile.description).toBe(
      "Na het wissen.",
    );
  });

  it("when since is in the future or more than 366 days ago, then 400", async () => {
    const admin = await tokenFor("admin", newMunicipality());
    for (const since of [new Date(Date.now() + 86_400_000).toISOString(), "2020-01-01T00:00:00Z", "yesterday"]) {
      const res = await call<Schema<"ValidationProblem">>("POST", "/api/admin/retention/replay-deletions", {
        token: admin,
        body: { since },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.path).toBe("since");
    }
  });
});

describe("the instance's bounded caches", () => {
  it("when a cache is full, then a new key makes the oldest go, and an update of a key it holds makes none go", () => {
    const cache = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    keepBounded(cache, "b", 3, 2);
    expect([...cache]).toEqual([
      ["a", 1],
      ["b", 3],
    ]);
    keepBounded(cache, "c", 4, 2);
    expect([...cache]).toEqual([
      ["b", 3],
      ["c", 4],
    ]);
  });
});

describe("operational events", () => {
  it("when uploads pass and fail, a viewing limit refuses, and the sweep runs, then each is an event line of codes and counts, with no name, e-mail, id or free text", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(
      m,
      { description: "Vrije tekst die nergens mag opduiken." },
      { firstName: "Marieke", lastName: "Zonneveld", email: "marieke.zonneveld@example.org" },
    );
    const logs: string[] = [];
    const ok = await upload(c.token, "cv", "application/pdf", pdf());
    await call("POST", `/api/me/uploads/${ok.ticket.uploadId}/complete`, { token: c.token, logs });
    const bad = await upload(c.token, "cv", "application/pdf", exe(), { fileName: "Marieke Zonneveld CV" });
    expect((await call("POST", `/api/me/uploads/${bad.ticket.uploadId}/complete`, { token: c.token, logs })).status).toBe(422);
    const employer = await employerUser(m);
    let limited = 0;
    for (let i = 0; i < 5; i++)
      limited += (await call("GET", "/api/search/candidates?skill=lassen", { token: employer.token, logs })).status === 429 ? 1 : 0;
    expect(limited).toBeGreaterThan(0);
    await call("POST", `/api/candidates/${c.id}/service-end`, { token: c.coach, body: { endedOn: "2020-01-01", reason: "aborted" } });
    testClock.set(() => new Date(Date.now() + 31 * 86_400_000));
    const nightly = registeredTimers.find((t) => t.name === "retentionSweep")!;
    await nightly.run(
      new azureFunctions.InvocationContext({ functionName: "retentionSweep", logHandler: (_l, ...a) => void logs.push(a.join(" ")) }),
    );

    const events = logs
      .filter((l) => l.startsWith(EVENT_PREFIX))
      .map((l) => JSON.parse(l.slice(EVENT_PREFIX.length)) as Record<string, unknown>);
    expect(events).toEqual(
      expect.arrayContaining([
        { event: "upload.accepted", kind: "cv", count: 1, bytes: pdf().length },
        { event: "upload.refused", kind: "cv", reason: "contentMismatch", count: 1 },
        { event: "limit.hit", route: "search-candidates", count: 1 },
        expect.objectContaining({ event: "retention.sweep", complete: true, "deleted.aborted": anyNumber, failed: 0 }),
        expect.objectContaining({ event: "retention.replay", trigger: "nightly" }),
      ]),
    );
    const secrets = [
      c.id,
      c.id.split(".")[1]!,
      c.sub,
      employer.sub,
      employer.id,
      "Marieke",
      "Zonneveld",
      "marieke.zonneveld@example.org",
      "Vrije tekst",
      ok.ticket.uploadId,
      bad.ticket.uploadId,
      pseudonym(c.id),
    ];
    for (const e of events) {
      expect(EVENTS).toContain(e.event);
      for (const [k, v] of Object.entries(e)) {
        expect(k).toMatch(/^[a-zA-Z][a-zA-Z0-9._-]{0,39}$/);
        if (typeof v === "string") expect(v).toMatch(/^[a-zA-Z][a-zA-Z0-9._-]{0,39}$/);
        else expect(["number", "boolean"]).toContain(typeof v);
      }
      for (const s of secrets) expect(JSON.stringify(e)).not.toContain(s);
    }
  });
});

describe("what the alerts read", () => {
  it("when the host samples telemetry, then it never drops traces, where the event lines the alerts count arrive", () => {
    const host = JSON.parse(readFileSync("host.json", "utf8")) as {
      logging: { applicationInsights: { samplingSettings: { excludedTypes: string } } };
    };
    expect(host.logging.applicationInsights.samplingSettings.excludedTypes.split(";")).toEqual(
      expect.arrayContaining(["Request", "Trace"]),
    );
  });
});
