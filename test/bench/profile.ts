// `npm run bench`: GET and PATCH of a candidate through the handler, next to the raw SDK calls
// they stand for, the PATCH's service function alone and its HTTP layer alone, on the same Cosmos
// emulator, taking turns. Prints median/p95 latency and round trips.
import { startEmulators } from "../../dev/emulators.js";
import type { CandidateDoc } from "../../shared/domain/candidate.js";

const N = Number(process.env.BENCH_ITERATIONS ?? 500);
const WARMUP = 30;

const emulators = await startEmulators();
Object.assign(process.env, emulators.env, {
  AUTH_LOCAL_ISSUER: "true",
  LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json",
  // A coach's 600 or so reads in well under a minute: counted (`counters` below), never refused.
  VIEW_LIMIT_STAFF_PAGES_PER_MINUTE: "100000",
});
// As the Functions worker does before it loads the app, so the handlers register and `call` finds them.
(await import("../../dev/worker.js")).actAsWorker();
const { provisionDatabase, container } = await import("../../shared/data/cosmos.js");
const { provisionStorage } = await import("../../shared/storage/blob.js");
await provisionDatabase();
await provisionStorage();
const { invocation } = await import("../support/http.js");
const { checkAnswer } = await import("../support/contract.js");
const { route, registeredRoutes } = await import("../../shared/http/routes.js");
const { versioned } = await import("../../shared/http/reply.js");
const { updateCandidateAdmin } = await import("../../shared/services/candidates.js");

// The PATCH's HTTP layer alone (token, path, body, deadline, answer): the same route, in this
// process only (registered before any answer is checked, so the document has it), its service
// answered from memory with a view read once. Timed between the other kinds' I/O, as in
// production, and back to back (after the table).
const layer: { stored?: Awaited<ReturnType<typeof updateCandidateAdmin>> } = {};
const patchRoute = registeredRoutes.find((r) => r.spec.name === "candidates-update")!.spec;
route({ ...patchRoute, name: "bench-patch-layer", path: "bench/candidates/{id}", handler: () => versioned(layer.stored!) });
const { signedUpCandidate } = await import("../support/factories.js");
const { authenticate } = await import("../../shared/auth/verify.js");

const m = "bench";
const subject = await signedUpCandidate(m);
const candidates = container("candidates");
const audit = container("audit");
const coach = await authenticate(`Bearer ${subject.coach}`, "203.0.113.7");
layer.stored = await updateCandidateAdmin(coach, subject.id, { caseManager: "layer" }, undefined);

const layerOnly = (i: number) =>
  invocation("PATCH", `/api/bench/candidates/${subject.id}`, { token: subject.coach, body: { admin: { caseManager: `l ${i}` } } });

interface Figures {
  median: number;
  p95: number;
  roundTrips: Record<string, number>;
}

type Invocation = ReturnType<typeof invocation>;
/**
 * A request through the handler, as the host invokes it: the request object is made before the
 * timing (by the host, before it calls the function), the answers are checked after it (`check`).
 */
const handler = (expected: number, prepare: (i: number) => Invocation) => ({ expected, prepare });
type Kind = ((i: number) => Promise<unknown>) | ReturnType<typeof handler>;

const kinds: [string, Kind][] = [
  ["raw SDK point read", () => candidates.item(subject.id, m).read()],
  [
    "raw SDK point read ‖ audit create",
    () =>
      Promise.all([
        candidates.item(subject.id, m).read(),
        audit.items.create({ id: crypto.randomUUID(), subjectId: subject.id, at: new Date().toISOString() }),
      ]),
  ],
  ["handler GET /health (no I/O)", handler(200, () => invocation("GET", "/api/health"))],
  [
    "handler GET /candidates/{id} (coach)",
    handler(200, () => invocation("GET", `/api/candidates/${subject.id}`, { token: subject.coach })),
  ],
  ["handler GET /me/profile (candidate)", handler(200, () => invocation("GET", "/api/me/profile", { token: subject.token }))],
  [
    "raw SDK read + replace (If-Match)",
    async (i) => {
      const { resource, etag } = await candidates.item(subject.id, m).read<CandidateDoc>();
      if (!resource) throw new Error("the bench's candidate is gone");
      resource.admin.caseManager = `raw ${i}`;
      await candidates.item(subject.id, m).replace(resource, { accessCondition: { type: "IfMatch", condition: etag } });
    },
  ],
  [
    "raw SDK read + (replace ‖ audit create)",
    async (i) => {
      const { resource, etag } = await candidates.item(subject.id, m).read<CandidateDoc>();
      if (!resource) throw new Error("the bench's candidate is gone");
      resource.admin.caseManager = `raw ${i}`;
      await Promise.all([
        candidates.item(subject.id, m).replace(resource, { accessCondition: { type: "IfMatch", condition: etag } }),
        audit.items.create({ id: crypto.randomUUID(), subjectId: subject.id, at: new Date().toISOString() }),
      ]);
    },
  ],
  [
    "handler PATCH /candidates/{id} (coach)",
    handler(200, (i) =>
      invocation("PATCH", `/api/candidates/${subject.id}`, { token: subject.coach, body: { admin: { caseManager: `h ${i}` } } }),
    ),
  ],
  // The same change without the HTTP layer (request object, token, body parsing, deadline, answer): where the rest goes.
  ["service updateCandidateAdmin (no HTTP)", (i) => updateCandidateAdmin(coach, subject.id, { caseManager: `s ${i}` }, undefined)],
  ["HTTP layer of that PATCH, no I/O", handler(200, layerOnly)],
  [
    "handler PATCH /me/profile (candidate)",
    handler(200, (i) => invocation("PATCH", "/api/me/profile", { token: subject.token, body: { profile: { residence: `r ${i}` } } })),
  ],
];

