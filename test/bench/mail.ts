// `npm run bench:mail`: seeds candidates (most eligible for tips, some with complete profiles,
// ended or switched off), runs the tips timer's work, drains the outbox through the ACS SDK to the
// local fake service, and runs the tips again (nothing due). Prints time, Cosmos DB round trips per
// container and per message, and the bytes the query reads per candidate.
import { randomUUID } from "node:crypto";
import { startEmulators } from "../../dev/emulators.js";

const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 1000);
const MUNICIPALITIES = 2;

const emulators = await startEmulators();
Object.assign(process.env, emulators.env, { AUTH_LOCAL_ISSUER: "true", LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json" });
const { provisionDatabase, container } = await import("../../shared/data/cosmos.js");
const { insertCandidate, candidatesForTips } = await import("../../shared/data/candidates.js");
const { registerMunicipality } = await import("../../shared/data/municipalities.js");
const { queueTips } = await import("../../shared/services/tips.js");
const { drainOutbox } = await import("../../shared/services/outbox-drain.js");
const { buildAdmin } = await import("../support/factories.js");
await provisionDatabase();

const run = `bench-${randomUUID().slice(0, 6)}`;
const municipalities = Array.from({ length: MUNICIPALITIES }, (_, i) => `${run}-${i}`);
const kinds = { lacking: 0, complete: 0, ended: 0, switchedOff: 0 };
const jobs: (() => Promise<unknown>)[] = [];
for (const m of municipalities) {
  await registerMunicipality(m, new Date().toISOString());
  for (let i = 0; i < CANDIDATES / MUNICIPALITIES; i++) {
    // 7 in 10 lack something; the rest: complete, ended, or tips off.
    const kind = i % 10 < 7 ? "lacking" : (["complete", "ended", "switchedOff"] as const)[i % 3]!;
    kinds[kind]++;
    const full = kind !== "lacking";
    jobs.push(() =>
      insertCandidate({
        id: `${m}.${randomUUID()}`,
        type: "candidate",
        municipalityId: m,
        status: kind === "ended" ? "inactive" : "active",
        admin: buildAdmin(),
        profile: full
          ? {
              skills: ["lassen"],
              description: "x".repeat(400),
              workExperience: [{ employer: "A", position: "B" }],
              availability: { hoursPerWeek: 24 },
            }
          : { skills: i % 2 ? ["koken"] : [], description: "y".repeat(400) },
        files: full
          ? { cv: { uploadId: randomUUID(), contentType: "application/pdf", size: 9, fileName: "cv.pdf", uploadedAt: "2026-01-01" } }
          : {},
        sharing: { withEmployers: full },
        employerVisibility: { hidden: false },
        createdAt: "2026-01-01",
        updatedAt: "2026-01-01",
        ...(kind === "ended" ? { serviceEnd: { endedOn: "2026-01-01", reason: "completed" } } : {}),
        ...(kind === "switchedOff" ? { notifications: { tips: false, vacancyAlerts: false } } : {}),
      }),
    );
  }
}
const queue = [...jobs];
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (let j = queue.shift(); j; j = queue.shift()) await j();
  }),
);
console.log(`seeded ${CANDIDATES} candidates in ${MUNICIPALITIES} municipalities: ${JSON.stringify(kinds)}`);

async function measure<T>(label: string, work: () => Promise<T>, per?: (r: T) => [string, number]) {
  const before = await emulators.cosmosRequests();
  const t = performance.now();
  const result = await work();
  const ms = performance.now() - t;
  const after = await emulators.cosmosRequests();
  const trips: Record<string, number> = Object.fromEntries(
    Object.keys(after)
      .map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  const total = Object.values(trips).reduce((a, b) => a + b, 0);
  const [unit, n] = per?.(result) ?? ["", 0];
  console.log(
    `${label}: ${(ms / 1000).toFixed(1)} s, ${total} Cosmos round trips ${JSON.stringify(trips)}${n ? `, ${(total / n).toFixed(2)} per ${unit}` : ""}`,
  );
  console.log(`  ${JSON.stringify(result)}`);
  return result;
}

// What the query reads per candidate: whether each part is filled, not the profile.
const page = await candidatesForTips(municipalities[0]!, new Date().toISOString(), "", 50);
const bytes = Buffer.byteLength(JSON.stringify(page.items));
console.log(
  `tips query: ${page.items.length} candidates in the first page, ${(bytes / page.items.length).toFixed(0)} bytes each (the stored document: about ${Buffer.byteLength(JSON.stringify((await container("candidates").item(page.items[0]!.id, municipalities[0]).read()).resource))} bytes)`,
);

await measure(
  "tips (first run)",
  () => queueTips({ budgetMs: 600_000, municipalities }),
  (r) => ["queued e-mail", r.queued],
);
await measure(
  "outbox drain (ACS SDK → fake service)",
  () => drainOutbox({ budgetMs: 600_000, municipalities }),
  (r) => ["message", r.sent],
);
await measure(
  "tips (again, nothing due)",
  () => queueTips({ budgetMs: 600_000, municipalities }),
  () => ["municipality", MUNICIPALITIES],
);
await measure(
  "outbox drain (nothing due)",
  () => drainOutbox({ budgetMs: 600_000, municipalities }),
  () => ["municipality", MUNICIPALITIES],
);

await emulators.stop();
process.exit(0);
