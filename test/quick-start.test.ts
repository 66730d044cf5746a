import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fetchChecked } from "./support/contract.js";

// `npm start` as a new user runs it: its own emulators, the local host, the demo data. Every
// port 0, so the run cannot collide with anything; the banner says where the API is.
const root = fileURLToPath(new URL("..", import.meta.url));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
});

function waitFor(proc: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`exited ${code} before ${pattern}:\n${output}`)));
  });
}

describe("npm start", () => {
  it("when started with --demo, then the API answers with demo data, and Ctrl-C stops everything it started", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "dev/start.ts", "--demo"], {
      cwd: root,
      env: { ...process.env, API_PORT: "0", COSMOS_PORT: "0", AZURITE_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [, api] = await waitFor(child, /API\s+(http:\/\/localhost:\d+\/api)/, 60_000);

    const health = await fetchChecked(`${api}/health`);
    const { mintLocalToken } = await import("../shared/auth/local-issuer.js");
    const token = await mintLocalToken(process.env.LOCAL_ISSUER_KEY_FILE ?? ".local/issuer-key.json", {
      role: "candidate",
      sub: "demo-candidate-utrecht",
    });
    const me = await fetchChecked(`${api}/me/profile`, { headers: { authorization: `Bearer ${token}` } });

    expect(health.status).toBe(200);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { admin: { firstName: string } }).admin.firstName).toBe("Sanne");

    const exited = new Promise<number | null>((r) => child!.once("exit", r));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    await expect(fetch(`${api}/health`)).rejects.toThrow();
  }, 90_000);
});