const answers: { operationId: string; answer: Awaited<ReturnType<Invocation["run"]>> }[] = [];
/** One request of a kind; `timed` wraps only what the timing covers. */
async function run(kind: Kind, i: number, timed: (work: () => Promise<unknown>) => Promise<unknown> = (work) => work()): Promise<void> {
  if (typeof kind === "function") {
    await timed(() => kind(i));
    return;
  }
  const { operationId, run: invoke } = kind.prepare(i);
  await timed(async () => answers.push({ operationId, answer: await invoke() }));
}
/** Every answer had the expected status and conforms to the OpenAPI document (checked outside the timing). */
function check(kind: Kind): void {
  if (typeof kind === "function") return;
  for (const { operationId, answer } of answers.splice(0)) {
    if (answer.status !== kind.expected) throw new Error(`${operationId}: expected ${kind.expected}, got ${answer.status} ${answer.text}`);
    checkAnswer(operationId, answer);
  }
}

/** Round trips: a pass of each kind on its own, as the emulator counts requests per container, not per caller. */
async function roundTrips(kind: Kind): Promise<Record<string, number>> {
  const passes = 50;
  const before = await emulators.cosmosRequests();
  for (let i = 0; i < passes; i++) await run(kind, i);
  check(kind);
  const after = await emulators.cosmosRequests();
  const trips: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) trips[k] = (v - (before[k] ?? 0)) / passes;
  return trips;
}

const trips = new Map<string, Record<string, number>>();
for (const [name, kind] of kinds) trips.set(name, await roundTrips(kind));
for (let i = 0; i < WARMUP; i++) for (const [, kind] of kinds) await run(kind, i);
for (const [, kind] of kinds) check(kind);
// Latency: the kinds take turns, one request each a round, so a busy moment of the shared machine falls on all alike.
const times = new Map<string, number[]>(kinds.map(([name]) => [name, []]));
for (let i = 0; i < N; i++) {
  for (const [name, kind] of kinds) {
    await run(kind, i, async (work) => {
      const t = performance.now();
      await work();
      times.get(name)!.push(performance.now() - t);
    });
    check(kind);
  }
}
const rows: [string, Figures][] = kinds.map(([name]) => {
  const sorted = times.get(name)!.sort((a, b) => a - b);
  return [name, { median: sorted[Math.floor(N / 2)]!, p95: sorted[Math.floor(N * 0.95)]!, roundTrips: trips.get(name)! }];
});

// The layer again, back to back: what its code costs when nothing else runs between calls.
const backToBack: number[] = [];
for (let i = 0; i < N; i++) {
  const { operationId, run: invoke } = layerOnly(i);
  const t = performance.now();
  answers.push({ operationId, answer: await invoke() });
  backToBack.push(performance.now() - t);
}
check(handler(200, layerOnly));
backToBack.sort((a, b) => a - b);

const fmt = (n: number) => n.toFixed(2).padStart(7);
console.log(
  `\n${N} requests of each kind, taking turns, after ${WARMUP} warm-up rounds; handlers invoked as the host does, answers checked\nagainst the OpenAPI document outside the timing; Cosmos emulator in its own process, keep-alive.\n`,
);
console.log(`${"".padEnd(40)} median ms    p95 ms   round trips per request (by container)`);
for (const [name, f] of rows) {
  const trips = Object.entries(f.roundTrips)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ");
  console.log(`${name.padEnd(40)} ${fmt(f.median)}   ${fmt(f.p95)}   ${trips}`);
}
const median = (name: string) => rows.find(([n]) => n === name)![1].median;
const ratio = (a: string, b: string) => `${(median(a) / median(b)).toFixed(2)}x`;
console.log(`
handler GET /candidates/{id} vs raw point read:            ${ratio("handler GET /candidates/{id} (coach)", "raw SDK point read")}
  … vs raw point read with the audit write alongside:       ${ratio("handler GET /candidates/{id} (coach)", "raw SDK point read ‖ audit create")}
handler PATCH /candidates/{id} vs raw read + replace:       ${ratio("handler PATCH /candidates/{id} (coach)", "raw SDK read + replace (If-Match)")}
  … vs raw read + replace with the audit write alongside:   ${ratio("handler PATCH /candidates/{id} (coach)", "raw SDK read + (replace ‖ audit create)")}
  the service alone vs the same:                            ${ratio("service updateCandidateAdmin (no HTTP)", "raw SDK read + (replace ‖ audit create)")}
HTTP layer of the PATCH, no I/O: ${median("HTTP layer of that PATCH, no I/O").toFixed(3)} ms between the other kinds' I/O, ${backToBack[Math.floor(N / 2)]!.toFixed(3)} ms back to back`);
await emulators.stop();
process.exit(0);
