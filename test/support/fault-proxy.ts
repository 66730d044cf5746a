import { Agent, createServer, request as forward, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * What the proxy does to a request it picks:
 * - `latency`: forwards it `latencyMs` late;
 * - `throttle`: 429 with `x-ms-retry-after-ms`, as Cosmos DB throttles (Blob storage says 503 ServerBusy);
 * - `unavailable`: 503, in the dependency's own error format;
 * - `reset`: drops the connection before forwarding (the client sees ECONNRESET);
 * - `lostAnswer`: forwards it, then drops the connection instead of passing the answer on: the
 *   change was made, the client cannot know;
 * - `hang`: never answers.
 */
export type Fault = "latency" | "throttle" | "unavailable" | "reset" | "lostAnswer" | "hang";

export interface FaultSettings {
  /** Share of matching requests that get a fault, 0 to 1. */
  rate: number;
  /** The faults, taken in turn. */
  faults: Fault[];
  latencyMs: number;
  retryAfterMs: number;
  /** Which requests may get a fault (default: all). */
  match: (req: IncomingMessage) => boolean;
  /** At most this many faults, then none (a hiccup); default no end. */
  limit: number;
}

export interface FaultProxy {
  url: string;
  /** Changes the settings while it runs. */
  set(settings: Partial<FaultSettings>): void;
  /** No more faults (and what hangs is dropped). */
  heal(): void;
  /** Where requests go; may change while it runs (to another emulator). */
  target: string;
  /** Faults injected so far, by kind, and requests forwarded untouched. */
  stats: Record<Fault | "forwarded", number>;
  /** Bytes of the answers' bodies passed back to the client so far (what the app read). */
  readonly answeredBytes: number;
  close(): Promise<void>;
}

/** A small deterministic generator, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The error answer each dependency gives, so its SDK parses it as it would the real one. */
function refuse(flavour: "cosmos" | "blob", res: ServerResponse, status: 429 | 503, retryAfterMs: number): void {
  if (flavour === "cosmos") {
    const code = status === 429 ? "TooManyRequests" : "ServiceUnavailable";
    res.writeHead(status, {
      "content-type": "application/json",
      "x-ms-retry-after-ms": String(retryAfterMs),
      "x-ms-substatus": status === 429 ? "3200" : "0",
    });
    res.end(JSON.stringify({ code, message: `injected ${status}` }));
    return;
  }
  res.writeHead(503, { "content-type": "application/xml", "x-ms-error-code": "ServerBusy" });
  res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>injected 503</Message></Error>`);
}

/**
 * A fault-injecting HTTP proxy in front of a Cosmos DB emulator or Azurite (both plain HTTP):
 * forwards every request, and at `rate` injects one of `faults` instead.
 */
export async function startFaultProxy(target: string, flavour: "cosmos" | "blob", seed = 1): Promise<FaultProxy> {
  const settings: FaultSettings = { rate: 0, faults: [], latencyMs: 200, retryAfterMs: 50, match: () => true, limit: Infinity };
  const stats: FaultProxy["stats"] = { latency: 0, throttle: 0, unavailable: 0, reset: 0, lostAnswer: 0, hang: 0, forwarded: 0 };
  const next = random(seed);
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let turn = 0;
  let answeredBytes = 0;
  const proxy = { target };

  const pass = (req: IncomingMessage, res: ServerResponse, lose = false) => {
    const upstream = new URL(req.url ?? "/", proxy.target);
    const out = forward(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host }, agent }, (answer) => {
      if (lose) {
        answer.resume();
        answer.on("end", () => res.socket?.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on("data", (chunk: Buffer) => (answeredBytes += chunk.length));
      answer.pipe(res);
    });
    // The upstream is down (stopped emulator): the client sees its connection dropped, as it would.
    out.on("error", () => res.socket?.destroy());
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    const pick = turn < settings.limit && settings.faults.length && settings.match(req) && next() < settings.rate;
    const fault = pick ? settings.faults[turn++ % settings.faults.length]! : undefined;
    if (!fault) {
      stats.forwarded++;
      pass(req, res);
      return;
    }
    stats[fault]++;
    switch (fault) {
      case "latency":
        setTimeout(() => pass(req, res), settings.latencyMs);
        return;
      case "throttle":
        refuse(flavour, res, flavour === "cosmos" ? 429 : 503, settings.retryAfterMs);
        return;
      case "unavailable":
        refuse(flavour, res, 503, settings.retryAfterMs);
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "lostAnswer":
        pass(req, res, true);
        return;
      case "hang":
        req.resume(); // read the body, never answer
        hanging.add(res);
        return;
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  const dropHanging = () => {
    for (const res of hanging) res.socket?.destroy();
    hanging.clear();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get target() {
      return proxy.target;
    },
    get answeredBytes() {
      return answeredBytes;
    },
    set target(value: string) {
      proxy.target = value;
    },
    stats,
    set(changes) {
      Object.assign(settings, changes);
      turn = 0;
    },
    heal() {
      Object.assign(settings, { rate: 0, faults: [], match: () => true, limit: Infinity });
      turn = 0;
      dropHanging();
    },
    async close() {
      dropHanging();
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
