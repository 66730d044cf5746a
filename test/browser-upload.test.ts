import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../functions/index.js";
import { allowBrowserUploads } from "../shared/storage/blob.js";
import { checkAnswer, operationOf } from "./support/contract.js";
import { signedUpCandidate, newMunicipality, tokenFor, buildAdmin } from "./support/factories.js";
import { pdf } from "./support/files.js";
import { call, type Schema } from "./support/http.js";

// Debian's Chromium, which .ci/run installs; a missing browser fails the test rather than skipping it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// The browser talks to the built app (dist/, as deployed) in a process of its own, behind the
// local host's stand-in for Azure's platform CORS, configured as infra/ configures the Function
// App: the allowed origins, nothing else. Whatever the browser can read, the app exposed itself.
// Undefined until beforeAll gets that far: afterAll closes what there is.
let api: ChildProcess | undefined;
let page: Server | undefined;
let browser: Browser | undefined;
let apiUrl: string;
let origin: string;

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

// The functions the page below defines, as the tests call them inside the browser.
declare global {
  function uploadFile(api: string, token: string, base64: string, fileName: string): Promise<Record<string, unknown>>;
  function readHeaders(api: string, coach: string, candidate: string): Promise<Record<string, unknown>>;
}

// The web client, as small as it gets: ask for an upload URL, PUT the file, complete it.
const CLIENT_PAGE = `<!doctype html><meta charset="utf-8"><title>upload</title><script>
async function uploadFile(api, token, base64, fileName) {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const file = new File([bytes], fileName, { type: "application/pdf" });
  const auth = { Authorization: "Bearer " + token, "Content-Type": "application/json" };
  const start = await fetch(api + "/me/uploads", { method: "POST", headers: auth,
    body: JSON.stringify({ kind: "cv", contentType: file.type, size: file.size, fileName: file.name }) });
  const ticket = await start.json();
  const put = await fetch(ticket.uploadUrl, { method: ticket.method, headers: ticket.headers, body: file });
  const done = await fetch(api + "/me/uploads/" + ticket.uploadId + "/complete", { method: "POST", headers: auth });
  return { start: start.status, put: put.status, complete: done.status, record: await done.json() };
}

// What a web client reads from answers: Location of what it created, the ETag it sends back as
// If-Match, and Retry-After when it must wait.
async function readHeaders(api, coach, candidate) {
  const json = (token) => ({ Authorization: "Bearer " + token, "Content-Type": "application/json" });
  const created = await fetch(api + "/candidates", { method: "POST", headers: json(coach),
    body: JSON.stringify({ admin: ${JSON.stringify(buildAdmin({ lastName: "Browser" }))} }) });
  const location = created.headers.get("Location");
  const read = await fetch(api + location.slice("/api".length), { headers: json(coach) });
  const etag = read.headers.get("ETag");
  const patch = (ifMatch) => fetch(api + location.slice("/api".length), { method: "PATCH",
    headers: { ...json(coach), "If-Match": ifMatch }, body: JSON.stringify({ admin: { firstName: "Bea" } }) });
  const fresh = await patch(etag);
  const stale = await patch(etag);
  let retryAfter = null;
  for (let i = 0; i < 11 && retryAfter === null; i++) {
    const start = await fetch(api + "/me/uploads", { method: "POST", headers: json(candidate),
      body: JSON.stringify({ kind: "photo", contentType: "image/png", size: 1000, fileName: "foto.png" }) });
    if (start.status === 429) retryAfter = start.headers.get("Retry-After");
  }
  return { created: created.status, location, etag, fresh: fresh.status, stale: stale.status, retryAfter };
}
</script>`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
  page = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(CLIENT_PAGE));
  origin = await listen(page);
  const app = spawn(process.execPath, ["--import", "tsx", "dev/serve-built.ts"], {
    env: { ...process.env, CORS_ALLOWED_ORIGINS: origin },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  api = app;
  apiUrl = await new Promise<string>((resolve, reject) => {
    app.stdout!.on("data", (chunk: Buffer) => {
      const url = /built app on (\S+)/.exec(chunk.toString())?.[1];
      if (url) resolve(url);
    });
    app.once("exit", (code) => reject(new Error(`the built app exited (${code})`)));
  });
  await allowBrowserUploads([origin]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  page?.close();
  api?.kill();
});

/**
 * A tab whose answers from the API are held to the OpenAPI document (status and headers: the
 * browser does not hand over bodies the page never read); `checked()` awaits the checks.
 */
async function checkedTab(): Promise<{ tab: Page; checked: () => Promise<unknown> }> {
  const tab = await browser!.newPage();
  const checks: Promise<void>[] = [];
  tab.on("response", (res) => {
    const operationId = res.url().startsWith(apiUrl) ? operationOf(res.request().method(), res.url()) : undefined;
    if (!operationId) return; // preflights, Blob storage, the page itself
    checks.push(
      (async () => {
        checkAnswer(operationId, { status: res.status(), headers: await res.allHeaders(), text: undefined });
      })(),
    );
  });
  return { tab, checked: () => Promise.all(checks) };
}

describe("a browser client of the built app behind Azure's platform CORS", () => {
  it("when the page reads Location, ETag and Retry-After, then it gets them and the ETag works as If-Match", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const { tab, checked } = await checkedTab();
    await tab.goto(origin);

    const seen = await tab.evaluate(
      ([a, coach, candidate]) => globalThis.readHeaders(a!, coach!, candidate!),
      [apiUrl, await tokenFor("coach", m), c.token],
    );

    await checked();
    expect(seen).toMatchObject({ created: 201, fresh: 200, stale: 412, retryAfter: "3600" });
    expect(seen.location).toMatch(new RegExp(`^/api/candidates/${m}\\.`));
    expect(seen.etag).toMatch(/^".+"$/);
  });
});

describe("uploading from a real browser", () => {
  it("when a web page on an allowed origin uploads a CV, then CORS lets every step through and the stored bytes are the same", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const bytes = pdf(300_000);
    const { tab, checked } = await checkedTab();
    await tab.goto(origin);

    const result = await tab.evaluate(
      ([a, t, b]) => globalThis.uploadFile(a!, t!, b!, "mijn cv.pdf"),
      [apiUrl, c.token, bytes.toString("base64")],
    );

    await checked();
    expect(result).toMatchObject({ start: 201, put: 201, complete: 200 });
    const link = await call<Schema<"FileLink">>("GET", `/api/candidates/${c.id}/files/cv`, { token: c.coach });
    const stored = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(stored.equals(bytes)).toBe(true);
  });

  it("when the page is on an origin that is not allowed, then the browser blocks the upload", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const stranger = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(CLIENT_PAGE));
    const strangerOrigin = await listen(stranger);
    const tab = await browser!.newPage();
    await tab.goto(strangerOrigin);

    const error = await tab.evaluate(
      ([a, t]) =>
        globalThis.uploadFile(a!, t!, "JVBERi0=", "x.pdf").then(
          () => "no error",
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        ),
      [apiUrl, c.token],
    );

    stranger.close();
    expect(error).toMatch(/Failed to fetch/);
  });
});
