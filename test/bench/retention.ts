// `npm run bench:retention`: seeds candidates whose retention has ended among more that stay
// (each with an invitation, an account link, usage-log lines and a file), sweeps them, and
// deletes a second, identical set with plain SDK calls. Prints throughput, round trips per
// deleted candidate and the sweep's peak memory.
import { createHash, randomUUID } from "node:crypto";
import { startEmulators } from "../../dev/emulators.js";

const DUE = Number(process.env.BENCH_DUE ?? 600);
const STAY = Number(process.env.BENCH_STAY ?? 600);
const MUNICIPALITIES = 4;

const emulators = await startEmulators();
Object.assign(process.env, emulators.env, {
  AUTH_LOCAL_ISSUER: "true",
  LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json",
});
// Signals are kept in memory, so the sweep's round trips are its own.
const { createRuntime, useRuntime } = await import("../../shared/runtime.js");
const { recordingNotifier } = await import("../support/recording-notifier.js");
useRuntime(createRuntime(process.env, { notifier: recordingNotifier() }));
const { provisionDatabase, container } = await import("../../shared/data/cosmos.js");
const { provisionStorage, blobContainer } = await import("../../shared/storage/blob.js");
const { insertCandidate } = await import("../../shared/data/candidates.js");
const { registerMunicipality } = await import("../../shared/data/municipalities.js");
const { runRetention } = await import("../../shared/services/retention.js");
const { buildAdmin } = await import("../support/factories.js");
await provisionDatabase();
await provisionStorage();

interface Seeded {
  id: string;
  municipalityId: string;
  invitation: string;
  sub: string;
  auditIds: string[];
  blob: string;
}

async function seed(prefix: string): Promise<Seeded[]> {
  const due: Seeded[] = [];
  const jobs: (() => Promise<void>)[] = [];
  for (let m = 0; m < MUNICIPALITIES; m++) {
    const municipalityId = `${prefix}-${m}`;
    await registerMunicipality(municipalityId, new Date().toISOString());
    for (let i = 0; i < (DUE + STAY) / MUNICIPALITIES; i++) {
      const expired = i % 2 === 0;
      const id = `${municipalityId}.${randomUUID()}`;
      const s: Seeded = {
        id,
        municipalityId,
        invitation: createHash("sha256").update(id).digest("hex"),
        sub: `sub-${randomUUID()}`,
        auditIds: [randomUUID(), randomUUID()],
        blob: `${municipalityId}/${id}/cv/${randomUUID()}`,
      };
      if (expired) due.push(s);
      jobs.push(async () => {
        const endedOn = expired ? "2020-01-01" : "2026-01-01";
        await insertCandidate({
          id,
          type: "candidate",
          municipalityId,
          status: "inactive",
          admin: buildAdmin(),
          profile: { description: "x".repeat(500) },
          files: {},
          sharing: { withEmployers: false },
          employerVisibility: { hidden: false },
          createdAt: endedOn,
          updatedAt: endedOn,
          accountSub: s.sub,
          invitationIds: [s.invitation],
          serviceEnd: { endedOn, reason: "aborted" },
          retention: { deleteOn: expired ? "2021-01-01" : "2027-01-01", rule: "aborted: 1 years", ruleKey: "aborted" },
        });
        await container("invitations").items.create({
          id: s.invitation,
          kind: "candidate",
          municipalityId,
          recordId: id,
          createdAt: endedOn,
          expiresAt: endedOn,
        });
        await container("accounts").items.create({ id: s.sub, kind: "candidate", municipalityId, recordId: id, linkedAt: endedOn });
        for (const a of s.auditIds)
          await container("audit").items.create({
            id: a,
            subjectId: id,
            subjectType: "candidate",
            municipalityId,
            action: "read",
            actor: { sub: "c", role: "coach" },
            at: endedOn,
          });
        await (await blobContainer("candidateFiles")).uploadBlockBlob(s.blob, "%PDF-1.4", 8);
      });
    }
  }
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let j = queue.shift(); j; j = queue.shift()) await j();
    }),
  );
  return due;
}

