// `npm run bench:search`: seeds 4 municipalities with a few thousand candidates, then times
// typical employer and account-manager searches through the handler against the same query
// through the raw SDK (and once against the query followed by the writes the handler makes):
// median/p95 per page, Cosmos round trips per page, bytes per item.
import type { ViewCounter } from "../../shared/data/counters.js";
import type { Schema } from "../support/http.js";
import { benchEmulators, handlerPages, measurer, pairMeasurer, printRows, seedCandidates, type Figures } from "./measure.js";

const PER_MUNICIPALITY = Number(process.env.BENCH_CANDIDATES ?? 750);
const N = Number(process.env.BENCH_ITERATIONS ?? 60);
const PAGE = 20;
const MUNICIPALITIES = ["den-haag", "rotterdam", "amsterdam", "utrecht"];

const emulators = await benchEmulators();
const { container } = await import("../../shared/data/cosmos.js");
const { selectList } = await import("../../shared/data/candidates.js");
const { SEARCH_PROJECTION, employerSightFilter } = await import("../../shared/domain/visibility.js");
const { employerUser, tokenFor } = await import("../support/factories.js");
const { call } = await import("../support/http.js");

// ---- seed -------------------------------------------------------------------
await seedCandidates(MUNICIPALITIES, PER_MUNICIPALITY);

// ---- measure ----------------------------------------------------------------
const measure = measurer(emulators, N, 5);
const measurePair = pairMeasurer(emulators, N, 5);

const candidates = container("candidates");
const raw = async (query: string, parameters: { name: string; value: string | boolean | string[] }[], partitionKey?: string) =>
  (
    await candidates.items
      .query<Record<string, unknown>>({ query, parameters }, { maxItemCount: PAGE, ...(partitionKey ? { partitionKey } : {}) })
      .fetchNext()
  ).resources;

const employerAccount = await employerUser("utrecht");
const employer = employerAccount.token;
const am = await tokenFor("accountManager", "rotterdam");
const select = selectList(SEARCH_PROJECTION);
const sight = employerSightFilter({ municipalityId: "utrecht", restricted: [] });
const employerWhere = `c.type = 'candidate' AND ${sight.where}`;
const order = "ORDER BY c.updatedAt DESC, c.id ASC";

