import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalHost } from "../dev/host.js";
import "../functions/index.js";
import { registeredRoutes } from "../shared/http/routes.js";
import { allowBrowserUploads } from "../shared/storage/blob.js";
import { signedUpCandidate, newMunicipality } from "./support/factories.js";
import { pdf } from "./support/files.js";
import { call } from "./support/http.js";

// Debian's Chromium, which .ci/run installs; a missing browser fails the test rather than skipping it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let api: Server;
let page: Server;
let browser: Browser;
let apiUrl: string;
let origin: string;

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

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
</script>`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
  page = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(CLIENT_PAGE));
  origin = await listen(page);
  api = createLocalHost(registeredRoutes, { allowedOrigins: [origin] });
  apiUrl = `${await listen(api)}/api`;
  await allowBrowserUploads([origin]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  page?.close();
  api?.close();
});

describe("uploading from a real browser", () => {
  it("when a web page on an allowed origin uploads a CV, then CORS lets every step through and the stored bytes are the same", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const bytes = pdf(300_000);
    const tab = await browser.newPage();
    await tab.goto(origin);

    const result = await tab.evaluate(
      ([a, t, b]) => (globalThis as unknown as { uploadFile: (...x: string[]) => Promise<Record<string, unknown>> }).uploadFile(a!, t!, b!, "mijn cv.pdf"),
      [apiUrl, c.token, bytes.toString("base64")],
    );

    expect(result).toMatchObject({ start: 201, put: 201, complete: 200 });
    const link = await call("GET", `/api/candidates/${c.id}/files/cv`, { token: c.coach });
    const stored = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(stored.equals(bytes)).toBe(true);
  });

  it("when the page is on an origin that is not allowed, then the browser blocks the upload", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const stranger = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(CLIENT_PAGE));
    const strangerOrigin = await listen(stranger);
    const tab = await browser.newPage();
    await tab.goto(strangerOrigin);

    const error = await tab.evaluate(
      ([a, t]) => (globalThis as unknown as { uploadFile: (...x: string[]) => Promise<unknown> }).uploadFile(a!, t!, "JVBERi0=", "x.pdf").then(() => "no error", (e: Error) => e.message),
      [apiUrl, c.token],
    );

    stranger.close();
    expect(error).toMatch(/Failed to fetch/);
  });
});
