// A small evaluator of ARM templates as `bicep build` writes them, for tests without a subscription:
// it "deploys" a template on paper with given parameters: parameter defaults and checks, variables,
// conditions, copy loops, nested deployments (modules, with their outputs), and the template
// functions bicep emits. What only Azure knows (an identity's principalId, an account's endpoints)
// comes from `reference()` stand-ins of the shape Azure returns. An unknown function throws.
import { createHash, randomUUID } from "node:crypto";
import { asArray, asJson, asObject, asString, get, shown, type Json, type JsonObject } from "./json.js";

export interface DeployedResource {
  type: string;
  /** Full name as ARM has it, e.g. `account/default/container`. */
  name: string;
  /** Resource id (extension resources: below their scope). */
  id: string;
  /** The scope's resource id, for extension resources (role assignments, Defender settings). */
  scope?: string;
  apiVersion: string;
  /** Names of the nested deployments it sits in, outermost first. */
  modules: string[];
  location?: string;
  kind?: string;
  tags?: JsonObject;
  sku?: JsonObject;
  identity?: JsonObject;
  properties?: JsonObject;
}

export interface Evaluation {
  resources: DeployedResource[];
  outputs: Record<string, Json>;
}

export interface Target {
  tenantId: string;
  subscriptionId: string;
  /** The subscription deployment's location (deployment().location). */
  location: string;
}

export const TARGET: Target = {
  tenantId: "00000000-0000-4000-8000-0000000000aa",
  subscriptionId: "00000000-0000-4000-8000-0000000000bb",
  location: "westeurope",
};

// ---------------------------------------------------------------------------------------------
// Expressions

type Node =
  | { k: "str"; v: string }
  | { k: "num"; v: number }
  | { k: "call"; name: string; args: Node[] }
  | { k: "prop"; obj: Node; name: string }
  | { k: "index"; obj: Node; index: Node };

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src.charAt(i++);
      }
      tokens.push(`'${s}`); // a leading quote marks a string token
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+/.exec(src.slice(i))!;
      tokens.push(m[0]);
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      tokens.push(m[0]);
      i += m[0].length;
    } else if ("(),.[]".includes(c)) {
      tokens.push(c);
      i++;
    } else throw new Error(`unexpected '${c}' in ${src}`);
  }
  return tokens;
}

function parse(src: string): Node {
  const t = tokenize(src);
  let p = 0;
  const expect = (tok: string) => {
    if (t[p] !== tok) throw new Error(`expected ${tok} at token ${p} of ${src}`);
    p++;
  };
  const primary = (): Node => {
    const tok = t[p++];
    if (tok === undefined) throw new Error(`unexpected end of ${src}`);
    if (tok.startsWith("'")) return { k: "str", v: tok.slice(1) };
    if (/^-?\d+$/.test(tok)) return { k: "num", v: Number(tok) };
    expect("(");
    const args: Node[] = [];
    if (t[p] !== ")") {
      for (;;) {
        args.push(expr());
        if (t[p] === ",") p++;
        else break;
      }
    }
    expect(")");
    return { k: "call", name: tok, args };
  };
  const expr = (): Node => {
    let node = primary();
    for (;;) {
      if (t[p] === ".") {
        p++;
        node = { k: "prop", obj: node, name: t[p++]! };
      } else if (t[p] === "[") {
        p++;
        const index = expr();
        expect("]");
        node = { k: "index", obj: node, index };
      } else return node;
    }
  };
  const node = expr();
  if (p !== t.length) throw new Error(`trailing tokens in ${src}`);
  return node;
}

const isExpression = (s: string) => s.startsWith("[") && !s.startsWith("[[") && s.endsWith("]");

interface Lambda {
  lambda: true;
  names: string[];
  body: Node;
  env: Env;
}

interface Env {
  scope: TemplateScope;
  copy: Record<string, number>;
  lambdaVars: Record<string, unknown>;
}

