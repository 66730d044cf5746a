// `npm run bench:reports`: seeds a municipality with a few thousand candidates, employers,
// vacancies, a month of usage-log events and deletion records (and a second municipality beside
// it), then asks for its report through the handler, as JSON and as CSV: time, Cosmos round trips,
// bytes read from Cosmos and bytes sent, per report. For scale, the same figures counted the
// naive way: every candidate and every event of the month read into memory.
import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";
import { startEmulators } from "../../dev/emulators.js";

const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 3000);
const N = Number(process.env.BENCH_ITERATIONS ?? 10);
const HOME = "utrecht";
const BESIDE = "rotterdam";

// Every byte the app reads from Cosmos DB arrives on a client socket of this process.
const sockets = new Set<Socket>();
subscribe("net.client.socket", (message) => sockets.add((message as { socket: Socket }).socket));
const bytesRead = () => [...sockets].reduce((n, s) => n + s.bytesRead, 0);

const emulators = await startEmulators();
Object.assign(process.env, emulators.env, {
  AUTH_LOCAL_ISSUER: "true",
  LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json",
  // The emulator scans the whole container for every count (Azure counts from the index): give it time.
  REQUEST_BUDGET_SECONDS: "200",
});
(await import("../../dev/worker.js")).actAsWorker();
const { provisionDatabase, container } = await import("../../shared/data/cosmos.js");
const { provisionStorage } = await import("../../shared/storage/blob.js");
const { insertCandidate } = await import("../../shared/data/candidates.js");
const { buildAdmin, tokenFor } = await import("../support/factories.js");
const { call } = await import("../support/http.js");
await provisionDatabase();
await provisionStorage();

