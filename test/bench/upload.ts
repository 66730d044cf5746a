// `npm run bench:upload`: a 200 MB video through the whole flow (start, client upload straight to
// Azurite, complete). Prints the function process's peak memory and the bytes functions read
// (counted by a proxy between the app and Azurite during `complete`).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulators } from "../../dev/emulators.js";
import type { Schema } from "../support/http.js";

const SIZE = Number(process.env.BENCH_UPLOAD_MB ?? 200) * 1024 * 1024;

const emulators = await startEmulators();
Object.assign(process.env, emulators.env, { AUTH_LOCAL_ISSUER: "true", LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json" });
const { provisionDatabase } = await import("../../shared/data/cosmos.js");
const { provisionStorage } = await import("../../shared/storage/blob.js");
const { createRuntime, useRuntime } = await import("../../shared/runtime.js");
const { startFaultProxy } = await import("../support/fault-proxy.js");
await provisionDatabase();
await provisionStorage();
// Before the app is imported: its routes register with the worker stand-in, as in the tests.
(await import("../../dev/worker.js")).actAsWorker();
const { signedUpCandidate } = await import("../support/factories.js");
const { call } = await import("../support/http.js");
const c = await signedUpCandidate("bench");

global.gc?.();
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakHeap = baseline.heapUsed;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 5);
const t0 = performance.now();

const start = await call<Schema<"UploadTicket">>("POST", "/api/me/uploads", {
  token: c.token,
  body: { kind: "video", contentType: "video/mp4", size: SIZE, fileName: "pitch.mp4" },
});
if (start.status !== 201) throw new Error(`start: ${start.status} ${JSON.stringify(start.body)}`);
const t1 = performance.now();
const client = spawn(
  process.execPath,
  ["--import", "tsx", fileURLToPath(new URL("./upload-client.ts", import.meta.url)), start.body.uploadUrl, String(SIZE), "video/mp4"],
  { stdio: "inherit" },
);
const code = await new Promise<number | null>((r) => client.once("exit", r));
if (code !== 0) throw new Error(`client upload failed (${code})`);
const t2 = performance.now();
const storage = process.env.STORAGE_CONNECTION_STRING!;
const origin = new URL(/BlobEndpoint=([^;]+);/.exec(storage)![1]!).origin;
const counting = await startFaultProxy(origin, "blob");
useRuntime(createRuntime({ ...process.env, STORAGE_CONNECTION_STRING: storage.replace(origin, counting.url) }));
const done = await call<Schema<"CandidateOwnView">>("POST", `/api/me/uploads/${start.body.uploadId}/complete`, { token: c.token });
if (done.status !== 200) throw new Error(`complete: ${done.status} ${JSON.stringify(done.body)}`);
const t3 = performance.now();
clearInterval(sampler);

console.log(`
${mb(SIZE)} video, uploaded by a separate client process in 4 MB blocks straight to Azurite

function process  rss: baseline ${mb(baseline.rss)}, peak ${mb(peakRss)} (+${mb(peakRss - baseline.rss)})
                  heap used: baseline ${mb(baseline.heapUsed)}, peak ${mb(peakHeap)} (+${mb(peakHeap - baseline.heapUsed)})
bytes the functions read from the blob: ${counting.answeredBytes} (of ${SIZE})
POST /me/uploads ${(t1 - t0).toFixed(0)} ms, client upload ${((t2 - t1) / 1000).toFixed(1)} s, POST …/complete ${(t3 - t2).toFixed(0)} ms
attached: ${JSON.stringify(done.body.files.video)}`);
await emulators.stop();
process.exit(0);