const rows: [string, Figures][] = [];
/** The raw query and the handler request that stands for it, timed taking turns. */
const pair = async (rawName: string, rawRun: () => Promise<unknown[]>, handlerName: string, handler: Handler) => {
  const [r, h] = await measurePair(rawRun, handler.run);
  handler.check();
  rows.push([rawName, r], [handlerName, h]);
};
type Handler = Awaited<ReturnType<typeof handlerPages>>;
// Enough requests for the counted pass, both warm-ups and the timed runs.
const handlerItems = (path: string, token: string) => handlerPages(path, token, 2 * N + 20);
await pair(
  "raw SDK: employer query, skill filter",
  () =>
    raw(`SELECT ${select} FROM c WHERE ${employerWhere} AND ARRAY_CONTAINS(c.search.skills, @s) ${order}`, [
      ...sight.parameters,
      { name: "@s", value: "lassen" },
    ]),
  "handler: employer, skill=lassen",
  await handlerItems(`/api/search/candidates?skill=lassen&pageSize=${PAGE}`, employer),
);
await pair(
  "raw SDK: employer query, no filter",
  () => raw(`SELECT ${select} FROM c WHERE ${employerWhere} ${order}`, sight.parameters),
  "handler: employer, no filter",
  await handlerItems(`/api/search/candidates?pageSize=${PAGE}`, employer),
);
// The same query, then what the handler writes after it, as plain SDK calls: a counter patch, then
// the search event beside one bulk request of 20 appearance documents. What these writes cost
// right after the query, not in a loop of their own, is what the handler pays for them.
const { randomUUID } = await import("node:crypto");
const counter = `bench-views-${randomUUID()}`;
await container("counters").items.create({ id: counter, pages: { user: 0, all: 0 } });
const rawWrites = async (ids: string[]) => {
  await container("counters")
    .item(counter, counter)
    .patch([
      { op: "incr", path: "/pages/user", value: 1 },
      { op: "incr", path: "/pages/all", value: 1 },
    ]);
  const at = new Date().toISOString();
  await Promise.all([
    container("audit").items.upsert({
      id: randomUUID(),
      subjectId: `search:bench:${at.slice(0, 10)}:0`,
      action: "search",
      resultIds: ids,
      at,
    }),
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- as the app does (shared/data/audit.ts)
    container("audit").items.bulk(
      ids.map((id) => ({
        operationType: "Upsert" as const,
        partitionKey: id,
        resourceBody: { id: `appearances:bench`, subjectId: id, action: "appearances", at },
      })),
    ),
  ]);
};
await pair(
  "raw SDK: the same, then the same writes",
  async () => {
    const page = await raw(`SELECT ${select} FROM c WHERE ${employerWhere} ${order}`, sight.parameters);
    await rawWrites(page.map((c) => String(c.id)));
    return page;
  },
  "handler: employer, no filter (again)",
  await handlerItems(`/api/search/candidates?pageSize=${PAGE}`, employer),
);
await pair(
  "raw SDK: one partition, skill filter",
  () =>
    raw(
      `SELECT c.id, c.municipalityId, c.status, c.profile, c.sharing, c.employerVisibility, c.updatedAt, c.admin FROM c WHERE c.municipalityId = @m AND c.type = 'candidate' AND ARRAY_CONTAINS(c.search.skills, @s) ${order}`,
      [
        { name: "@m", value: "rotterdam" },
        { name: "@s", value: "koken" },
      ],
      "rotterdam",
    ),
  "handler: account manager, skill=koken",
  await handlerItems(`/api/search/candidates?skill=koken&pageSize=${PAGE}`, am),
);
// The limits' worst case: every page shows candidates not counted yet (paging on), so each patch also adds their hashes.
const pager = await employerUser("utrecht");
let next: string | null = null;
rows.push([
  "handler: employer, paging on (all new)",
  await measure(async () => {
    const res = await call<Schema<"CandidateSearchPage">>(
      "GET",
      `/api/search/candidates?pageSize=${PAGE}${next ? `&continuation=${encodeURIComponent(next)}` : ""}`,
      {
        token: pager.token,
      },
    );
    next = res.body.continuation;
    return res.body.items;
  }),
]);
const { viewCounterId } = await import("../../shared/services/view-limits.js");
const counterBytes = async (e: { sub: string; id: string }) => {
  const id = viewCounterId({ principal: { sub: e.sub, role: "employer" }, recordId: e.id }, new Date().toISOString().slice(0, 10));
  const { resource } = await container("counters").item(id, id).read<ViewCounter>();
  return Buffer.byteLength(JSON.stringify(resource));
};
const full = await measure(() =>
  raw(`SELECT * FROM c WHERE c.municipalityId = @m ${order}`, [{ name: "@m", value: "utrecht" }], "utrecht"),
);

console.log(
  `\n${N} pages of ${PAGE} each after 5 warm-up, raw and handler taking turns (round trips and bytes from a pass of each alone); Cosmos emulator in its own process.\n`,
);
printRows(rows);
console.log(`\nfor comparison, a whole stored document: ${full.bytesPerItem.toFixed(0)} bytes`);
console.log(
  `viewing-limit counter document after the runs: ${await counterBytes(employerAccount)} bytes (same 20 candidates again), ` +
    `${await counterBytes(pager)} bytes (${(N + 5) * PAGE} distinct candidates)`,
);
const ratio = (a: number, b: number) => (rows[a]![1].median / rows[b]![1].median).toFixed(2);
console.log(`handler/raw median: employer skill ${ratio(1, 0)}x, employer unfiltered ${ratio(3, 2)}x, account manager ${ratio(7, 6)}x`);
console.log(`employer unfiltered against the raw query with the same writes after it: ${ratio(5, 4)}x`);
await emulators.stop();
process.exit(0);