const hex = (...parts: unknown[]) => createHash("sha256").update(JSON.stringify(parts)).digest("hex");
/** Deterministic, GUID-shaped (not the real algorithm: only stable and distinct). */
export const fakeGuid = (...parts: unknown[]) => {
  const h = hex(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** An evaluated object (its members may be lambdas, not only JSON). */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function expectNumber(v: unknown, what: string): number {
  if (typeof v !== "number") throw new Error(`${what}: ${shown(v)} is not a number`);
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === "string" || Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}

function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function unionOf(values: unknown[]): unknown {
  const arrays = values.filter((v) => Array.isArray(v));
  if (arrays.length === values.length) {
    const out: unknown[] = [];
    for (const arr of arrays) for (const x of arr) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const obj of values) {
    if (!isRecord(obj)) throw new Error(`union() of objects and ${shown(obj)}`);
    for (const [key, value] of Object.entries(obj)) {
      const prev = out[key];
      out[key] = isRecord(prev) && isRecord(value) ? unionOf([prev, value]) : value;
    }
  }
  return out;
}

/** `/subscriptions/s/resourceGroups/g/providers/Ns/t1/n1/t2/n2` → type `Ns/t1/t2`, names [n1, n2]. */
export function parseId(id: string): { type: string; names: string[]; parent: string } {
  const at = id.lastIndexOf("/providers/");
  if (at < 0) {
    if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(id))
      return { type: "Microsoft.Resources/resourceGroups", names: [id.split("/")[4]!], parent: id.split("/").slice(0, 3).join("/") };
    throw new Error(`not a resource id: ${id}`);
  }
  const [ns, ...rest] = id.slice(at + "/providers/".length).split("/");
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]!);
    names.push(rest[i + 1]!);
  }
  return { type: [ns, ...types].join("/"), names, parent: id.slice(0, at) };
}

function buildId(base: string, type: string, names: string[]): string {
  if (type.toLowerCase() === "microsoft.resources/resourcegroups") return `${base}/resourceGroups/${names[0]}`;
  const [ns, ...types] = type.split("/");
  if (types.length !== names.length) throw new Error(`${type} needs ${types.length} name(s), got ${names.join(", ")}`);
  return `${base}/providers/${ns}/${types.map((t, i) => `${t}/${names[i]}`).join("/")}`;
}

