import { CosmosClient } from "@azure/cosmos";
import azureFunctions from "@azure/functions";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import type { CandidateDoc } from "../shared/domain/candidate.js";
import { badRequest } from "../shared/domain/errors.js";
import { asDependencyUnavailable } from "../shared/http/problem.js";
import { pseudonym } from "../shared/services/pseudonym.js";
import { EVENT_PREFIX, withEvents } from "../shared/services/telemetry.js";
import { cleanupUploads } from "../shared/services/uploads.js";
import { startFaultProxy } from "./support/fault-proxy.js";
import { buildAdmin, inviteCandidate, newMunicipality, signedUpCandidate, tokenFor } from "./support/factories.js";
import { jpeg, pdf } from "./support/files.js";
import { call, type Problem, type Response, type Schema } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";
import { testClock, testRuntime } from "./support/runtime.js";

// The app in this file talks to both emulators through fault-injecting proxies; the assertions
// read what is stored straight from the emulators, past the proxies. Other test files are other
// processes, with their own clients: they never see a fault.
const env = inject("testEnv");
const blobOrigin = new URL(/BlobEndpoint=([^;]+);/.exec(env.STORAGE_CONNECTION_STRING!)![1]!).origin;
const cosmosProxy = await startFaultProxy(env.COSMOS_ENDPOINT!, "cosmos");
const blobProxy = await startFaultProxy(blobOrigin, "blob");
// A short budget, so that a hanging dependency shows quickly.
const BUDGET_SECONDS = 3;
testRuntime({
  COSMOS_ENDPOINT: cosmosProxy.url,
  STORAGE_CONNECTION_STRING: env.STORAGE_CONNECTION_STRING!.replace(blobOrigin, blobProxy.url),
  REQUEST_BUDGET_SECONDS: String(BUDGET_SECONDS),
});

const direct = new CosmosClient({
  endpoint: env.COSMOS_ENDPOINT!,
  key: env.COSMOS_KEY!,
  connectionPolicy: { enableEndpointDiscovery: false },
}).database(env.COSMOS_DATABASE!);
const directBlobs = BlobServiceClient.fromConnectionString(env.STORAGE_CONNECTION_STRING!);

afterEach(() => {
  cosmosProxy.heal();
  blobProxy.heal();
});
afterAll(async () => {
  await cosmosProxy.close();
  await blobProxy.close();
});

const stored = async (m: string, id: string) => (await direct.container("candidates").item(id, m).read<CandidateDoc>()).resource;
const auditLines = async (id: string) =>
  (
    await direct
      .container("audit")
      .items.query<{ action: string; fields?: string[] }>({
        query: "SELECT c.action, c.fields FROM c WHERE c.subjectId = @s",
        parameters: [{ name: "@s", value: id }],
      })
      .fetchAll()
  ).resources;
const uploadRecord = async (id: string) =>
  (
    await direct
      .container("uploads")
      .items.query<{ status: string }>({ query: "SELECT * FROM c WHERE c.id = @id", parameters: [{ name: "@id", value: id }] })
      .fetchAll()
  ).resources[0];
const isAuditWrite = (req: { method?: string; url?: string }) => req.method === "POST" && /\/colls\/audit\/docs$/.test(req.url ?? "");

function expectUnavailable(res: Response) {
  expect(res.status, JSON.stringify(res.body)).toBe(503);
  expect(res.headers["content-type"]).toBe("application/problem+json");
  expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(res.body).toMatchObject({ status: 503, title: "Service Unavailable" });
  expect(res.body).toHaveProperty("detail", expect.stringContaining("try again"));
}

describe("which failures mean 'dependency unavailable'", () => {
  it.each([
    ["Cosmos DB 429 after its retries", { code: 429, retryAfterInMs: 1200 }, 2],
    ["Cosmos DB 503", { code: 503 }, 5],
    ["Cosmos DB 408", { code: 408 }, 5],
    ["the Cosmos SDK's request time-out", { name: "TimeoutError", code: "TimeoutError" }, 5],
    ["Blob storage 503 after its retries", { name: "RestError", statusCode: 503 }, 5],
    ["Blob storage 500 after its retries", { name: "RestError", statusCode: 500 }, 5],
    ["a reset connection", { name: "RestError", code: "ECONNRESET" }, 5],
    ["a refused connection", { name: "RestError", code: "ECONNREFUSED" }, 5],
    ["a call cut off by its deadline", { name: "AbortError" }, 5],
  ])("when %s, then 503 with Retry-After %i", (_, failure, seconds) => {
    const mapped = asDependencyUnavailable(Object.assign(new Error("x"), failure));
    expect(mapped).toMatchObject({ status: 503, headers: { "Retry-After": String(seconds) } });
  });

  it.each([
    ["a bug", new TypeError("x is undefined")],
    ["a client's mistake", badRequest("the request body is not valid")],
    ["a Blob storage 404 nobody handled", Object.assign(new Error("x"), { name: "RestError", statusCode: 404 })],
    ["a Cosmos DB 409 nobody handled", Object.assign(new Error("x"), { code: 409 })],
  ])("when %s, then it is not", (_, failure) => {
    expect(asDependencyUnavailable(failure)).toBeUndefined();
  });
});

