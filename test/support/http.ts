import { randomUUID } from "node:crypto";
import azureFunctions from "@azure/functions";
import { matchRoute } from "../../dev/host.js";
import { actAsWorker, httpFunctions } from "../../dev/worker.js";
import "../../functions/index.js";
import type { components } from "../client/api.js";
import { checkAnswer, type Answer } from "./contract.js";
import { recordLog } from "./logs.js";

const { HttpRequest, InvocationContext } = azureFunctions;

/** A schema of the OpenAPI document, as openapi-typescript renders it (`npm run client:types`). */
export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];
/** The problem+json body of every 4xx and 5xx answer. */
export type Problem = Schema<"Problem">;

/** An answer; `T` is the body's schema (`call<Schema<"VacancyView">>(…)`), unknown until a test says which. */
export interface Response<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Raw body text, sent as is (for malformed-JSON cases). */
  rawBody?: string;
  /** A body that arrives in chunks, as a streamed upload does (for how much of it is read). */
  bodyStream?: ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  /**
   * Collects what the invocation logs (context.log, warn, error), one string a line. Every line is
   * also recorded in ./logs.ts, where test/support/env.ts checks it for personal data.
   */
  logs?: string[];
}

/**
 * An invocation of the handler registered with the worker for `METHOD /api/path`, in-process, with
 * real HttpRequest and InvocationContext objects, exactly as the Functions host and the local host
 * make them; `run` calls the handler and hands back the answer unchecked. Benchmarks time `run`
 * alone (the host builds the request before it calls the function) and check the answers afterwards.
 */
export function invocation(method: string, path: string, o: CallOptions = {}): { operationId: string; run: () => Promise<Answer> } {
  const url = new URL(path, "http://localhost");
  const match = matchRoute(httpFunctions(actAsWorker().functions), method, url.pathname);
  if (typeof match !== "object") throw new Error(`no route for ${method} ${url.pathname} (${match ?? "unknown"})`);
  const headers: Record<string, string> = { "x-forwarded-for": "203.0.113.7:50123", ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.rawBody;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers["content-type"] ??= "application/json";
  }
  const request = new HttpRequest({
    method,
    url: url.toString(),
    headers,
    params: match.params,
    ...(body !== undefined ? { body: { string: body } } : {}),
    ...(o.bodyStream ? { nativeRequest: new Request(url, { method, headers, body: o.bodyStream, duplex: "half" }) } : {}),
  });
  const invocationId = randomUUID();
  const context = new InvocationContext({
    functionName: match.fn.name,
    invocationId,
    logHandler: (level: unknown, ...args: unknown[]) => {
      const line = recordLog(match.fn.name, invocationId, level, args);
      o.logs?.push(line);
    },
  });
  return {
    operationId: match.fn.name,
    async run() {
      const response = await match.fn.handler(request, context);
      const text = typeof response.body === "string" ? response.body : "";
      const responseHeaders = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
      return { status: response.status ?? 200, headers: responseHeaders, text };
    },
  };
}

/**
 * Calls a handler (`invocation`). Every answer is checked against the OpenAPI document
 * (./contract.ts): an undocumented status, header or body shape fails the test.
 */
export async function call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<Response<T>> {
  const { operationId, run } = invocation(method, path, o);
  const answer = await run();
  checkAnswer(operationId, answer);
  // Text answers (text/csv) stay text; everything else the API sends is JSON.
  const plain = /^text\//.test(answer.headers["content-type"] ?? "");
  const body: unknown = answer.text ? (plain ? answer.text : JSON.parse(answer.text)) : undefined;
  // checkAnswer validated the body against the operation's schemas; `T` names which one the test expects.
  return { status: answer.status, headers: answer.headers, body: body as T };
}
