/**
 * JSON documents the tests walk (the OpenAPI document, ARM templates), typed as what JSON.parse
 * gives and narrowed where they are read: a reader that meets another shape than it expects
 * throws, naming where, which fails the test as a wrong `any` access would have, but clearly.
 */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** The value at `path` below `value` (object members, array indexes); undefined where the path leads nowhere. */
export function get(value: Json | undefined, ...path: (string | number)[]): Json | undefined {
  let v = value;
  for (const key of path) {
    if (Array.isArray(v) && typeof key === "number") v = v[key];
    else if (isObject(v) && typeof key === "string") v = v[key];
    else return undefined;
  }
  return v;
}

/** A value for an error message: its JSON, cut short. */
export const shown = (value: unknown, max = 200) => (value === undefined ? "undefined" : JSON.stringify(value).slice(0, max));

const isJson = (value: unknown): value is Json =>
  value === null ||
  typeof value === "boolean" ||
  typeof value === "number" ||
  typeof value === "string" ||
  (Array.isArray(value) ? value.every(isJson) : typeof value === "object" && Object.values(value).every(isJson));

/** A value built in memory (a module's document), checked all the way down to be JSON. */
export function asJson(value: unknown, what = "value"): Json {
  if (!isJson(value)) throw new Error(`${what} is not JSON`);
  return value;
}

/** JSON text (a file, a tool's output) as Json. */
export const parseJson = (text: string, what = "text"): Json => asJson(JSON.parse(text), what);

export function asObject(value: Json | undefined, what = "value"): JsonObject {
  if (!isObject(value)) throw new Error(`${what} is not an object: ${shown(value)}`);
  return value;
}

export function asArray(value: Json | undefined, what = "value"): Json[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array: ${shown(value)}`);
  return value;
}

export function asString(value: Json | undefined, what = "value"): string {
  if (typeof value !== "string") throw new Error(`${what} is not a string: ${shown(value)}`);
  return value;
}

/** An array of strings (`required`, `enum`, `tags`), as strings. */
export const asStrings = (value: Json | undefined, what = "value"): string[] => asArray(value, what).map((v) => asString(v, what));

/** The keys of an object (`properties`, `responses`). */
export const keysOf = (value: Json | undefined, what = "value"): string[] => Object.keys(asObject(value, what));
