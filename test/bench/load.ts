// `npm run bench:load`: the API under a steady mixed load, over HTTP, as `npm start` serves it.
//
// Starts `dev/start.ts` (emulators + local host, every port free) as a child process, seeds one
// municipality with LOAD_CANDIDATES (300) candidates, two thirds of them shared, and a few
// employer users, then drives it from a separate process (load-client.ts, autocannon) with
// LOAD_CONNECTIONS (10) connections for LOAD_SECONDS (60): 70% reads (GET /candidates/{id} as a
// coach, GET /me/profile), 10% PATCH /me/profile with If-Match, 15% employer search, 5% upload
// start and complete (with the PUT of the bytes to Blob storage between them). Prints throughput,
// latency percentiles, answers by status, and the API process's RSS every 5 s (from /proc/<pid>/status).
//
// The viewing limits (60 pages a minute per user, …) would refuse most of this traffic with 429:
// the API process runs with every VIEW_LIMIT_* raised, so the numbers measure the work, not the
// limiter (the limiter's own round trip is still made on every page).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mintLocalToken } from "../../shared/auth/local-issuer.js";
import { asString, get, parseJson } from "../support/json.js";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10);
const CANDIDATES = Number(process.env.LOAD_CANDIDATES ?? 300);
const EMPLOYERS = 5;
const M = "load";

const dir = await mkdtemp(join(tmpdir(), "hallowerk-load-"));
const keyFile = join(dir, "issuer-key.json");
const token = (role: string, o: { municipality?: string; sub?: string } = {}) =>
  mintLocalToken(keyFile, {
    role: role as never,
    sub: o.sub ?? `${role}-${Math.random().toString(36).slice(2)}`,
    ...(o.municipality ? { municipality: o.municipality } : {}),
    ttlSeconds: 3600,
  });
await token("coach", { municipality: M }); // makes the key before the API reads it

const root = fileURLToPath(new URL("../..", import.meta.url));
const api = spawn(process.execPath, ["--import", "tsx", "dev/start.ts"], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  env: {
    ...process.env,
    API_PORT: "0",
    COSMOS_PORT: "0",
    AZURITE_PORT: "0",
    AUTH_LOCAL_ISSUER: "true",
    LOCAL_ISSUER_KEY_FILE: keyFile,
    VIEW_LIMIT_PAGES_PER_MINUTE: "1000000",
    VIEW_LIMIT_EMPLOYER_PAGES_PER_MINUTE: "1000000",
    VIEW_LIMIT_EMPLOYER_CANDIDATES_PER_DAY: "50000",
    VIEW_LIMIT_STAFF_PAGES_PER_MINUTE: "1000000",
    VIEW_LIMIT_STAFF_CANDIDATES_PER_DAY: "50000",
  },
});
const stop = () => {
  if (api.exitCode === null) api.kill("SIGINT");
};
process.on("exit", stop);

// What the API says on stderr: why an invocation failed (its warnings and errors), shown after the figures.
let apiErrors = "";
api.stderr.on("data", (chunk: Buffer) => (apiErrors += chunk.toString()));

const base = await new Promise<string>((resolve, reject) => {
  let out = "";
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    const m = /API\s+(http:\/\/\S+\/api)/.exec(out);
    if (!m) return;
    api.stdout.off("data", onData);
    api.stdout.resume(); // keep draining, so the API never blocks on a full pipe
    resolve(m[1]!);
  };
  api.stdout.on("data", onData);
  api.once("exit", (code) => reject(new Error(`the API exited (${code}) before it listened:\n${out}${apiErrors}`)));
});

async function send(method: string, path: string, auth: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { body: text ? parseJson(text, `${method} ${path}`) : undefined, etag: res.headers.get("etag") ?? undefined };
}

async function inBatches<T>(n: number, size: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => work(i + j)))));
  return out;
}