describe("Cosmos DB faults", () => {
  it("when throttling outlasts the SDK's retries, then 503 with Retry-After; when the retries absorb it, then 200", async () => {
    const c = await inviteCandidate(newMunicipality());
    cosmosProxy.set({ rate: 1, faults: ["throttle"], retryAfterMs: 20 });

    const throttled = await call("GET", `/api/candidates/${c.id}`, { token: c.coach });

    expectUnavailable(throttled);
    expect(cosmosProxy.stats.throttle).toBeGreaterThanOrEqual(6); // the first try and 5 retries
    cosmosProxy.set({ rate: 1, faults: ["throttle"], limit: 3 });
    expect((await call("GET", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(200);
  });

  it.each([["unavailable"], ["reset"]] as const)(
    "when every request meets %s, then reads and writes answer 503, and nothing changed",
    async (fault) => {
      const m = newMunicipality();
      const c = await inviteCandidate(m);
      const before = await stored(m, c.id);
      cosmosProxy.set({ rate: 1, faults: [fault] });

      const read = await call("GET", `/api/candidates/${c.id}`, { token: c.coach });
      const write = await call("PATCH", `/api/candidates/${c.id}`, { token: c.coach, body: { admin: { caseManager: "Nieuw" } } });

      expectUnavailable(read);
      expectUnavailable(write);
      cosmosProxy.heal();
      expect(await stored(m, c.id)).toEqual(before);
    },
  );

  it("when Cosmos DB hangs, then the request answers 503 within its budget instead of waiting for the platform to kill it", async () => {
    const c = await inviteCandidate(newMunicipality());
    cosmosProxy.set({ rate: 1, faults: ["hang"] });
    const started = Date.now();

    const res = await call<Problem>("GET", `/api/candidates/${c.id}`, { token: c.coach });

    expectUnavailable(res);
    expect(res.body.detail).toContain("ran out of time");
    expect(Date.now() - started).toBeGreaterThanOrEqual(BUDGET_SECONDS * 1000 - 50);
    expect(Date.now() - started).toBeLessThan(BUDGET_SECONDS * 1000 + 1500);
  });

  it("when added latency stays inside the budget, then the answer is just slower", async () => {
    const c = await inviteCandidate(newMunicipality());
    cosmosProxy.set({ rate: 1, faults: ["latency"], latencyMs: 100 });

    const res = await call("GET", `/api/candidates/${c.id}`, { token: c.coach });

    expect(res.status).toBe(200);
    expect(cosmosProxy.stats.latency).toBeGreaterThan(0);
  });
});

describe("a change and its usage-log line", () => {
  it("when the data write succeeds and the audit write fails, then the change is taken back and the answer is 503", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const before = await stored(m, c.id);
    const linesBefore = await auditLines(c.id);
    cosmosProxy.set({ rate: 1, faults: ["unavailable"], match: isAuditWrite });

    const res = await call("PATCH", "/api/me/profile", { token: c.token, body: { profile: { skills: ["metselen"] } } });

    expectUnavailable(res);
    expect(cosmosProxy.stats.unavailable).toBeGreaterThanOrEqual(2); // the line was tried again before giving up
    cosmosProxy.heal();
    const after = await stored(m, c.id);
    const { _etag: _a, _ts: _b, ...restored } = after!;
    const { _etag: _c, _ts: _d, ...original } = before!;
    expect(restored).toEqual(original);
    expect(await auditLines(c.id)).toEqual(linesBefore);
  });

  it("when the audit write fails once, then the one more try records it and the change stands", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    cosmosProxy.set({ rate: 1, faults: ["unavailable"], match: isAuditWrite, limit: 1 });

    const res = await call("PATCH", "/api/me/profile", { token: c.token, body: { profile: { skills: ["metselen"] } } });

    expect(res.status).toBe(200);
    expect((await stored(m, c.id))!.profile.skills).toEqual(["metselen"]);
    expect(await auditLines(c.id)).toContainEqual({ action: "update", fields: ["profile.skills"] });
  });

  it("when a new record is stored and its usage-log line is not, then 503, no record and no invitation remain, and a retry makes one", async () => {
    const m = newMunicipality();
    const coach = await tokenFor("coach", m);
    const admin = buildAdmin();
    cosmosProxy.set({ rate: 1, faults: ["unavailable"], match: isAuditWrite });

    const res = await call("POST", "/api/candidates", { token: coach, body: { admin } });

    expectUnavailable(res);
    cosmosProxy.heal();
    const inMunicipality = async (container: string) =>
      (
        await direct
          .container(container)
          .items.query<{ id: string }>({ query: "SELECT c.id FROM c WHERE c.municipalityId = @m", parameters: [{ name: "@m", value: m }] })
          .fetchAll()
      ).resources;
    expect(await inMunicipality("candidates")).toEqual([]);
    expect(await inMunicipality("invitations")).toEqual([]);
    const retried = await call<Schema<"CandidateCreated">>("POST", "/api/candidates", { token: coach, body: { admin } });
    expect(retried.status).toBe(201);
    expect(await inMunicipality("candidates")).toEqual([{ id: retried.body.id }]);
  });
});

describe("Blob storage faults", () => {
  it("when Blob storage hiccups (a 503, then a reset), then complete retries and attaches the file", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    blobProxy.set({ rate: 1, faults: ["unavailable", "reset"], limit: 2 });

    const res = await complete(c.token, ticket.uploadId);

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.files.cv).toMatchObject({ uploadId: ticket.uploadId, contentType: "application/pdf" });
    expect(blobProxy.stats).toMatchObject({ unavailable: 1, reset: 1 });
  });

  it("when Blob storage stays down, then complete answers 503 and the upload can be completed once it is back", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    blobProxy.set({ rate: 1, faults: ["unavailable"] });

    const down = await complete(c.token, ticket.uploadId);

    expectUnavailable(down);
    blobProxy.heal();
    const again = await complete(c.token, ticket.uploadId);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  });

  it("when Blob storage hangs, then removing a file answers 503 within the budget and the file stays", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    expect((await complete(c.token, ticket.uploadId)).status).toBe(200);
    blobProxy.set({ rate: 1, faults: ["hang"] });
    const started = Date.now();

    const res = await call("DELETE", "/api/me/files/cv", { token: c.token });

    expectUnavailable(res);
    expect(Date.now() - started).toBeLessThan(BUDGET_SECONDS * 1000 + 1500);
    blobProxy.heal();
    expect((await stored(m, c.id))!.files.cv!.uploadId).toBe(ticket.uploadId);
    expect(await directBlobs.getContainerClient("candidate-files").getBlobClient(`${m}/${c.id}/cv/${ticket.uploadId}`).exists()).toBe(true);
  });

  it("when Blob storage refuses to delete one upload, then the cleanup logs each failure by name and code without ids, and still removes the others", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const stuck = await upload(c.token, "cv", "application/pdf", pdf());
    const abandoned = await upload(c.token, "photo", "image/jpeg", jpeg());
    blobProxy.set({
      rate: 1,
      faults: ["unavailable"],
      match: (req) => req.method === "DELETE" && (req.url ?? "").includes(stuck.ticket.uploadId),
    });
    const lines: string[] = [];
    const context = new azureFunctions.InvocationContext({
      functionName: "uploadsCleanup",
      logHandler: (_level, ...args) => void lines.push(args.join(" ")),
    });
    testClock.set(() => new Date(Date.now() + 2 * 86_400_000));

    const summary = await withEvents(context, () => cleanupUploads({ municipalityId: m }));

    // The record pass and the stale-blob pass each tried the stuck blob once; both are said, the rest went on.
    expect(summary).toMatchObject({ records: 1, failed: 2 });
    expect(lines).toEqual(
      ["upload", "staleBlob"].map(
        (step) => `${EVENT_PREFIX}{"event":"upload.cleanupFailed","step":"${step}","error":"RestError","code":"ServerBusy","count":1}`,
      ),
    );
    expect(await uploadRecord(abandoned.ticket.uploadId)).toBeUndefined();
    expect(await uploadRecord(stuck.ticket.uploadId)).toMatchObject({ status: "pending" }); // tried again next hour
    const uploads = directBlobs.getContainerClient("candidate-uploads");
    expect(await uploads.getBlobClient(`${m}/${c.id}/photo/${abandoned.ticket.uploadId}`).exists()).toBe(false);
    expect(await uploads.getBlobClient(`${m}/${c.id}/cv/${stuck.ticket.uploadId}`).exists()).toBe(true);
  });
});