const sweepSet = await seed("sweep");
await seed("raw");
console.log(`seeded 2 × ${DUE + STAY} candidates (${DUE} due each) in ${MUNICIPALITIES} municipalities`);

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
async function measure(run: () => Promise<unknown>) {
  global.gc?.();
  const before = await emulators.cosmosRequests();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t = performance.now();
  const result = await run();
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  const after = await emulators.cosmosRequests();
  const trips: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) trips[k] = (v - (before[k] ?? 0)) / DUE;
  return { seconds, peak: peak - rss0, trips, result };
}

const sweep = await measure(() =>
  runRetention({ dryRun: false, municipalities: sweepSet.map((s) => s.municipalityId).filter((m, i, a) => a.indexOf(m) === i) }),
);
/** The same deletions with plain SDK calls, finding what to delete the way anyone must (query, list). */
const raw = await measure(async () => {
  const files = await blobContainer("candidateFiles");
  const audit = container("audit");
  for (let m = 0; m < MUNICIPALITIES; m++) {
    const municipalityId = `raw-${m}`;
    const { resources } = await container("candidates")
      .items.query<{ id: string; accountSub: string; invitationIds: string[] }>(
        {
          query: "SELECT c.id, c.accountSub, c.invitationIds FROM c WHERE c.municipalityId = @m AND c.deleteOn <= @d",
          parameters: [
            { name: "@m", value: municipalityId },
            { name: "@d", value: "2026-11-29" },
          ],
        },
        { partitionKey: municipalityId },
      )
      .fetchAll();
    for (const c of resources) {
      for await (const blob of files.listBlobsFlat({ prefix: `${municipalityId}/${c.id}/` })) await files.deleteBlob(blob.name);
      for (const i of c.invitationIds) await container("invitations").item(i, i).delete();
      await container("accounts").item(c.accountSub, c.accountSub).delete();
      const { resources: events } = await audit.items
        .query<string>(
          { query: "SELECT VALUE c.id FROM c WHERE c.subjectId = @s", parameters: [{ name: "@s", value: c.id }] },
          { partitionKey: c.id },
        )
        .fetchAll();
      for (const e of events) await audit.item(e, c.id).delete();
      await container("candidates").item(c.id, municipalityId).delete();
    }
  }
});

const summary = sweep.result as {
  complete: boolean;
  municipalities: Record<string, { candidates: Record<string, number>; failed: number }>;
};
const deleted = Object.values(summary.municipalities).reduce((n, m) => n + (m.candidates.aborted ?? 0), 0);
const fmtTrips = (t: Record<string, number>) =>
  Object.entries(t)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ");
const total = (t: Record<string, number>) =>
  Object.values(t)
    .reduce((a, b) => a + b, 0)
    .toFixed(2);
console.log(`
sweep:   deleted ${deleted} of ${DUE} due (complete: ${summary.complete}) in ${sweep.seconds.toFixed(1)} s = ${(deleted / sweep.seconds).toFixed(0)} candidates/s
         Cosmos round trips per deleted candidate ${total(sweep.trips)} (${fmtTrips(sweep.trips)}), plus 2 blob calls (list, delete)
         peak memory above start: ${mb(sweep.peak)}
raw SDK: deleted ${DUE} in ${raw.seconds.toFixed(1)} s = ${(DUE / raw.seconds).toFixed(0)} candidates/s
         Cosmos round trips per deleted candidate ${total(raw.trips)} (${fmtTrips(raw.trips)}), plus 2 blob calls (list, delete)
         peak memory above start: ${mb(raw.peak)}
sweep / raw time: ${(sweep.seconds / raw.seconds).toFixed(2)}x`);
await emulators.stop();
process.exit(0);
