// `npm run bench:search`: seeds 4 municipalities with a few thousand candidates, then times
// typical employer and account-manager searches through the handler against the same query
// through the raw SDK: median/p95 per page, Cosmos round trips per page, bytes per item.
import { randomUUID } from "node:crypto";
import { startEmulators } from "../../dev/emulators.js";

const PER_MUNICIPALITY = Number(process.env.BENCH_CANDIDATES ?? 750);
const N = Number(process.env.BENCH_ITERATIONS ?? 60);
const PAGE = 20;
const MUNICIPALITIES = ["den-haag", "rotterdam", "amsterdam", "utrecht"];
const SKILLS = ["lassen", "heftruck", "koken", "schoonmaken", "kassa", "orderpicken", "klantcontact", "timmeren"];

const emulators = await startEmulators();
Object.assign(process.env, emulators.env, {
  AUTH_LOCAL_ISSUER: "true",
  LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json",
  // The viewing limits are counted as usual (one patch per page, shown below as `counters`), but
  // set high enough that a benchmark's 65 pages a minute per user are never refused.
  VIEW_LIMIT_PAGES_PER_MINUTE: "100000",
  VIEW_LIMIT_EMPLOYER_PAGES_PER_MINUTE: "100000",
  VIEW_LIMIT_EMPLOYER_CANDIDATES_PER_DAY: "50000",
});
// As the Functions worker does before it loads the app, so the handlers register and `call` finds them.
(await import("../../dev/worker.js")).actAsWorker();
const { provisionDatabase, container } = await import("../../shared/data/cosmos.js");
const { provisionStorage } = await import("../../shared/storage/blob.js");
const { insertCandidate, selectList } = await import("../../shared/data/candidates.js");
const { SEARCH_PROJECTION, employerSightFilter } = await import("../../shared/domain/visibility.js");
const { buildAdmin, employerUser, tokenFor } = await import("../support/factories.js");
const { call } = await import("../support/http.js");
await provisionDatabase();
await provisionStorage();

