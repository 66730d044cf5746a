import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalHost } from "../dev/host.js";
import { actAsWorker, httpFunctions, WORKER_MODULES, type Binding } from "../dev/worker.js";
import { registeredRoutes } from "../shared/http/routes.js";
import { registeredTimers } from "../shared/http/timers.js";
import { checkAnswer, fetchChecked } from "./support/contract.js";
import { stagePackage } from "./support/deployment-package.js";
import { signedUpCandidate, newMunicipality } from "./support/factories.js";
import type { Schema } from "./support/http.js";

// What the Node worker receives from the deployment package, seen through the stand-in core
// module: the package's files alone in a folder (no node_modules), its package.json `main` loaded
// by a fresh `node` process with the stand-in on NODE_PATH, and nothing else of ours.
const LOADER = fileURLToPath(new URL("./support/load-built-app.mjs", import.meta.url));

interface Loaded {
  programmingModel: string;
  functions: { name: string; bindings: Record<string, Binding> }[];
  responses: { status: number; headers: Record<string, string>; body: string | null }[];
}

interface BuiltRequest {
  function: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  body?: string;
}

let main: string;
let staged: string;

async function loadBuilt(requests: BuiltRequest[] = []): Promise<Loaded> {
  const { stdout } = await promisify(execFile)(process.execPath, [LOADER, main, JSON.stringify(requests)], {
    env: { ...process.env, NODE_PATH: WORKER_MODULES },
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Loaded;
}

const trigger = (f: Loaded["functions"][number]) => Object.values(f.bindings).find((b) => b.direction === "in")!;

let host: Server;
let api: string;

beforeAll(async () => {
  ({ dir: staged, main } = stagePackage());
  host = createLocalHost(httpFunctions(actAsWorker().functions));
  await new Promise<void>((r) => host.listen(0, "127.0.0.1", r));
  api = `http://127.0.0.1:${(host.address() as AddressInfo).port}/api`;
});
afterAll(async () => {
  await new Promise((r) => host.close(r));
  rmSync(staged, { recursive: true, force: true });
});

describe("the deployment package as the Node worker loads it", () => {
  it("when loaded with only the worker's core module at hand, then it sets the v4 programming model and registers every route and timer", async () => {
    const built = await loadBuilt();

    expect(built.programmingModel).toBe("@azure/functions");
    const http = built.functions.filter((f) => trigger(f).type === "httpTrigger");
    expect(http.map((f) => ({ name: f.name, ...pick(trigger(f)) })).sort(byName)).toEqual(
      registeredRoutes
        .map(({ spec }) => ({ name: spec.name, route: spec.path, methods: [spec.method], authLevel: "anonymous" }))
        .sort(byName),
    );
    const timers = built.functions.filter((f) => trigger(f).type === "timerTrigger");
    expect(timers.map((f) => ({ name: f.name, schedule: trigger(f).schedule })).sort(byName)).toEqual([
      { name: "outboxDrain", schedule: "0 */2 * * * *" }, // every two minutes
      { name: "retentionSweep", schedule: "0 0 2 * * *" }, // 02:00 UTC nightly
      { name: "savedSearchDigests", schedule: "0 30 5 * * *" }, // 05:30 UTC nightly
      { name: "tipsWeekly", schedule: "0 0 9 * * 1" }, // Mondays, 09:00 UTC
      { name: "uploadsCleanup", schedule: "0 15 * * * *" }, // hourly, at a quarter past
      { name: "vacancyAlertsWeekly", schedule: "0 30 8 * * 1" }, // Mondays, 08:30 UTC
    ]);
    expect(timers.map((f) => f.name).sort()).toEqual(registeredTimers.map((t) => t.name).sort());
    expect(built.functions).toHaveLength(registeredRoutes.length + registeredTimers.length);
  });

  it("when a registered handler is invoked with an HttpRequest, then it answers as the local host does, on the real emulators", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const viaHost = await fetchChecked(`${api}/candidates/${c.id}`, { headers: { authorization: `Bearer ${c.coach}` } });
    const started = await fetchChecked(`${api}/me/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
      body: JSON.stringify({ kind: "cv", contentType: "application/pdf", size: 1000, fileName: "cv.pdf" }),
    });

    const built = await loadBuilt([
      {
        function: "candidates-get",
        method: "GET",
        url: `http://localhost/api/candidates/${c.id}`,
        params: { id: c.id },
        headers: { authorization: `Bearer ${c.coach}` },
      },
      {
        function: "me-uploads-start",
        method: "POST",
        url: "http://localhost/api/me/uploads",
        headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
        body: JSON.stringify({ kind: "cv", contentType: "application/pdf", size: 1000, fileName: "cv.pdf" }),
      },
    ]);

    const [read, upload] = built.responses;
    // What the built bundle answers is held to the OpenAPI document too.
    for (const [name, r] of [
      ["candidates-get", read!],
      ["me-uploads-start", upload!],
    ] as const) {
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
      checkAnswer(name, { status: r.status, headers, text: r.body ?? "" });
    }
    expect(read!.status).toBe(viaHost.status);
    expect(read!.status).toBe(200);
    expect(JSON.parse(read!.body!)).toEqual(await viaHost.json());
    expect(read!.headers.ETag).toBe(viaHost.headers.get("etag"));
    for (const name of ["Content-Type", "Cache-Control", "Access-Control-Expose-Headers", "X-Content-Type-Options"]) {
      expect(read!.headers[name], name).toBe(viaHost.headers.get(name));
    }
    // Blob storage is loaded on first use: the bundle's lazily loaded SDK chunk works too.
    expect(upload!.status).toBe(started.status);
    expect(upload!.status).toBe(201);
    expect(Object.keys(JSON.parse(upload!.body!) as object).sort()).toEqual(Object.keys((await started.json()) as object).sort());
    expect((JSON.parse(upload!.body!) as Schema<"UploadTicket">).uploadUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/candidate-uploads\/.+\?.*sig=/,
    );
  });
});

const pick = (b: Binding) => ({ route: b.route, methods: b.methods, authLevel: b.authLevel });
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
