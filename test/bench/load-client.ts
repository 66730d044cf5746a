// The load of `npm run bench:load` (load.ts), in a process of its own: autocannon, each connection
// cycling through 40 requests: 28 reads (GET /candidates/{id} as the coach, GET /me/profile), 4
// PATCH /me/profile with the ETag the GET before it returned as If-Match, 6 employer searches, an
// upload start and, 20 requests later, its complete. Between the two, the connection PUTs a 20 KB
// PDF to the upload URL (Azurite, outside autocannon: it is not an API request). Each connection
// acts as a randomly chosen candidate and employer user. Prints throughput, latency percentiles
// (overall and per kind, measured per request here) and answers by status.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { pdf } from "../support/files.js";
import { asObject, asString, parseJson } from "../support/json.js";

interface Config {
  base: string;
  seconds: number;
  connections: number;
  coach: string;
  candidates: { id: string; token: string }[];
  employers: string[];
}
const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Config;
const url = new URL(cfg.base);

type Kind = "read candidate" | "read own profile" | "patch profile" | "search" | "upload start" | "upload complete";
interface Ctx {
  c?: { id: string; token: string };
  employer?: string;
  etag?: string;
  sentAt?: number;
  /** The upload started last, and whether its bytes are in storage yet. */
  upload?: { id: string; put: "pending" | "done" | "failed" };
}

const latencies: Record<string, number[]> = {};
const statuses: Record<string, Record<number, number>> = {};
const json = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
  ...extra,
});

function step(kind: Kind, build: (ctx: Ctx) => autocannon.Request): autocannon.Request {
  return {
    setupRequest: (req, context) => {
      const ctx = context as Ctx;
      ctx.c ??= cfg.candidates[Math.floor(Math.random() * cfg.candidates.length)]!;
      ctx.employer ??= cfg.employers[Math.floor(Math.random() * cfg.employers.length)]!;
      ctx.sentAt = performance.now();
      return { ...req, ...build(ctx) };
    },
    onResponse: (status, body, context, headers) => {
      const ctx = context as Ctx;
      (latencies[kind] ??= []).push(performance.now() - (ctx.sentAt ?? performance.now()));
      const byStatus = (statuses[kind] ??= {});
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const etag = headers?.etag;
      if ((kind === "read own profile" || kind === "patch profile") && status === 200 && etag) ctx.etag = etag;
      if (kind === "upload start" && status === 201) putBytes(ctx, body);
    },
  };
}

const readCandidate = step("read candidate", (ctx) => ({
  method: "GET",
  path: `${url.pathname}/candidates/${ctx.c!.id}`,
  headers: json(cfg.coach),
}));
const readOwn = step("read own profile", (ctx) => ({ method: "GET", path: `${url.pathname}/me/profile`, headers: json(ctx.c!.token) }));
const patch = step("patch profile", (ctx) => ({
  method: "PATCH",
  path: `${url.pathname}/me/profile`,
  headers: json(ctx.c!.token, ctx.etag ? { "if-match": ctx.etag } : {}),
  body: JSON.stringify({ profile: { availability: { hoursPerWeek: 1 + Math.floor(Math.random() * 40) } } }),
}));
const search = step("search", (ctx) => ({
  method: "GET",
  path: `${url.pathname}/search/candidates?skill=${Math.random() < 0.5 ? "lassen" : "koken"}`,
  headers: json(ctx.employer!),
}));
const CV = pdf(20_000);
const start = step("upload start", (ctx) => ({
  method: "POST",
  path: `${url.pathname}/me/uploads`,
  headers: json(ctx.c!.token),
  body: JSON.stringify({ kind: "cv", contentType: "application/pdf", size: CV.length, fileName: "cv.pdf" }),
}));
/** The PUT of the bytes, as a browser does it, where the ticket (the answer's text) says; timed and counted apart from the API's answers. */
const puts = { latencies: [] as number[], statuses: {} as Record<number, number>, notDoneAtComplete: 0 };
function putBytes(ctx: Ctx, answer: string): void {
  const ticket = asObject(parseJson(answer, "upload ticket"), "upload ticket");
  const headers = Object.fromEntries(
    Object.entries(asObject(ticket.headers, "headers")).map(([name, value]) => [name, asString(value, name)]),
  );
  const upload: NonNullable<Ctx["upload"]> = { id: asString(ticket.uploadId, "uploadId"), put: "pending" };
  ctx.upload = upload;
  const t = performance.now();
  fetch(asString(ticket.uploadUrl, "uploadUrl"), { method: asString(ticket.method, "method"), headers, body: CV }).then(
    async (res) => {
      await res.arrayBuffer();
      puts.latencies.push(performance.now() - t);
      puts.statuses[res.status] = (puts.statuses[res.status] ?? 0) + 1;
      upload.put = res.ok ? "done" : "failed";
    },
    () => (upload.put = "failed"),
  );
}
const complete = step("upload complete", (ctx) => {
  if (ctx.upload?.put !== "done") puts.notDoneAtComplete++;
  // Without a started upload (its start was refused), an id that does not exist: a 404 in the tally.
  return { method: "POST", path: `${url.pathname}/me/uploads/${ctx.upload?.id ?? "none"}/complete`, headers: json(ctx.c!.token) };
});