// ---- seed -------------------------------------------------------------------
const month = new Date().toISOString().slice(0, 7);
const inMonth = (i: number) => new Date(Date.parse(`${month}-01T00:00:00Z`) + (i % 20) * 86_400_000 + i * 1000).toISOString();
const jobs: (() => Promise<unknown>)[] = [];
const statuses = ["invited", "active", "active", "active", "inactive"] as const;
for (const [m, count] of [
  [HOME, CANDIDATES],
  [BESIDE, CANDIDATES / 3],
] as const) {
  for (let i = 0; i < count; i++) {
    jobs.push(() =>
      insertCandidate({
        id: `${m}.${randomUUID()}`,
        type: "candidate",
        municipalityId: m,
        status: statuses[i % statuses.length]!,
        admin: buildAdmin(),
        profile: { skills: ["lassen", "koken"], description: `Kandidaat ${i}, op zoek naar werk. `.repeat(6) },
        files: {},
        sharing: { withEmployers: i % 3 !== 0 },
        employerVisibility: { hidden: i % 40 === 0 },
        createdAt: inMonth(i),
        updatedAt: inMonth(i),
      }),
    );
  }
  for (let i = 0; i < 80; i++) {
    const employerId = randomUUID();
    jobs.push(() =>
      container("employers").items.create({
        id: employerId,
        type: "employer",
        municipalityId: m,
        status: ["invited", "active", "active", "ended"][i % 4],
        kvkNumber: String(10_000_000 + i),
        companyName: `Bedrijf ${i}`,
        sortKey: `bedrijf ${i}`,
        createdAt: inMonth(i),
        updatedAt: inMonth(i),
      }),
    );
    for (let v = 0; v < 3; v++) {
      jobs.push(() =>
        container("vacancies").items.create({
          id: randomUUID(),
          type: "vacancy",
          municipalityId: m,
          employerId,
          status: v === 2 ? "closed" : "open",
          title: "Lasser",
          createdAt: inMonth(v),
          updatedAt: inMonth(v),
        }),
      );
    }
  }
  // A month of the usage log: staff reads (not counted), employer reads and searches, uploads.
  const event = (i: number, action: string, role: string, extra: object = {}) =>
    container("audit").items.create({
      id: randomUUID(),
      subjectId: action === "search" ? `search:${m}:${inMonth(i).slice(0, 10)}:${i % 16}` : `${m}.${i % count}`,
      subjectType: action === "search" ? "search" : "candidate",
      municipalityId: m,
      action,
      actor: { sub: `user-${i % 50}`, role },
      at: inMonth(i),
      ttl: 31_536_000,
      ...extra,
    });
  for (let i = 0; i < count; i++) {
    if (i % 4 === 0) jobs.push(() => event(i, "read", "coach"));
    if (i % 2 === 1) jobs.push(() => event(i, "read", "employer"));
    if (i % 6 === 0) jobs.push(() => event(i, "search", "employer", { fields: ["skill"], filters: {}, resultCount: 20, resultIds: [] }));
    if (i % 8 === 0) jobs.push(() => event(i, "update", "candidate", { fields: [`files.${["cv", "photo", "video"][i % 3]}`] }));
  }
  for (let i = 0; i < count / 20; i++) {
    const rule = [
      "aborted: 1 years after 2025-01-01",
      "completed: 10 years after 2016-01-01",
      "esf: 10 years after the ESF programme ends (2015-12-31)",
    ][i % 3]!;
    jobs.push(() =>
      container("audit").items.create({
        id: randomUUID(),
        subjectId: `deletions:${m}:${month.slice(0, 4)}`,
        subjectType: "deletion",
        recordType: "candidate",
        municipalityId: m,
        pseudonym: randomUUID(),
        trigger: i % 5 === 0 ? "request" : "retention",
        rule,
        deletedAt: inMonth(i),
        removed: { records: 1 },
      }),
    );
  }
}
const seedStart = performance.now();
const total = jobs.length;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (let j = jobs.shift(); j; j = jobs.shift()) await j();
  }),
);
console.log(
  `seeded ${total} documents (${CANDIDATES} candidates in ${HOME}, ${CANDIDATES / 3} in ${BESIDE}) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
);

// ---- measure ----------------------------------------------------------------
interface Figures {
  median: number;
  p95: number;
  roundTrips: Record<string, number>;
  bytesRead: number;
  bytesSent: number;
}

async function measure(run: () => Promise<string>): Promise<Figures> {
  for (let i = 0; i < 3; i++) await run();
  const before = await emulators.cosmosRequests();
  const read0 = bytesRead();
  const times: number[] = [];
  let sent = 0;
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    sent += Buffer.byteLength(await run());
    times.push(performance.now() - t);
  }
  const read = bytesRead() - read0;
  const after = await emulators.cosmosRequests();
  times.sort((a, b) => a - b);
  const roundTrips: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) roundTrips[k] = (v - (before[k] ?? 0)) / N;
  return { median: times[Math.floor(N / 2)]!, p95: times[Math.floor(N * 0.95)]!, roundTrips, bytesRead: read / N, bytesSent: sent / N };
}

const lead = await tokenFor("teamLead", HOME);
const report = async (accept: string) => {
  const res = await call("GET", "/api/reports/summary", { token: lead, headers: { accept } });
  if (res.status !== 200) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
  return typeof res.body === "string" ? res.body : JSON.stringify(res.body);
};
const { monthPeriod } = await import("../../shared/domain/report.js");
const period = monthPeriod(month);
/** The naive way: every candidate's status fields and every event of the month into memory, counted there. */
const naive = async () => {
  const candidates = await container("candidates")
    .items.query(
      {
        query:
          "SELECT c.status, c.sharing.withEmployers AS s, c.employerVisibility.hidden AS h FROM c WHERE c.municipalityId = @m AND c.type = 'candidate'",
        parameters: [{ name: "@m", value: HOME }],
      },
      { partitionKey: HOME },
    )
    .fetchAll();
  const events = await container("audit")
    .items.query({
      query: "SELECT c.action, c.actor.role AS role, c.fields FROM c WHERE c.municipalityId = @m AND c.at >= @from AND c.at < @to",
      parameters: [
        { name: "@m", value: HOME },
        { name: "@from", value: period.from },
        { name: "@to", value: period.to },
      ],
    })
    .fetchAll();
  return JSON.stringify({ candidates: candidates.resources.length, events: events.resources.length });
};

const rows: [string, Figures][] = [
  ["handler: report as JSON", await measure(() => report("application/json"))],
  ["handler: report as CSV", await measure(() => report("text/csv"))],
  ["naive: candidates + month's events read", await measure(naive)],
];

const fmt = (n: number, w = 8) => n.toFixed(1).padStart(w);
console.log(
  `\n${N} reports each after 3 warm-up; Cosmos emulator in its own process. Request charge: not available (the emulator reports 1 RU for every request).\n`,
);
console.log(`${"".padEnd(40)}  median ms    p95 ms  KB read from Cosmos  bytes sent  round trips per report`);
for (const [name, f] of rows) {
  const trips = Object.entries(f.roundTrips)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(", ");
  console.log(`${name.padEnd(40)} ${fmt(f.median, 10)} ${fmt(f.p95, 9)} ${fmt(f.bytesRead / 1024, 20)} ${fmt(f.bytesSent, 11)}   ${trips}`);
}
await emulators.stop();
process.exit(0);