// ---- seed -------------------------------------------------------------------
const started = performance.now();
let seeded = 0;
for (const m of MUNICIPALITIES) {
  const queue = Array.from({ length: PER_MUNICIPALITY }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const now = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
        await insertCandidate({
          id: `${m}.${randomUUID()}`,
          type: "candidate",
          municipalityId: m,
          status: i % 10 === 0 ? "inactive" : "active",
          admin: buildAdmin(),
          profile: {
            skills: [SKILLS[i % SKILLS.length]!, SKILLS[(i * 3 + 1) % SKILLS.length]!],
            preferredOccupations: [`beroep ${i % 25}`],
            sectors: [`sector ${i % 6}`],
            description: `Kandidaat ${i}: ik zoek werk in de ${SKILLS[i % SKILLS.length]} en leer graag bij. `.repeat(4),
            drivingLicences: i % 3 === 0 ? ["B"] : [],
          },
          files: {},
          sharing: { withEmployers: i % 4 !== 0 },
          employerVisibility: { hidden: i % 50 === 0 },
          createdAt: now,
          updatedAt: now,
        });
        seeded++;
      }
    }),
  );
}
console.log(`seeded ${seeded} candidates in ${MUNICIPALITIES.length} municipalities in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// ---- measure ----------------------------------------------------------------
interface Figures {
  median: number;
  p95: number;
  roundTrips: Record<string, number>;
  bytesPerItem: number;
  items: number;
}

async function measure(run: () => Promise<unknown[]>): Promise<Figures> {
  for (let i = 0; i < 5; i++) await run();
  const before = await emulators.cosmosRequests();
  const times: number[] = [];
  let bytes = 0;
  let items = 0;
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const page = await run();
    times.push(performance.now() - t);
    bytes += Buffer.byteLength(JSON.stringify(page));
    items += page.length;
  }
  const after = await emulators.cosmosRequests();
  times.sort((a, b) => a - b);
  const roundTrips: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) roundTrips[k] = (v - (before[k] ?? 0)) / N;
  return { median: times[Math.floor(N / 2)]!, p95: times[Math.floor(N * 0.95)]!, roundTrips, bytesPerItem: bytes / Math.max(items, 1), items: items / N };
}

const candidates = container("candidates");
const raw = async (query: string, parameters: { name: string; value: string | boolean | string[] }[], partitionKey?: string) =>
  (await candidates.items.query({ query, parameters }, { maxItemCount: PAGE, ...(partitionKey ? { partitionKey } : {}) }).fetchNext()).resources;

const employerAccount = await employerUser("utrecht");
const employer = employerAccount.token;
const am = await tokenFor("accountManager", "rotterdam");
const select = selectList(SEARCH_PROJECTION);
const sight = employerSightFilter({ municipalityId: "utrecht", restricted: [] });
const employerWhere = `c.type = 'candidate' AND ${sight.where}`;
const order = "ORDER BY c.updatedAt DESC, c.id ASC";

const rows: [string, Figures][] = [];
rows.push([
  "raw SDK: employer query, skill filter",
  await measure(() =>
    raw(`SELECT ${select} FROM c WHERE ${employerWhere} AND ARRAY_CONTAINS(c.search.skills, @s) ${order}`, [...sight.parameters, { name: "@s", value: "lassen" }]),
  ),
]);
rows.push(["handler: employer, skill=lassen", await measure(async () => (await call("GET", `/api/search/candidates?skill=lassen&pageSize=${PAGE}`, { token: employer })).body.items)]);
rows.push([
  "raw SDK: employer query, no filter",
  await measure(() => raw(`SELECT ${select} FROM c WHERE ${employerWhere} ${order}`, sight.parameters)),
]);
rows.push(["handler: employer, no filter", await measure(async () => (await call("GET", `/api/search/candidates?pageSize=${PAGE}`, { token: employer })).body.items)]);
rows.push([
  "raw SDK: one partition, skill filter",
  await measure(() =>
    raw(`SELECT c.id, c.municipalityId, c.status, c.profile, c.sharing, c.employerVisibility, c.updatedAt, c.admin FROM c WHERE c.municipalityId = @m AND c.type = 'candidate' AND ARRAY_CONTAINS(c.search.skills, @s) ${order}`, [
      { name: "@m", value: "rotterdam" },
      { name: "@s", value: "koken" },
    ], "rotterdam"),
  ),
]);
rows.push(["handler: account manager, skill=koken", await measure(async () => (await call("GET", `/api/search/candidates?skill=koken&pageSize=${PAGE}`, { token: am })).body.items)]);
// The limits' worst case: every page shows candidates not counted yet (paging on), so each patch also adds their hashes.
const pager = await employerUser("utrecht");
let next: string | null = null;
rows.push([
  "handler: employer, paging on (all new)",
  await measure(async () => {
    const res = await call("GET", `/api/search/candidates?pageSize=${PAGE}${next ? `&continuation=${encodeURIComponent(next)}` : ""}`, { token: pager.token });
    next = res.body.continuation;
    return res.body.items;
  }),
]);
const { viewCounterId } = await import("../../shared/services/view-limits.js");
const counterBytes = async (e: { sub: string; id: string }) => {
  const id = viewCounterId({ principal: { sub: e.sub, role: "employer" }, recordId: e.id }, new Date().toISOString().slice(0, 10));
  const { resource } = await container("counters").item(id, id).read();
  return Buffer.byteLength(JSON.stringify(resource));
};
const full = await measure(() => raw(`SELECT * FROM c WHERE c.municipalityId = @m ${order}`, [{ name: "@m", value: "utrecht" }], "utrecht"));

const fmt = (n: number, w = 8) => n.toFixed(1).padStart(w);
console.log(`\n${N} pages of ${PAGE} each after 5 warm-up; Cosmos emulator in its own process.\n`);
console.log(`${"".padEnd(40)}  median ms    p95 ms  items/page  bytes/item  round trips per page`);
for (const [name, f] of rows) {
  const trips = Object.entries(f.roundTrips).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ");
  console.log(`${name.padEnd(40)} ${fmt(f.median, 10)} ${fmt(f.p95, 9)} ${fmt(f.items, 11)} ${fmt(f.bytesPerItem, 11)}   ${trips}`);
}
console.log(`\nfor comparison, a whole stored document: ${full.bytesPerItem.toFixed(0)} bytes`);
console.log(
  `viewing-limit counter document after the runs: ${await counterBytes(employerAccount)} bytes (same 20 candidates again), ` +
    `${await counterBytes(pager)} bytes (${(N + 5) * PAGE} distinct candidates)`,
);
const ratio = (a: number, b: number) => (rows[a]![1].median / rows[b]![1].median).toFixed(2);
console.log(`handler/raw median: employer skill ${ratio(1, 0)}x, employer unfiltered ${ratio(3, 2)}x, account manager ${ratio(5, 4)}x`);
await emulators.stop();
process.exit(0);
