// What the query benchmarks (search, matches) measure per page, and how they print it.
import { startEmulators, type Emulators } from "../../dev/emulators.js";

/**
 * Starts the emulators, points the app at them as the Functions worker would load it, and
 * provisions the database and storage. The viewing limits are counted as usual (one patch per
 * page, shown as `counters`), but set high enough that a benchmark's pages are never refused.
 */
export async function benchEmulators(): Promise<Emulators> {
  const emulators = await startEmulators();
  Object.assign(process.env, emulators.env, {
    AUTH_LOCAL_ISSUER: "true",
    LOCAL_ISSUER_KEY_FILE: ".local/bench-issuer-key.json",
    VIEW_LIMIT_PAGES_PER_MINUTE: "100000",
    VIEW_LIMIT_EMPLOYER_PAGES_PER_MINUTE: "100000",
    VIEW_LIMIT_EMPLOYER_CANDIDATES_PER_DAY: "50000",
  });
  // As the Functions worker does before it loads the app, so the handlers register and `call` finds them.
  (await import("../../dev/worker.js")).actAsWorker();
  await (await import("../../shared/data/cosmos.js")).provisionDatabase();
  await (await import("../../shared/storage/blob.js")).provisionStorage();
  return emulators;
}

export interface Figures {
  median: number;
  p95: number;
  roundTrips: Record<string, number>;
  bytesPerItem: number;
  items: number;
}

/** Runs `run` `warmUp` times, then `n` times measured: time, Cosmos round trips per container, bytes per item. */
export const measurer = (emulators: Emulators, n: number, warmUp: number) =>
  async function measure(run: () => Promise<unknown[]>): Promise<Figures> {
    for (let i = 0; i < warmUp; i++) await run();
    const before = await emulators.cosmosRequests();
    const times: number[] = [];
    let bytes = 0;
    let items = 0;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const page = await run();
      times.push(performance.now() - t);
      bytes += Buffer.byteLength(JSON.stringify(page));
      items += page.length;
    }
    const after = await emulators.cosmosRequests();
    times.sort((a, b) => a - b);
    const roundTrips: Record<string, number> = {};
    for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) roundTrips[k] = (v - (before[k] ?? 0)) / n;
    return {
      median: times[Math.floor(n / 2)]!,
      p95: times[Math.floor(n * 0.95)]!,
      roundTrips,
      bytesPerItem: bytes / Math.max(items, 1),
      items: items / n,
    };
  };

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

/**
 * A raw query and the handler that stands for it, timed taking turns (one of each a round, which
 * goes first alternating), so a busy moment of a shared machine falls on both alike. Round trips
 * and bytes come from a short pass of each alone (`measurer`), as interleaving would mix them.
 */
export const pairMeasurer = (emulators: Emulators, n: number, warmUp: number) => {
  const counted = measurer(emulators, Math.max(5, Math.floor(n / 10)), warmUp);
  return async function measurePair(raw: () => Promise<unknown[]>, handler: () => Promise<unknown[]>): Promise<[Figures, Figures]> {
    const figures = [await counted(raw), await counted(handler)] as const;
    const runs = [raw, handler] as const;
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < n; i++) {
      for (const k of i % 2 ? ([1, 0] as const) : ([0, 1] as const)) {
        const t = performance.now();
        await runs[k]();
        times[k].push(performance.now() - t);
      }
    }
    const timed = (f: Figures, t: number[]): Figures => {
      t.sort((a, b) => a - b);
      return { ...f, median: percentile(t, 0.5), p95: percentile(t, 0.95) };
    };
    return [timed(figures[0], times[0]), timed(figures[1], times[1])];
  };
};

const fmt = (n: number, w = 8) => n.toFixed(1).padStart(w);

export function printRows(rows: [string, Figures][], width = 40): void {
  console.log(`${"".padEnd(width)}  median ms    p95 ms  items/page  bytes/item  round trips per page`);
  for (const [name, f] of rows) {
    const trips = Object.entries(f.roundTrips)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(", ");
    console.log(`${name.padEnd(width)} ${fmt(f.median, 10)} ${fmt(f.p95, 9)} ${fmt(f.items, 11)} ${fmt(f.bytesPerItem, 11)}   ${trips}`);
  }
}

export const BENCH_SKILLS = ["lassen", "heftruck", "koken", "schoonmaken", "kassa", "orderpicken", "klantcontact", "timmeren"];

/**
 * Seeds `perMunicipality` candidates in each municipality straight through the data layer (8 at a
 * time): a tenth inactive, a quarter not shared, one in fifty hidden; `moreProfile` adds fields.
 * Import it after the emulators' environment is set.
 */
export async function seedCandidates(
  municipalities: string[],
  perMunicipality: number,
  moreProfile: (i: number) => Record<string, unknown> = () => ({}),
): Promise<void> {
  const { randomUUID } = await import("node:crypto");
  const { insertCandidate } = await import("../../shared/data/candidates.js");
  const { buildAdmin } = await import("../support/factories.js");
  const started = performance.now();
  let seeded = 0;
  for (const m of municipalities) {
    const queue = Array.from({ length: perMunicipality }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const now = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
          const skill = BENCH_SKILLS[i % BENCH_SKILLS.length]!;
          await insertCandidate({
            id: `${m}.${randomUUID()}`,
            type: "candidate",
            municipalityId: m,
            status: i % 10 === 0 ? "inactive" : "active",
            admin: buildAdmin(),
            profile: {
              skills: [skill, BENCH_SKILLS[(i * 3 + 1) % BENCH_SKILLS.length]!],
              preferredOccupations: [`beroep ${i % 25}`],
              sectors: [`sector ${i % 6}`],
              description: `Kandidaat ${i}: ik zoek werk in de ${skill} en leer graag bij. `.repeat(4),
              drivingLicences: i % 3 === 0 ? ["B"] : [],
              ...moreProfile(i),
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
  console.log(
    `seeded ${seeded} candidates in ${municipalities.length} municipalities in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/**
 * Pages of a GET route through its handler, as the host invokes it: the requests are made up
 * front (the host builds the request object before it calls the function), a run hands back the
 * page's items, and `check()` afterwards holds every answer to 200 and to the OpenAPI document,
 * outside any timing. Import it once the app's environment is set.
 */
export async function handlerPages(path: string, token: string, count: number) {
  const { invocation } = await import("../support/http.js");
  const { checkAnswer } = await import("../support/contract.js");
  const ready = Array.from({ length: count }, () => invocation("GET", path, { token }));
  const answers: { operationId: string; answer: Awaited<ReturnType<(typeof ready)[number]["run"]>> }[] = [];
  return {
    run: async (): Promise<unknown[]> => {
      const next = ready.pop();
      if (!next) throw new Error(`${path}: more runs than the ${count} requests made up front`);
      const answer = await next.run();
      answers.push({ operationId: next.operationId, answer });
      // The body's shape is held to the document in check(); here only its items are counted.
      return (JSON.parse(answer.text ?? "{}") as { items?: unknown[] }).items ?? [];
    },
    check: (): void => {
      for (const { operationId, answer } of answers.splice(0)) {
        if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${answer.text ?? ""}`);
        checkAnswer(operationId, answer);
      }
    },
  };
}
