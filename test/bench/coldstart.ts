// npm run bench:coldstart — what a cold instance pays before it can serve: a fresh `node` process
// that imports the built entry (dist/, as `npm run build` makes it) and registers its functions
// with the worker's core module (the stand-in in dev/worker). Compared with the smallest v4 app
// (test/bench/hello-world-app.mjs: @azure/functions and one route), alternating, in one run.
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundle, BUNDLE_PATH } from "../../dev/bundle.js";
import { WORKER_MODULES } from "../../dev/worker.js";

const RUNS = Number(process.env.RUNS ?? 15);
const GOAL = 2;

const apps = {
  hallowerk: BUNDLE_PATH,
  "hello world": fileURLToPath(new URL("./hello-world-app.mjs", import.meta.url)),
};

/** One cold start: wall time of the whole process, and how many functions it registered. */
function coldStart(entry: string): { ms: number; registered: number } {
  const script = `await import(${JSON.stringify(pathToFileURL(entry).href)});
    const core = (await import("node:module")).createRequire(import.meta.url)("@azure/functions-core");
    process.stdout.write(String(core.functions.length));`;
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, NODE_PATH: WORKER_MODULES },
    encoding: "utf8",
  });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${entry} failed to load:\n${run.stderr}`);
  return { ms, registered: Number(run.stdout) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const { bytes } = await bundle();
console.log(`node ${process.version}, ${RUNS} cold starts each, alternating; bundle ${(bytes / 1024).toFixed(0)} KB entry`);
const times: Record<keyof typeof apps, number[]> = { hallowerk: [], "hello world": [] };
const registered: Record<string, number> = {};
coldStart(apps.hallowerk); // the first run warms the OS file cache, as a deployed package's would be
for (let i = 0; i < RUNS; i++) {
  for (const name of Object.keys(apps) as (keyof typeof apps)[]) {
    const r = coldStart(apps[name]);
    times[name].push(r.ms);
    registered[name] = r.registered;
  }
}
for (const name of Object.keys(apps) as (keyof typeof apps)[]) {
  const xs = times[name];
  console.log(
    `${name.padEnd(10)} median ${median(xs).toFixed(0)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})  ${registered[name]} functions registered`,
  );
}
const ratio = median(times.hallowerk) / median(times["hello world"]);
console.log(`ratio ${ratio.toFixed(2)}×  (goal: at most ${GOAL}×) ${ratio <= GOAL ? "met" : "NOT met"}`);