/** What `reference()` of a resource returns in Azure, for the properties these templates read. */
export function referenceStandIn(type: string, names: string[]): JsonObject {
  const name = names.at(-1)!;
  switch (type) {
    case "Microsoft.ManagedIdentity/userAssignedIdentities":
      return { principalId: fakeGuid("principalId", name), clientId: fakeGuid("clientId", name), tenantId: TARGET.tenantId };
    case "Microsoft.Storage/storageAccounts":
      return {
        primaryEndpoints: Object.fromEntries(
          ["blob", "queue", "table", "file", "dfs", "web"].map((s) => [s, `https://${name}.${s}.core.windows.net/`]),
        ),
      };
    case "Microsoft.DocumentDB/databaseAccounts":
      return { documentEndpoint: `https://${name}.documents.azure.com:443/` };
    case "Microsoft.Insights/components":
      // The shape Azure returns: the component's id (not a secret) and its ingestion endpoint.
      return {
        ConnectionString: `InstrumentationKey=${fakeGuid("ikey", name)};IngestionEndpoint=https://${TARGET.location}-0.in.applicationinsights.azure.com/`,
      };
    case "Microsoft.KeyVault/vaults":
      return { vaultUri: `https://${name}.vault.azure.net/` };
    case "Microsoft.KeyVault/vaults/secrets":
      return {
        secretUri: `https://${names[0]}.vault.azure.net/secrets/${names[1]}`,
        secretUriWithVersion: `https://${names[0]}.vault.azure.net/secrets/${names[1]}/${hex(name).slice(0, 32)}`,
      };
    case "Microsoft.Web/sites":
      return { defaultHostName: `${name}.azurewebsites.net` };
    case "Microsoft.OperationalInsights/workspaces":
      return { customerId: fakeGuid("workspace", name) };
    case "Microsoft.Communication/communicationServices":
      return { hostName: `${name}.europe.communication.azure.com` };
    case "Microsoft.Communication/emailServices/domains":
      // An Azure-managed domain: a random subdomain of azurecomm.net.
      return { mailFromSenderDomain: `${fakeGuid("domain", names[0]!)}.azurecomm.net` };
    default:
      throw new Error(`no stand-in for reference() of ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Templates

interface DeploymentTarget {
  subscriptionId: string;
  /** Absent: a subscription-scope deployment. */
  resourceGroup?: string;
}

class TemplateScope {
  private readonly params: Record<string, unknown> = {};
  private readonly vars = new Map<string, unknown>();
  private readonly deployments = new Map<string, { raw: JsonObject; env: Env; result?: Evaluation }>();

  constructor(
    private readonly template: JsonObject,
    given: Record<string, unknown>,
    readonly target: DeploymentTarget,
    readonly modules: string[],
    readonly deploymentName: string,
  ) {
    const env = this.env();
    const declared = asObject(template.parameters ?? {}, `${this.where()}: parameters`);
    for (const [name, raw] of Object.entries(declared)) {
      const def = asObject(raw, `${this.where()}: parameter ${name}`);
      let value = name in given ? given[name] : undefined;
      if (value === undefined) {
        if (!("defaultValue" in def)) throw new Error(`${this.where()}: parameter ${name} has no value and no default`);
        value = evaluate(def.defaultValue, env);
      }
      checkParameter(`${this.where()}: parameter ${name}`, def, value);
      this.params[name] = value;
    }
    for (const name of Object.keys(given)) {
      if (!(name in declared)) throw new Error(`${this.where()}: no parameter ${name}`);
    }
    for (const r of this.resources()) {
      if (r.type === "Microsoft.Resources/deployments" && !r.copy) this.deployments.set(str(evaluate(r.name, env)), { raw: r, env });
    }
  }

  where = () => (this.modules.length ? `module ${this.modules.join("/")}` : "main");

  env(): Env {
    return { scope: this, copy: {}, lambdaVars: {} };
  }

  private resources(): JsonObject[] {
    return asArray(this.template.resources ?? [], `${this.where()}: resources`).map((r, i) =>
      asObject(r, `${this.where()}: resources[${i}]`),
    );
  }

  parameter(name: string): unknown {
    if (!(name in this.params)) throw new Error(`${this.where()}: parameters('${name}') is not declared`);
    return this.params[name];
  }

  variable(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    const defs = asObject(this.template.variables ?? {}, `${this.where()}: variables`);
    let value: unknown;
    const loop = asArray(defs.copy ?? [], `${this.where()}: variables copy`).find((c) => get(c, "name") === name);
    if (loop) {
      const env = this.env();
      const count = expectNumber(evaluate(get(loop, "count"), env), `${this.where()}: variables('${name}') count`);
      value = Array.from({ length: count }, (_, i) => evaluate(get(loop, "input"), { ...env, copy: { [name]: i, "": i } }));
    } else if (name in defs) value = evaluate(defs[name], this.env());
    else throw new Error(`${this.where()}: variables('${name}') is not declared`);
    this.vars.set(name, value);
    return value;
  }

  get resourceGroupId(): string | undefined {
    return this.target.resourceGroup
      ? `/subscriptions/${this.target.subscriptionId}/resourceGroups/${this.target.resourceGroup}`
      : undefined;
  }

  /** The base id of resources deployed at this scope. */
  get baseId(): string {
    return this.resourceGroupId ?? `/subscriptions/${this.target.subscriptionId}`;
  }

  /** Evaluates a nested deployment once; its outputs serve reference(), its resources the result. */
  deployment(name: string): Evaluation {
    const d = this.deployments.get(name);
    if (!d) throw new Error(`${this.where()}: no nested deployment ${name}`);
    if (!d.result) {
      const r = d.raw;
      if (get(r, "properties", "expressionEvaluationOptions", "scope") !== "inner")
        throw new Error(`${name}: only inner-scoped nested templates are supported`);
      const parameters: Record<string, unknown> = {};
      for (const [p, raw] of Object.entries(asObject(get(r, "properties", "parameters") ?? {}, `${name}: parameters`))) {
        // `{ value: … }`, or an expression that makes one (bicep does so for conditional secure values).
        const v = typeof raw === "string" ? evaluate(raw, d.env) : raw;
        if (!isRecord(v) || !("value" in v)) throw new Error(`${name}: parameter ${p} is not a value`);
        parameters[p] = typeof raw === "string" ? v.value : evaluate(v.value, d.env);
      }
      const rg = r.resourceGroup !== undefined ? str(evaluate(r.resourceGroup, d.env)) : this.target.resourceGroup;
      const sub = r.subscriptionId !== undefined ? str(evaluate(r.subscriptionId, d.env)) : this.target.subscriptionId;
      const inner = new TemplateScope(
        asObject(get(r, "properties", "template"), `${name}: template`),
        parameters,
        { subscriptionId: sub, resourceGroup: rg },
        [...this.modules, name],
        name,
      );
      d.result = inner.run();
    }
    return d.result;
  }

  run(): Evaluation {
    const t = this.template;
    if (t.languageVersion) throw new Error(`languageVersion ${str(t.languageVersion)} (symbolic resources) is not supported`);
    const resources: DeployedResource[] = [];
    for (const r of this.resources()) {
      const base = this.env();
      const copy = r.copy === undefined ? undefined : asObject(r.copy, `${this.where()}: copy`);
      const count = copy ? expectNumber(evaluate(copy.count, base), `${this.where()}: copy count`) : 1;
      for (let i = 0; i < count; i++) {
        const env: Env = copy ? { ...base, copy: { [asString(copy.name, "copy name")]: i, "": i } } : base;
        if (r.condition !== undefined && !evaluate(r.condition, env)) continue;
        if (r.type === "Microsoft.Resources/deployments" && get(r, "properties", "template")) {
          const name = str(evaluate(r.name, env));
          resources.push(...this.deployment(name).resources);
          continue;
        }
        resources.push(this.resource(r, env));
      }
    }
    const outputs: Record<string, Json> = {};
    for (const [name, o] of Object.entries(asObject(t.outputs ?? {}, `${this.where()}: outputs`))) {
      const env = this.env();
      const what = `${this.where()}: output ${name}`;
      const copy = get(o, "copy");
      if (copy) {
        const n = expectNumber(evaluate(get(copy, "count"), env), what);
        outputs[name] = asJson(
          Array.from({ length: n }, (_, i) => evaluate(get(copy, "input"), { ...env, copy: { "": i } })),
          what,
        );
      } else outputs[name] = asJson(evaluate(get(o, "value"), env), what);
    }
    return { resources, outputs };
  }

  private resource(r: JsonObject, env: Env): DeployedResource {
    const type = str(evaluate(r.type, env));
    const name = str(evaluate(r.name, env));
    let scope: string | undefined;
    let id: string;
    if (r.scope !== undefined) {
      const s = str(evaluate(r.scope, env));
      scope = s.startsWith("/") ? s : `${this.baseId}/providers/${s}`;
      id = buildId(scope, type, name.split("/"));
    } else id = buildId(this.baseId, type, name.split("/"));
    const out: DeployedResource = { type, name, id, apiVersion: asString(r.apiVersion, `${name}: apiVersion`), modules: this.modules };
    if (scope) out.scope = scope;
    const value = (key: string) => (r[key] === undefined ? undefined : asJson(evaluate(r[key], env), `${name}: ${key}`));
    const location = value("location");
    const kind = value("kind");
    if (location !== undefined) out.location = asString(location, `${name}: location`);
    if (kind !== undefined) out.kind = asString(kind, `${name}: kind`);
    for (const key of ["tags", "sku", "identity", "properties"] as const) {
      const v = value(key);
      if (v !== undefined) out[key] = asObject(v, `${name}: ${key}`);
    }
    return out;
  }
}

function checkParameter(what: string, def: JsonObject, value: unknown): void {
  const type = str(def.type).toLowerCase();
  const ok =
    type === "string" || type === "securestring"
      ? typeof value === "string"
      : type === "int"
        ? Number.isInteger(value)
        : type === "bool"
          ? typeof value === "boolean"
          : type === "array"
            ? Array.isArray(value)
            : type === "object" || type === "secureobject"
              ? typeof value === "object" && value !== null && !Array.isArray(value)
              : false;
  if (!ok) throw new Error(`${what}: ${JSON.stringify(value)} is not of type ${type}`);
  const { allowedValues, minLength, maxLength, minValue, maxValue } = def;
  if (Array.isArray(allowedValues) && !allowedValues.some((a) => deepEqual(a, value)))
    throw new Error(`${what}: ${JSON.stringify(value)} is not allowed`);
  if (typeof value === "string" || Array.isArray(value)) {
    if (typeof minLength === "number" && value.length < minLength) throw new Error(`${what}: shorter than ${minLength}`);
    if (typeof maxLength === "number" && value.length > maxLength) throw new Error(`${what}: longer than ${maxLength}`);
  }
  if (typeof value === "number") {
    if (typeof minValue === "number" && value < minValue) throw new Error(`${what}: below ${minValue}`);
    if (typeof maxValue === "number" && value > maxValue) throw new Error(`${what}: above ${maxValue}`);
  }
}

function evaluate(value: unknown, env: Env): unknown {
  if (typeof value === "string") {
    if (isExpression(value)) return evalNode(parse(value.slice(1, -1)), env);
    return value.startsWith("[[") ? value.slice(1) : value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, env));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "copy" && Array.isArray(v)) {
        // Property loops: `copy: [{ name, count, input }]` makes the array property `name`.
        const loops: unknown[] = v;
        for (const loop of loops) {
          if (!isRecord(loop)) throw new Error(`property loop ${shown(loop)} is not an object`);
          const name = str(loop.name);
          const n = expectNumber(evaluate(loop.count, env), `property loop ${name}`);
          out[name] = Array.from({ length: n }, (_, i) => evaluate(loop.input, { ...env, copy: { ...env.copy, [name]: i } }));
        }
      } else out[isExpression(k) ? str(evaluate(k, env)) : k] = evaluate(v, env); // ARM evaluates expression keys too
    }
    return out;
  }
  return value;
}

const isLambda = (v: unknown): v is Lambda => isRecord(v) && v.lambda === true;

function callLambda(l: unknown, args: unknown[]): unknown {
  if (!isLambda(l)) throw new Error("expected a lambda");
  const vars = { ...l.env.lambdaVars };
  l.names.forEach((n, i) => (vars[n] = args[i]));
  return evalNode(l.body, { ...l.env, lambdaVars: vars });
}

function evalNode(node: Node, env: Env): unknown {
  switch (node.k) {
    case "str":
    case "num":
      return node.v;
    case "prop": {
      const obj = evalNode(node.obj, env);
      if (!isRecord(obj) || !(node.name in obj)) throw new Error(`property ${node.name} not found on ${shown(obj)}`);
      return obj[node.name];
    }
    case "index": {
      const obj = evalNode(node.obj, env);
      const index = evalNode(node.index, env);
      if (Array.isArray(obj) && typeof index === "number" && index in obj) return obj[index];
      if (isRecord(obj) && typeof index === "string" && index in obj) return obj[index];
      throw new Error(`[${str(index)}] not found on ${shown(obj)}`);
    }
    case "call":
      return call(node.name, node.args, env);
  }
}

function call(name: string, argNodes: Node[], env: Env): unknown {
  const lazy = (i: number) => evalNode(argNodes[i]!, env);
  const scope = env.scope;
  switch (name) {
    // Control flow evaluates only what it needs, as ARM does.
    case "if":
      return lazy(0) ? lazy(1) : lazy(2);
    case "and":
      return argNodes.every((_, i) => Boolean(lazy(i)));
    case "or":
      return argNodes.some((_, i) => Boolean(lazy(i)));
    case "coalesce":
      for (let i = 0; i < argNodes.length; i++) {
        const v = lazy(i);
        if (v !== null && v !== undefined) return v;
      }
      return null;
    case "lambda": {
      const names = argNodes.slice(0, -1).map((n) =>
        n.k === "str"
          ? n.v
          : (() => {
              throw new Error("lambda names must be strings");
            })(),
      );
      return { lambda: true, names, body: argNodes.at(-1)!, env } satisfies Lambda;
    }
  }
  const a = argNodes.map((n) => evalNode(n, env));
  const arg = <T>(i: number, kind: string, is: (v: unknown) => v is T): T => {
    const v = a[i];
    if (!is(v)) throw new Error(`${name}(): argument ${i + 1} is not ${kind}: ${shown(v)}`);
    return v;
  };
  const text = (i: number) => arg(i, "a string", (v) => typeof v === "string");
  const texts = (from: number) => a.slice(from).map((_, i) => text(from + i));
  const num = (i: number) => arg(i, "a number", (v) => typeof v === "number");
  const list = (i: number) => arg(i, "an array", (v): v is unknown[] => Array.isArray(v));
  const seq = (i: number) => arg(i, "a string or an array", (v): v is string | unknown[] => typeof v === "string" || Array.isArray(v));
  const object = (i: number) => arg(i, "an object", isRecord);
  /** ARM compares two numbers or two strings. */
  const order = (): number => {
    const [x, y] = a;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "string" && typeof y === "string") return x < y ? -1 : x > y ? 1 : 0;
    throw new Error(`${name}(): cannot compare ${shown(x)} and ${shown(y)}`);
  };
  switch (name) {
    case "parameters":
      return scope.parameter(text(0));
    case "variables":
      return scope.variable(text(0));
    case "lambdaVariables": {
      const v = text(0);
      if (!(v in env.lambdaVars)) throw new Error(`lambdaVariables('${v}') is not bound`);
      return env.lambdaVars[v];
    }
    case "copyIndex": {
      const [first, second] = a;
      const loop = typeof first === "string" ? first : "";
      const offset = typeof first === "number" ? first : typeof second === "number" ? second : 0;
      if (!(loop in env.copy)) throw new Error(`copyIndex(${loop}) outside its loop`);
      return env.copy[loop]! + offset;
    }
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "not":
      return !a[0];
    case "equals":
      return deepEqual(a[0], a[1]);
    case "empty":
      return isEmpty(a[0]);
    case "length": {
      const v = a[0];
      return isRecord(v) ? Object.keys(v).length : seq(0).length;
    }
    case "contains": {
      const [container, item] = a;
      if (typeof container === "string") return container.toLowerCase().includes(String(item).toLowerCase());
      if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
      return text(1) in object(0);
    }
    case "greater":
      return order() > 0;
    case "greaterOrEquals":
      return order() >= 0;
    case "less":
      return order() < 0;
    case "lessOrEquals":
      return order() <= 0;
    case "add":
      return num(0) + num(1);
    case "sub":
      return num(0) - num(1);
    case "mul":
      return num(0) * num(1);
    case "div":
      return Math.trunc(num(0) / num(1));
    case "int":
      return Number.parseInt(String(a[0]), 10);
    case "string":
      return str(a[0]);
    case "bool":
      return a[0] === true || String(a[0]).toLowerCase() === "true";
    case "json":
      return asJson(JSON.parse(text(0)));
    case "format":
      return text(0).replace(/\{(\d+)(?::[^}]*)?\}/g, (_, i: string) => str(a[Number(i) + 1]));
    case "concat":
      return Array.isArray(a[0]) ? a.flat() : a.map(str).join("");
    case "createObject": {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < a.length; i += 2) o[text(i)] = a[i + 1];
      return o;
    }
    case "createArray":
      return a;
    case "union":
      return unionOf(a);
    case "tryGet": {
      let v = a[0];
      for (const key of a.slice(1)) {
        if (isRecord(v) && typeof key === "string") v = v[key] ?? null;
        else if (Array.isArray(v) && typeof key === "number") v = v[key] ?? null;
        else v = null;
      }
      return v;
    }
    case "items":
      return Object.entries(object(0)).map(([key, value]) => ({ key, value }));
    case "toLower":
      return String(a[0]).toLowerCase();
    case "toUpper":
      return String(a[0]).toUpperCase();
    case "trim":
      return String(a[0]).trim();
    case "split": {
      const delimiters = a[1];
      return String(a[0]).split(
        Array.isArray(delimiters) ? new RegExp(delimiters.map((d) => String(d).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")) : text(1),
      );
    }
    case "join":
      return list(0).map(str).join(text(1));
    case "replace":
      return String(a[0]).split(text(1)).join(text(2));
    case "startsWith":
      return String(a[0]).toLowerCase().startsWith(String(a[1]).toLowerCase());
    case "endsWith":
      return String(a[0]).toLowerCase().endsWith(String(a[1]).toLowerCase());
    case "substring": {
      const start = num(1);
      return String(a[0]).slice(start, a[2] === undefined ? undefined : start + num(2));
    }
    case "take":
      return seq(0).slice(0, num(1));
    case "skip":
      return seq(0).slice(num(1));
    case "first":
      return seq(0)[0];
    case "last":
      return seq(0).at(-1);
    case "filter":
      return list(0).filter((x, i) => callLambda(a[1], [x, i]));
    case "map":
      return list(0).map((x, i) => callLambda(a[1], [x, i]));
    case "guid":
      return fakeGuid("guid", ...a);
    case "uniqueString":
      return BigInt(`0x${hex("uniqueString", ...a).slice(0, 16)}`)
        .toString(36)
        .padStart(13, "a")
        .slice(0, 13);
    case "newGuid":
      return randomUUID();
    case "subscription":
      return {
        id: `/subscriptions/${TARGET.subscriptionId}`,
        subscriptionId: TARGET.subscriptionId,
        tenantId: TARGET.tenantId,
        displayName: "test",
      };
    case "tenant":
      return { tenantId: TARGET.tenantId };
    case "resourceGroup": {
      const id = scope.resourceGroupId;
      if (!id) throw new Error("resourceGroup() in a subscription-scope template");
      return { id, name: scope.target.resourceGroup, location: TARGET.location, type: "Microsoft.Resources/resourceGroups" };
    }
    case "deployment":
      return { name: scope.deploymentName, location: TARGET.location, properties: {} };
    case "environment":
      return { name: "AzureCloud", suffixes: { storage: "core.windows.net", keyvaultDns: ".vault.azure.net" } };
    case "resourceId": {
      const at = a.findIndex((x) => typeof x === "string" && x.includes("/"));
      const [sub, rg] =
        at === 2
          ? [text(0), text(1)]
          : at === 1
            ? [scope.target.subscriptionId, text(0)]
            : [scope.target.subscriptionId, scope.target.resourceGroup];
      const base = rg ? `/subscriptions/${sub}/resourceGroups/${rg}` : `/subscriptions/${sub}`;
      return buildId(base, text(at), texts(at + 1));
    }
    case "subscriptionResourceId": {
      const at = a.findIndex((x) => typeof x === "string" && x.includes("/"));
      const sub = at === 1 ? text(0) : scope.target.subscriptionId;
      return buildId(`/subscriptions/${sub}`, text(at), texts(at + 1));
    }
    case "extensionResourceId":
      return buildId(text(0), text(1), texts(2));
    case "tenantResourceId":
      return buildId("", text(0), texts(1));
    case "reference": {
      const target = String(a[0]);
      if (!target.startsWith("/")) throw new Error(`reference('${target}'): symbolic references are not supported`);
      const { type, names } = parseId(target);
      let body: Record<string, unknown>;
      if (type === "Microsoft.Resources/deployments") {
        const { outputs } = scope.deployment(names[0]!);
        body = { outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v }])) };
      } else body = referenceStandIn(type, names);
      return a[2] !== undefined && text(2).toLowerCase() === "full" ? { id: target, properties: body } : body;
    }
    default:
      throw new Error(`template function ${name}() is not supported by test/support/arm-template.ts`);
  }
}

/** Evaluates a subscription- or resource-group-scope template with these parameter values. */
export function evaluateTemplate(template: unknown, parameters: Record<string, unknown>, resourceGroup?: string): Evaluation {
  return new TemplateScope(
    asObject(asJson(template, "the template"), "the template"),
    parameters,
    { subscriptionId: TARGET.subscriptionId, resourceGroup },
    [],
    "main",
  ).run();
}
