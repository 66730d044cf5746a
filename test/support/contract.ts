import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import "../../functions/index.js";
import { matchRoute } from "../../dev/host.js";
import { actAsWorker, httpFunctions } from "../../dev/worker.js";
import { openApiDocument } from "../../shared/http/openapi.js";
import { asJson, asObject, asString, get, keysOf, type Json, type JsonObject } from "./json.js";

/**
 * Every answer a test gets is checked against the OpenAPI document: its status must be listed
 * for the operation (explicitly: `default` does not count), its body must match the schema of
 * its media type, and every header it sends must be described (required ones must be there).
 * A mismatch fails the test that caused it.
 */

// ajv-formats is CommonJS: under ESM its default import is `module.exports`, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

/** Headers every answer may carry without the document naming them. */
const STANDARD_HEADERS = new Set([
  "content-type",
  "content-length",
  "cache-control",
  "x-content-type-options",
  "vary",
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
]);
const isStandard = (name: string) => STANDARD_HEADERS.has(name) || name.startsWith("access-control-");

interface Operation {
  method: string;
  path: string;
  op: JsonObject;
}

interface Contract {
  doc: Json;
  ajv: Ajv2020;
  operations: Map<string, Operation>;
  validators: Map<string, ValidateFunction>;
}

let contract: Contract | undefined;

function load(): Contract {
  if (contract) return contract;
  const doc = openApiDocument();
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: true });
  addFormats(ajv);
  // OpenAPI's own keyword in schemas: an annotation for clients (oneOf and const check it here).
  ajv.addKeyword({ keyword: "discriminator" });
  // The document is added whole, so `#/components/...` references resolve; its top-level
  // members are not schema keywords, and only the schemas inside are compiled.
  ajv.addVocabulary(Object.keys(doc).filter((k) => !k.startsWith("$")));
  ajv.addSchema(doc, "openapi.json");
  const json = asJson(doc, "the OpenAPI document");
  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(asObject(get(json, "paths"), "paths"))) {
    for (const [method, value] of Object.entries(asObject(item, path))) {
      const op = asObject(value, `${method} ${path}`);
      operations.set(asString(op.operationId, `${method} ${path} operationId`), { method: method.toUpperCase(), path, op });
    }
  }
  contract = { doc: json, ajv, operations, validators: new Map() };
  return contract;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** Follows a `$ref` inside the document (components.responses, components.headers). */
function resolve(doc: Json, value: Json | undefined, at: string[]): { value: JsonObject; at: string[] } {
  const object = asObject(value, pointer(...at));
  if (typeof object.$ref !== "string") return { value: object, at };
  const parts = object.$ref.replace(/^#\//, "").split("/");
  return resolve(doc, get(doc, ...parts), parts);
}

function validator(c: Contract, at: string[]): ValidateFunction {
  const key = pointer(...at);
  let validate = c.validators.get(key);
  if (!validate) {
    validate = c.ajv.compile({ $ref: `openapi.json#/${key}` });
    c.validators.set(key, validate);
  }
  return validate;
}

export interface Answer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The raw body text ("" when none; undefined when it cannot be had: then status and headers are checked). */
  text: string | undefined;
}

/** The problems of one answer against the document; empty when it conforms. */
export function contractProblems(operationId: string, answer: Answer): string[] {
  const c = load();
  const operation = c.operations.get(operationId);
  if (!operation) return [`the OpenAPI document has no operation ${operationId}`];
  const where = `${operation.method} ${operation.path} → ${answer.status}`;
  const declared = get(operation.op, "responses", String(answer.status));
  if (!declared)
    return [`${where}: status ${answer.status} is not documented (documented: ${keysOf(operation.op.responses, where).join(", ")})`];
  const { value: response, at } = resolve(c.doc, declared, [
    "paths",
    operation.path,
    operation.method.toLowerCase(),
    "responses",
    String(answer.status),
  ]);
  const problems: string[] = [];

  // Headers: each one sent is described; each required one is sent; values fit their schema.
  const described = new Map<string, { header: JsonObject; at: string[] }>();
  for (const [name, h] of Object.entries(asObject(response.headers ?? {}, `${where} headers`))) {
    const r = resolve(c.doc, h, [...at, "headers", name]);
    described.set(name.toLowerCase(), { header: r.value, at: r.at });
  }
  for (const [name, value] of Object.entries(answer.headers)) {
    if (isStandard(name)) continue;
    const d = described.get(name);
    if (!d) {
      problems.push(`${where}: header ${name} is sent but not described`);
      continue;
    }
    const typed = get(d.header, "schema", "type") === "integer" && /^-?\d+$/.test(value) ? Number(value) : value;
    const validate = validator(c, [...d.at, "schema"]);
    if (!validate(typed)) problems.push(`${where}: header ${name}: ${JSON.stringify(value)} ${c.ajv.errorsText(validate.errors)}`);
  }
  for (const [name, d] of described) {
    if (d.header.required === true && answer.headers[name] === undefined) problems.push(`${where}: required header ${name} is missing`);
  }

  // Body: its media type is documented, and it matches that schema.
  const content = asObject(response.content ?? {}, `${where} content`);
  const mediaType = (answer.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (answer.text === undefined) return problems;
  if (!answer.text) {
    if (Object.keys(content).length) problems.push(`${where}: no body, but the document describes ${Object.keys(content).join(", ")}`);
    return problems;
  }
  if (!content[mediaType]) {
    problems.push(
      `${where}: body of type ${mediaType || "(none)"} is not documented (documented: ${Object.keys(content).join(", ") || "no body"})`,
    );
    return problems;
  }
  // JSON media types are parsed; text ones (text/csv) are checked as the string they are.
  let body: unknown = answer.text;
  if (/[/+]json$/.test(mediaType)) {
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...problems, `${where}: the body is not JSON`];
    }
  }
  const validate = validator(c, [...at, "content", mediaType, "schema"]);
  if (!validate(body)) {
    const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`);
    problems.push(`${where}: the body does not match the document:\n  ${errors.join("\n  ")}`);
  }
  return problems;
}

/** Throws when the answer does not conform; call it with every answer a test gets. */
export function checkAnswer(operationId: string, answer: Answer): void {
  const problems = contractProblems(operationId, answer);
  if (problems.length) throw new Error(`The answer departs from the OpenAPI document:\n${problems.join("\n")}`);
}

/** The operation an HTTP request to the local host lands on, as the host matches it. */
export function operationOf(method: string, url: string): string | undefined {
  const match = matchRoute(httpFunctions(actAsWorker().functions), method, new URL(url).pathname);
  return typeof match === "object" ? match.fn.name : undefined;
}

/** Checks a fetch Response from the local host (reads a clone of its body). */
export async function checkFetched(method: string, url: string, res: Response): Promise<void> {
  const operationId = operationOf(method, url);
  if (!operationId) return; // not a route: the host's own 404/405
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  checkAnswer(operationId, { status: res.status, headers, text: await res.clone().text() });
}

/** `fetch` against the local host, with the answer checked against the document. */
export async function fetchChecked(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  await checkFetched(init.method ?? "GET", url, res);
  return res;
}