// Seed: candidates (signed up, profile filled; two thirds accepted the terms and share), employers.
const t0 = performance.now();
const coach = await token("coach", { municipality: M });
const version = asString(get(parseJson(await (await fetch(`${base}/terms`)).text(), "terms"), "version"), "terms version");
const candidates = await inBatches(CANDIDATES, 20, async (i) => {
  const invited = await send("POST", "/candidates", coach, {
    admin: {
      clientNumber: `LD-${i}`,
      firstName: "Load",
      lastName: `Test${i}`,
      email: `load${i}@example.org`,
      postcode: "3511 AB",
      targetGroups: { jobAgreement: true },
    },
  });
  const me = await token("candidate", { sub: `load-cand-${i}` });
  await send("POST", "/invitations/redeem", me, { code: asString(get(invited.body, "invitationCode"), "invitationCode") });
  await send("PATCH", "/me/profile", me, {
    profile: { skills: ["lassen", i % 2 ? "koken" : "klantcontact"], preferredOccupations: ["lasser"], availability: { hoursPerWeek: 24 } },
  });
  if (i % 3 !== 0) {
    await send("POST", "/me/terms", me, { version });
    await send("PUT", "/me/sharing", me, { withEmployers: true });
  }
  return { id: asString(get(invited.body, "id"), "candidate id"), token: me };
});
const accountManager = await token("accountManager", { municipality: M });
const employers = await inBatches(EMPLOYERS, EMPLOYERS, async (i) => {
  const created = await send("POST", "/employers", accountManager, {
    companyName: `Laadtest ${i} B.V.`,
    kvkNumber: String(20_000_000 + i),
    address: { street: "Dorpsstraat 1", postcode: "3511 AB", city: "Utrecht" },
    contact: { firstName: "Eva", lastName: "Smit", email: `eva${i}@bedrijf.example`, phone: "030 1234567" },
  });
  const me = await token("employer", { sub: `load-emp-${i}` });
  await send("POST", "/invitations/redeem", me, { code: asString(get(created.body, "invitationCode"), "invitationCode") });
  return me;
});
console.log(
  `seeded ${CANDIDATES} candidates (${candidates.length - Math.ceil(CANDIDATES / 3)} shared) and ${EMPLOYERS} employer users in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const config = join(dir, "load.json");
await writeFile(config, JSON.stringify({ base, seconds: SECONDS, connections: CONNECTIONS, coach, candidates, employers }));

// RSS of the API process (the emulators are processes of their own), every 5 s.
const rssMb = async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${api.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const rss: { at: number; mb: number }[] = [{ at: 0, mb: await rssMb() }];
const started = Date.now();
const sampler = setInterval(() => void rssMb().then((mb) => rss.push({ at: Math.round((Date.now() - started) / 1000), mb })), 5000);

const client = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./load-client.ts", import.meta.url)), config], {
  stdio: ["ignore", "pipe", "inherit"],
});
let report = "";
client.stdout.on("data", (c: Buffer) => (report += c.toString()));
const code = await new Promise<number | null>((r) => client.once("exit", r));
clearInterval(sampler);
rss.push({ at: Math.round((Date.now() - started) / 1000), mb: await rssMb() });
if (code !== 0) throw new Error(`load client failed (${code})`);

console.log(report.trimEnd());
console.log(`API process RSS (MB) every 5 s: ${rss.map((s) => `${s.at}s ${s.mb.toFixed(0)}`).join(", ")}`);
const later = rss.slice(Math.floor(rss.length / 2));
console.log(
  `  first half max ${Math.max(...rss.slice(0, Math.ceil(rss.length / 2)).map((s) => s.mb)).toFixed(0)} MB, second half max ${Math.max(...later.map((s) => s.mb)).toFixed(0)} MB`,
);
const lines = apiErrors.trimEnd().split("\n").filter(Boolean);
console.log(`API warnings and errors: ${lines.length}${lines.length ? "" : " (none)"}`);
for (const line of lines.slice(0, 20)) console.log(`  ${line}`);
if (lines.length > 20) console.log(`  … and ${lines.length - 20} more`);
stop();
await new Promise((r) => api.once("exit", r));
process.exit(0);