describe("the retention sweep under faults", () => {
  it("when faults interrupt it, then run after run it finishes with exactly the due candidates deleted, each once", async () => {
    const m = newMunicipality();
    const admin = await tokenFor("admin", m);
    const end = (coach: string, id: string, endedOn: string, reason: string) =>
      call("POST", `/api/candidates/${id}/service-end`, { token: coach, body: { endedOn, reason } });
    const due: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await signedUpCandidate(m);
      if (i < 2) {
        const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
        expect((await complete(c.token, ticket.uploadId)).status).toBe(200);
      }
      await end(c.coach, c.id, "2020-01-01", "aborted");
      due.push(c.id);
    }
    const kept: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await inviteCandidate(m);
      await end(c.coach, c.id, "2026-01-01", "completed");
      kept.push(c.id);
    }
    const keptBefore = await Promise.all(kept.map((id) => stored(m, id)));
    testClock.set(() => new Date(Date.now() + 31 * 86_400_000)); // past the notice an old end gets
    const faults = { rate: 0.15, faults: ["unavailable", "reset", "lostAnswer", "throttle"] as const };
    cosmosProxy.set({ ...faults, faults: [...faults.faults] });
    blobProxy.set({ ...faults, faults: ["unavailable", "reset", "lostAnswer"] });

    const runs: Response<Schema<"RetentionRun">>[] = [];
    for (let i = 0; i < 40; i++) {
      const run = await call<Schema<"RetentionRun">>("POST", "/api/admin/retention/run", { token: admin, body: { dryRun: false } });
      runs.push(run);
      if (run.status === 200 && run.body.complete && run.body.municipalities[m]!.failed === 0) break;
      expect([200, 503], JSON.stringify(run.body)).toContain(run.status);
    }

    cosmosProxy.heal();
    blobProxy.heal();
    const last = runs.at(-1)!;
    expect(runs.length, "the faults interrupted at least one run").toBeGreaterThan(1);
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ complete: true, municipalities: { [m]: { failed: 0 } } });
    expect(cosmosProxy.stats.unavailable + cosmosProxy.stats.reset + cosmosProxy.stats.lostAnswer).toBeGreaterThan(0);
    // The clean expectation: the due ones gone with all they had, the others untouched.
    for (const id of due) {
      expect(await stored(m, id)).toBeUndefined();
      expect(await auditLines(id)).toEqual([]);
    }
    expect(await Promise.all(kept.map((id) => stored(m, id)))).toEqual(keptBefore);
    const files: string[] = [];
    for await (const b of directBlobs.getContainerClient("candidate-files").listBlobsFlat({ prefix: `${m}/` })) files.push(b.name);
    expect(files).toEqual([]);
    // One deletion record and one journal entry a due candidate: none twice, none for another.
    const year = new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 4);
    const subjectId = `deletions:${m}:${year}`;
    const { resources: records } = await direct
      .container("audit")
      .items.query<{ pseudonym: string }>({
        query: "SELECT c.pseudonym FROM c WHERE c.subjectId = @s",
        parameters: [{ name: "@s", value: subjectId }],
      })
      .fetchAll();
    expect(records.map((r) => r.pseudonym).sort()).toEqual(due.map(pseudonym).sort());
    const journal: string[] = [];
    for await (const b of directBlobs.getContainerClient("deletion-journal").listBlobsFlat())
      if (b.name.includes(`/${m}/`)) journal.push(b.name.split("/")[2]!);
    expect(journal.sort()).toEqual(due.map(pseudonym).sort());
    // And a run now finds nothing more to do.
    const after = await call<Schema<"RetentionRun">>("POST", "/api/admin/retention/run", { token: admin, body: { dryRun: false } });
    expect(after.body.municipalities[m]).toMatchObject({ candidates: {}, failed: 0 });
  }, 120_000);
});
