// `npm run bench`: GET and PATCH of a candidate through the handler, next to the raw SDK calls
// they stand for, on the same Cosmos emulator. Prints median/p95 latency and round trips.
import { startEmulators } from "../../dev/emulators.js";

const N = Number(process.env.BENCH_ITERATIONS ?? 500);
const WARMUP = 30;

const emulators = await startEmulators();
Object.assign(process.env, emulators.env, {
  AUTH_LOCAL_ISSUER: "true",
  LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json",
  // A coach's 530 reads in well under a minute: counted (`counters` below), never refused.
  VIEW_LIMIT_STAFF_PAGES_PER_MINUTE: "100000",
});
// As the Functions worker does before it loads the app, so the handlers register and `call` finds them.
(await import("../../dev/worker.js")).actAsWorker();
const { provisionDatabase, container } = await import("../../shared/data/cosmos.js");
const { provisionStorage } = await import("../../shared/storage/blob.js");
await provisionDatabase();
await provisionStorage();
const { call } = await import("../support/http.js");
const { signedUpCandidate } = await import("../support/factories.js");

const m = "bench";
const subject = await signedUpCandidate(m);
const candidates = container("candidates");

interface Figures {
  median: number;
  p95: number;
  roundTrips: Record<string, number>;
}

async function measure(run: (i: number) => Promise<unknown>): Promise<Figures> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const before = await emulators.cosmosRequests();
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  const after = await emulators.cosmosRequests();
  times.sort((a, b) => a - b);
  const roundTrips: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const delta = (v - (before[k] ?? 0)) / N;
    if (delta > 0) roundTrips[k] = delta;
  }
  return { median: times[Math.floor(N / 2)]!, p95: times[Math.floor(N * 0.95)]!, roundTrips };
}

const ok = (status: number, expected: number) => {
  if (status !== expected) throw new Error(`expected ${expected}, got ${status}`);
};

const rows: [string, Figures][] = [];
rows.push(["raw SDK point read", await measure(() => candidates.item(subject.id, m).read())]);
const audit = container("audit");
rows.push(["raw SDK point read ‖ audit create", await measure(() => Promise.all([candidates.item(subject.id, m).read(), audit.items.create({ id: crypto.randomUUID(), subjectId: subject.id, at: new Date().toISOString() })]))]);
rows.push(["handler GET /health (no I/O)", await measure(async () => ok((await call("GET", "/api/health")).status, 200))]);
rows.push([
  "handler GET /candidates/{id} (coach)",
  await measure(async () => ok((await call("GET", `/api/candidates/${subject.id}`, { token: subject.coach })).status, 200)),
]);
rows.push(["handler GET /me/profile (candidate)", await measure(async () => ok((await call("GET", "/api/me/profile", { token: subject.token })).status, 200))]);
rows.push([
  "raw SDK read + replace (If-Match)",
  await measure(async (i) => {
    const { resource, etag } = await candidates.item(subject.id, m).read();
    resource.admin.caseManager = `raw ${i}`;
    await candidates.item(subject.id, m).replace(resource, { accessCondition: { type: "IfMatch", condition: etag } });
  }),
]);
rows.push([
  "raw SDK read + (replace ‖ audit create)",
  await measure(async (i) => {
    const { resource, etag } = await candidates.item(subject.id, m).read();
    resource.admin.caseManager = `raw ${i}`;
    await Promise.all([
      candidates.item(subject.id, m).replace(resource, { accessCondition: { type: "IfMatch", condition: etag } }),
      audit.items.create({ id: crypto.randomUUID(), subjectId: subject.id, at: new Date().toISOString() }),
    ]);
  }),
]);
rows.push([
  "handler PATCH /candidates/{id} (coach)",
  await measure(async (i) =>
    ok((await call("PATCH", `/api/candidates/${subject.id}`, { token: subject.coach, body: { admin: { caseManager: `h ${i}` } } })).status, 200),
  ),
]);
rows.push([
  "handler PATCH /me/profile (candidate)",
  await measure(async (i) => ok((await call("PATCH", "/api/me/profile", { token: subject.token, body: { profile: { residence: `r ${i}` } } })).status, 200)),
]);

const fmt = (n: number) => n.toFixed(2).padStart(7);
console.log(`\n${N} sequential requests each, after ${WARMUP} warm-up; Cosmos emulator in its own process, keep-alive.\n`);
console.log(`${"".padEnd(40)} median ms    p95 ms   round trips per request (by container)`);
for (const [name, f] of rows) {
  const trips = Object.entries(f.roundTrips).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ");
  console.log(`${name.padEnd(40)} ${fmt(f.median)}   ${fmt(f.p95)}   ${trips}`);
}
const median = (name: string) => rows.find(([n]) => n === name)![1].median;
const ratio = (a: string, b: string) => `${(median(a) / median(b)).toFixed(2)}x`;
console.log(`
handler GET /candidates/{id} vs raw point read:            ${ratio("handler GET /candidates/{id} (coach)", "raw SDK point read")}
  … vs raw point read with the audit write alongside:       ${ratio("handler GET /candidates/{id} (coach)", "raw SDK point read ‖ audit create")}
handler PATCH /candidates/{id} vs raw read + replace:       ${ratio("handler PATCH /candidates/{id} (coach)", "raw SDK read + replace (If-Match)")}
  … vs raw read + replace with the audit write alongside:   ${ratio("handler PATCH /candidates/{id} (coach)", "raw SDK read + (replace ‖ audit create)")}`);
await emulators.stop();
process.exit(0);