// 40 a cycle: 28 reads (70%), 4 PATCH (10%), 6 searches (15%), 1 upload start and 1 complete (5%).
const half = (upload: autocannon.Request) => [
  readOwn,
  readCandidate,
  patch,
  readCandidate,
  search,
  readCandidate,
  readOwn,
  readCandidate,
  upload,
  readCandidate,
  readOwn,
  search,
  readCandidate,
  readOwn,
  patch,
  readCandidate,
  readCandidate,
  search,
  readOwn,
  readCandidate,
];
const cycle = [...half(start), ...half(complete)];

const result = await autocannon({
  url: url.origin,
  connections: cfg.connections,
  duration: cfg.seconds,
  requests: cycle,
});

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)}  p95 ${pct(xs, 95).toFixed(1)}  p99 ${pct(xs, 99).toFixed(1)} ms`;
const all = Object.values(latencies).flat();
const totals: Record<number, number> = {};
for (const byStatus of Object.values(statuses))
  for (const [s, n] of Object.entries(byStatus)) totals[Number(s)] = (totals[Number(s)] ?? 0) + n;
const count = (pred: (s: number) => boolean) =>
  Object.entries(totals)
    .filter(([s]) => pred(Number(s)))
    .reduce((a, [, n]) => a + n, 0);

console.log(`
${cfg.connections} connections, ${cfg.seconds} s: ${result.requests.total} requests, ${(result.requests.total / cfg.seconds).toFixed(0)} req/s (autocannon: mean ${result.requests.average}/s), ${result.errors} connection errors, ${result.timeouts} timeouts
latency, all: ${fmt(all)}   (autocannon: p50 ${result.latency.p50}, p97.5 ${result.latency.p97_5}, p99 ${result.latency.p99} ms)
${Object.entries(latencies)
  .map(([kind, xs]) => `  ${kind.padEnd(17)} ${String(xs.length).padStart(7)}  ${fmt(xs)}  ${JSON.stringify(statuses[kind])}`)
  .join("\n")}
answers: 2xx ${count((s) => s < 300)}, 412 ${totals[412] ?? 0}, 429 ${totals[429] ?? 0}, other 4xx ${count((s) => s >= 400 && s < 500 && s !== 412 && s !== 429)}, 5xx ${count((s) => s >= 500)}
PUT of the bytes to Blob storage (not an API request): ${puts.latencies.length}  ${fmt(puts.latencies)}  ${JSON.stringify(puts.statuses)}; completes sent before their PUT was done: ${puts.notDoneAtComplete}`);
