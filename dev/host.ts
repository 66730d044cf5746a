import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import azureFunctions, { type HttpResponseInit } from "@azure/functions";
import type { TimerSpec } from "../shared/http/timers.js";
import { problem } from "../shared/http/problem.js";
import type { HttpFunction } from "./worker.js";

// The package is CommonJS; these two classes are only reachable through its default export under ESM.
const { HttpRequest, InvocationContext } = azureFunctions;

const MAX_BODY_BYTES = 100 * 1024 * 1024; // what the Azure Functions front end accepts

interface Match {
  fn: HttpFunction;
  params: Record<string, string>;
}

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // malformed percent-encoding
  }
};

/** Matches `/api/...` against Azure route templates; literal segments win over `{params}`. */
export function matchRoute(functions: HttpFunction[], method: string, pathname: string): Match | "method" | "malformed" | undefined {
  const segments = pathname
    .replace(/^\/api\/?/, "")
    .split("/")
    .filter(Boolean)
    .map(decode);
  if (segments.includes(undefined)) return "malformed";
  let best: { match: Match; literals: number } | undefined;
  let pathKnown = false;
  for (const fn of functions) {
    const template = fn.route.split("/");
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const fits = template.every((part, i) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      const segment = segments[i];
      if (param && segment !== undefined) return ((params[param] = segment), true);
      literals++;
      return part === segment;
    });
    if (!fits) continue;
    pathKnown = true;
    if (!fn.methods.includes(method)) continue;
    if (!best || literals > best.literals) best = { match: { fn, params }, literals };
  }
  return best?.match ?? (pathKnown ? "method" : undefined);
}

async function readBody(req: IncomingMessage): Promise<Buffer | "too large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return "too large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, init: HttpResponseInit): void {
  res.statusCode = init.status ?? 200;
  for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) res.setHeader(name, value);
  res.end(typeof init.body === "string" ? init.body : undefined);
}

/**
 * What Azure's platform CORS (`siteConfig.cors`) does in front of a Function App: an allowed
 * origin gets `Access-Control-Allow-Origin`, a preflight is answered with what it asked for. It
 * exposes no response headers: the app must name them itself (shared/http/routes.ts does).
 */
function cors(req: IncomingMessage, res: ServerResponse, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || !allowedOrigins.includes(origin)) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  if (req.method !== "OPTIONS") return false;
  res.setHeader("Access-Control-Allow-Methods", req.headers["access-control-request-method"] ?? "GET");
  const asked = req.headers["access-control-request-headers"];
  if (asked) res.setHeader("Access-Control-Allow-Headers", asked);
  res.writeHead(204).end();
  return true;
}

export interface LocalHostOptions {
  log?: (line: string) => void;
  allowedOrigins?: string[];
}

/**
 * The local stand-in for the Functions host: serves the HTTP functions the app registered with
 * the worker (dev/worker.ts) under /api, handing each handler real `HttpRequest` and
 * `InvocationContext` objects.
 */
export function createLocalHost(functions: HttpFunction[], { log = () => {}, allowedOrigins = [] }: LocalHostOptions = {}): Server {
  return createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      // The handlers answer every error themselves; this is the host's own failure (a broken connection).
      log(`local host: ${err instanceof Error ? err.name : "error"} on ${req.method} request`);
      if (!res.headersSent) send(res, problem(500, "Internal Server Error", "the local host failed"));
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!cors(req, res, allowedOrigins)) send(res, await answer(req));
  }

  async function answer(req: IncomingMessage): Promise<HttpResponseInit> {
    const started = Date.now();
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    const method = req.method ?? "GET";
    const found = url.pathname.startsWith("/api/") ? matchRoute(functions, method, url.pathname) : undefined;
    if (found === "malformed") return problem(400, "Bad Request", "the path has malformed percent-encoding");
    if (!found) return problem(404, "Not Found", `no route ${method} ${url.pathname}; see /api/openapi.json`);
    if (found === "method") return problem(405, "Method Not Allowed", `${method} is not supported on ${url.pathname}`);

    const body = await readBody(req);
    if (body === "too large") return problem(413, "Content Too Large", "the request body is too large");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    // Like Azure's front end: append the caller's address as the last X-Forwarded-For hop.
    const peer = req.socket.remoteAddress ?? "";
    headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${headers["x-forwarded-for"]}, ${peer}` : peer;

    const { fn, params } = found;
    const request = new HttpRequest({ method, url: url.toString(), headers, params, body: { bytes: body } });
    const invocationId = randomUUID();
    const context = new InvocationContext({
      functionName: fn.name,
      invocationId,
      logHandler: (level, ...args) => log(`[${level}] ${fn.name} ${invocationId}: ${args.map(String).join(" ")}`),
    });
    const response = await fn.handler(request, context);
    log(`${method} ${url.pathname} ${response.status ?? 200} ${Date.now() - started}ms`);
    return response;
  }
}

/** The local stand-in for timer triggers: each timer runs every `localEveryMinutes`. */
export function scheduleTimers(timers: TimerSpec[], log: (line: string) => void): void {
  for (const t of timers) {
    const tick = () =>
      t
        .run(new InvocationContext({ functionName: t.name, invocationId: randomUUID() }))
        .then((summary) => log(`${t.name}: ${JSON.stringify(summary)}`))
        .catch((err: unknown) => console.error(`${t.name} failed: ${err instanceof Error ? err.name : String(err)}`));
    setInterval(() => void tick(), t.localEveryMinutes * 60_000).unref();
  }
}
