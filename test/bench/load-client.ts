// The load of `npm run bench:load` (load.ts), in a process of its own: autocannon, each connection
// cycling through 20 requests: 14 reads (GET /candidates/{id} as the coach, GET /me/profile), 2
// PATCH /me/profile with the ETag the GET before it returned as If-Match, 3 employer searches and
// 1 upload start. Each cycle acts as a randomly chosen candidate and employer user. Prints
// throughput, latency percentiles (overall and per kind, measured per request here) and answers by
// status.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

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

type Kind = "read candidate" | "read own profile" | "patch profile" | "search" | "upload start";
interface Ctx {
  c?: { id: string; token: string };
  employer?: string;
  etag?: string;
  sentAt?: number;
}

const latencies: Record<string, number[]> = {};
const statuses: Record<string, Record<number, number>> = {};
const json = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, "content-type": "application/json", ...extra });

function step(kind: Kind, build: (ctx: Ctx) => autocannon.Request): autocannon.Request {
  return {
    setupRequest: (req, context) => {
      const ctx = context as Ctx;
      ctx.c ??= cfg.candidates[Math.floor(Math.random() * cfg.candidates.length)]!;
      ctx.employer ??= cfg.employers[Math.floor(Math.random() * cfg.employers.length)]!;
      ctx.sentAt = performance.now();
      return { ...req, ...build(ctx) };
    },
    onResponse: (status, _body, context, headers) => {
      const ctx = context as Ctx;
      (latencies[kind] ??= []).push(performance.now() - (ctx.sentAt ?? performance.now()));
      const byStatus = (statuses[kind] ??= {});
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const etag = (headers as Record<string, string>)?.etag;
      if ((kind === "read own profile" || kind === "patch profile") && status === 200 && etag) ctx.etag = etag;
    },
  };
}

const readCandidate = step("read candidate", (ctx) => ({ method: "GET", path: `${url.pathname}/candidates/${ctx.c!.id}`, headers: json(cfg.coach) }));
const readOwn = step("read own profile", (ctx) => ({ method: "GET", path: `${url.pathname}/me/profile`, headers: json(ctx.c!.token) }));
const patch = step("patch profile", (ctx) => ({
  method: "PATCH",
  path: `${url.pathname}/me/profile`,
  headers: json(ctx.c!.token, ctx.etag ? { "if-match": ctx.etag } : {}),
  body: JSON.stringify({ profile: { availability: { hoursPerWeek: 1 + Math.floor(Math.random() * 40) } } }),
}));
const search = step("search", (ctx) => ({ method: "GET", path: `${url.pathname}/search/candidates?skill=${Math.random() < 0.5 ? "lassen" : "koken"}`, headers: json(ctx.employer!) }));
const upload = step("upload start", (ctx) => ({
  method: "POST",
  path: `${url.pathname}/me/uploads`,
  headers: json(ctx.c!.token),
  body: JSON.stringify({ kind: "cv", contentType: "application/pdf", size: 200_000, fileName: "cv.pdf" }),
}));

// 20 a cycle: 14 reads (70%), 2 PATCH (10%), 3 searches (15%), 1 upload start (5%).
const cycle = [readOwn, readCandidate, patch, readCandidate, search, readCandidate, readOwn, readCandidate, upload, readCandidate, readOwn, search, readCandidate, readOwn, patch, readCandidate, readCandidate, search, readOwn, readCandidate];

const result = await autocannon({
  url: `${url.origin}`,
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
for (const byStatus of Object.values(statuses)) for (const [s, n] of Object.entries(byStatus)) totals[Number(s)] = (totals[Number(s)] ?? 0) + n;
const count = (pred: (s: number) => boolean) => Object.entries(totals).filter(([s]) => pred(Number(s))).reduce((a, [, n]) => a + n, 0);

console.log(`
${cfg.connections} connections, ${cfg.seconds} s: ${result.requests.total} requests, ${(result.requests.total / cfg.seconds).toFixed(0)} req/s (autocannon: mean ${result.requests.average}/s), ${result.errors} connection errors, ${result.timeouts} timeouts
latency, all: ${fmt(all)}   (autocannon: p50 ${result.latency.p50}, p97.5 ${result.latency.p97_5}, p99 ${result.latency.p99} ms)
${Object.entries(latencies)
  .map(([kind, xs]) => `  ${kind.padEnd(17)} ${String(xs.length).padStart(7)}  ${fmt(xs)}  ${JSON.stringify(statuses[kind])}`)
  .join("\n")}
answers: 2xx ${count((s) => s < 300)}, 412 ${totals[412] ?? 0}, 429 ${totals[429] ?? 0}, other 4xx ${count((s) => s >= 400 && s < 500 && s !== 412 && s !== 429)}, 5xx ${count((s) => s >= 500)}`);
