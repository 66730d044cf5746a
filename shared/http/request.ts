import type { HttpRequest } from "@azure/functions";
import * as z from "zod";
import { AppError, badRequest, parseOr400 } from "../domain/errors.js";

const MAX_JSON_BYTES = 256 * 1024;

/**
 * Deepest nesting of arrays and objects a body may have (ours need 5). Checked first, in linear
 * time: the checks after it keep each value's path, so a 40 KB `[[[[…]]]]` cost them half a
 * minute of CPU before this limit (found by test/fuzz.test.ts).
 */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests deeper than `max` (iterative, each node visited once). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (node === null || typeof node !== "object") continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

const unsupported = (detail: string) => new AppError(415, "Unsupported Media Type", detail);

/** 415 unless the Content-Type is JSON (`application/json` or `application/…+json`) in UTF-8. */
function refuseNonJson(contentType: string): void {
  const [type = "", ...params] = contentType.split(";").map((p) => p.trim());
  if (!/^application\/(?:[a-z0-9.!#$&^_-]+\+)?json$/i.test(type)) {
    throw unsupported("send the body as JSON with 'Content-Type: application/json'");
  }
  for (const param of params) {
    const [name = "", value = ""] = param.split("=", 2).map((p) => p.trim());
    if (name.toLowerCase() !== "charset") continue;
    if (!/^"?utf-?8"?$/i.test(value))
      throw unsupported("JSON bodies must be UTF-8: send 'Content-Type: application/json' or '…; charset=utf-8'");
  }
}

/** Keys that would reach an object's prototype in code that copies them; refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The path of the first forbidden key in a parsed JSON value, or undefined (iterative: deep nesting is safe). */
function forbiddenKeyPath(value: unknown): string | undefined {
  const stack: [unknown, string[]][] = [[value, []]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, path] = top;
    if (node === null || typeof node !== "object") continue;
    for (const [key, child] of Object.entries(node)) {
      const at = [...path, key];
      if (!Array.isArray(node) && FORBIDDEN_KEYS.has(key)) return at.join(".");
      stack.push([child, at]);
    }
  }
  return undefined;
}

/** UTF-8, dropping a leading byte order mark, as text() does. */
const utf8 = new TextDecoder();

/**
 * The body's bytes, chunk by chunk, refused (413) once past `limit`: a body that declares no
 * length, or a false one, is never held whole. Also cheaper than the request's arrayBuffer(),
 * which reads the same stream in more steps (in the PATCH handler's profile, npm run bench).
 */
async function readBytes(request: HttpRequest, limit: number): Promise<Uint8Array> {
  const reader = (request.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(next.value);
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}

/** Reads and parses a JSON body, with clear 4xx errors for anything but a small JSON document. */
export async function readJson(request: HttpRequest): Promise<unknown> {
  refuseNonJson(request.headers.get("content-type") ?? "");
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_JSON_BYTES) throw tooLarge();
  const text = utf8.decode(await readBytes(request, MAX_JSON_BYTES));
  if (!text.trim()) throw badRequest("the request needs a JSON body");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("the body is not valid JSON");
  }
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH))
    throw badRequest(`the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  const forbidden = forbiddenKeyPath(parsed);
  if (forbidden !== undefined) {
    throw badRequest("the body uses a key that is not allowed in any request", [
      { path: forbidden, message: "'__proto__', 'constructor' and 'prototype' are not accepted as keys; remove it" },
    ]);
  }
  return parsed;
}

const tooLarge = () => new AppError(413, "Content Too Large", `JSON bodies are limited to ${MAX_JSON_BYTES / 1024} KB`);

/** Query parameters as an object; a repeated key becomes an array. */
export function queryObject(request: HttpRequest): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(request.query.keys())) {
    const [first, ...more] = request.query.getAll(key);
    if (first !== undefined) out[key] = more.length ? [first, ...more] : first;
  }
  return out;
}

export const parseQuery = <T extends z.ZodType>(schema: T, request: HttpRequest): z.infer<T> =>
  parseOr400(schema, queryObject(request), "the query string", []);

/**
 * The caller's address as the platform's front end reports it: the last X-Forwarded-For hop
 * (the one Azure's front end appended), without the port.
 */
export function clientIp(request: HttpRequest): string | undefined {
  const hops = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const last = hops.at(-1);
  if (!last) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last);
  if (bracketed) return bracketed[1];
  return /^[\d.]+:\d+$/.test(last) ? last.slice(0, last.lastIndexOf(":")) : last;
}

export const PageQuery = {
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  continuation: z.string().min(1).max(4000).optional(),
};
