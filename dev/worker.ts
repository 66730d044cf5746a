import Module, { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { HttpHandler } from "@azure/functions";

/**
 * The folder that holds the stand-in `@azure/functions-core`; a process started with it on
 * NODE_PATH (`NODE_PATH=dev/worker node …`) registers its functions as under the Node worker.
 */
export const WORKER_MODULES = fileURLToPath(new URL("./worker", import.meta.url));

export interface Binding {
  name: string;
  type: string;
  direction: "in" | "out";
  route?: string;
  methods?: string[];
  authLevel?: string;
  schedule?: string;
}

/** What `registerFunction(metadata, callback)` receives from `@azure/functions`. */
export interface Registration {
  metadata: { name: string; bindings: Record<string, Binding> };
  callback: (...args: never[]) => unknown;
}

export interface WorkerStandIn {
  functions: Registration[];
  getProgrammingModel(): { name: string; version: string } | undefined;
}

const STAND_IN = "./worker/@azure/functions-core/index.cjs";
const FLAG = Symbol.for("hallowerk.functions-core-stand-in");

/**
 * Does what the Node worker does before it loads an app: answers `require("@azure/functions-core")`
 * with its own module (here the recording stand-in), so `app.http`/`app.timer` really register.
 * Call it before the app is imported.
 */
export function actAsWorker(): WorkerStandIn {
  const core = createRequire(import.meta.url)(STAND_IN) as WorkerStandIn;
  const proto: { require: (this: unknown, id: string) => unknown; [FLAG]?: true } = Module.prototype;
  if (!proto[FLAG]) {
    const original = proto.require;
    proto.require = function (this: unknown, id: string) {
      return id === "@azure/functions-core" ? core : original.call(this, id);
    };
    proto[FLAG] = true;
  }
  return core;
}

export interface HttpFunction {
  name: string;
  /** Route template below /api, as registered: `candidates/{id}`. */
  route: string;
  methods: string[];
  authLevel: string;
  handler: HttpHandler;
}

export interface TimerFunction {
  name: string;
  schedule: string;
  handler: (...args: never[]) => unknown;
}

const trigger = (r: Registration, type: string) => Object.values(r.metadata.bindings).find((b) => b.type === type && b.direction === "in");

/**
 * Whether a registration is an HTTP function: `@azure/functions` registers an HTTP trigger's
 * handler as the app gave it, so its callback is then an HttpHandler.
 */
const isHttp = (r: Registration): r is Registration & { callback: HttpHandler } => trigger(r, "httpTrigger") !== undefined;

/** The HTTP functions among the registrations, as the host routes them. */
export function httpFunctions(registrations: Registration[]): HttpFunction[] {
  return registrations.filter(isHttp).flatMap((r) => {
    const t = trigger(r, "httpTrigger");
    if (!t) return [];
    return [
      {
        name: r.metadata.name,
        route: t.route ?? r.metadata.name,
        methods: (t.methods ?? []).map((m) => m.toUpperCase()),
        authLevel: t.authLevel ?? "function",
        handler: r.callback,
      },
    ];
  });
}

/** The timer functions among the registrations, with their NCRONTAB schedules. */
export function timerFunctions(registrations: Registration[]): TimerFunction[] {
  return registrations.flatMap((r) => {
    const t = trigger(r, "timerTrigger");
    return t?.schedule ? [{ name: r.metadata.name, schedule: t.schedule, handler: r.callback }] : [];
  });
}
