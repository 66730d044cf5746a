import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpServer } from "@vercel/cosmosdb-server";

/** The well-known development keys of both emulators (public, documented by Microsoft). */
export const COSMOS_EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly what: string, readonly port: number, readonly variable: string) {
    super(`${what} cannot listen on port ${port}: it is taken. Stop what uses it, or set ${variable} to another port.`);
  }
}

export interface Emulators {
  /** Environment for the app: endpoints and keys of the running emulators. */
  env: Record<string, string>;
  /** HTTP requests the Cosmos emulator has served so far (round trips, for benchmarks). */
  cosmosRequests(): number;
  stop(): Promise<void>;
}

export interface EmulatorPorts {
  cosmosPort?: number;
  blobPort?: number;
}

const HOST = "127.0.0.1";

function listen(server: Server, port: number, what: string, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new PortInUseError(what, port, variable) : err),
    );
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

async function startCosmos(port: number): Promise<{ server: Server; port: number; requests: () => number }> {
  // keepAlive: reuse connections as the SDK does against Azure, instead of one TCP handshake per request.
  const server = createHttpServer({ keepAlive: true });
  let requests = 0;
  server.on("request", () => requests++);
  const actual = await listen(server, port, "The Cosmos DB emulator", "COSMOS_PORT");
  return { server, port: actual, requests: () => requests };
}

function startAzurite(port: number): Promise<{ child: ChildProcess; port: number }> {
  const main = createRequire(import.meta.url).resolve("azurite/dist/src/blob/main.js");
  const child = spawn(
    process.execPath,
    [main, "--blobHost", HOST, "--blobPort", String(port), "--inMemoryPersistence", "--extentMemoryLimit", "2048",
      "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /successfully listens on http:\/\/[\d.]+:(\d+)/.exec(output);
      if (listening) {
        child.stdout!.off("data", onData);
        child.stdout!.resume(); // keep draining so the child never blocks on a full pipe
        resolve({ child, port: Number(listening[1]) });
      } else if (/EADDRINUSE/.test(output)) {
        reject(new PortInUseError("Azurite", port, "AZURITE_PORT"));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`Azurite exited (${code}) before it listened:\n${output.slice(-2000)}`)));
  });
}

/** Starts the Cosmos DB emulator (in this process) and Azurite (a child process) on loopback. */
export async function startEmulators(ports: EmulatorPorts = {}): Promise<Emulators> {
  const cosmos = await startCosmos(ports.cosmosPort ?? 0);
  let azurite: Awaited<ReturnType<typeof startAzurite>>;
  try {
    azurite = await startAzurite(ports.blobPort ?? 0);
  } catch (err) {
    cosmos.server.close();
    throw err;
  }
  const blobEndpoint = `http://${HOST}:${azurite.port}/${AZURITE_ACCOUNT}`;
  return {
    env: {
      COSMOS_ENDPOINT: `http://${HOST}:${cosmos.port}`,
      COSMOS_KEY: COSMOS_EMULATOR_KEY,
      STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
    },
    cosmosRequests: cosmos.requests,
    async stop() {
      cosmos.server.closeAllConnections();
      await new Promise((r) => cosmos.server.close(r));
      if (azurite.child.exitCode === null) {
        const exited = new Promise((r) => azurite.child.once("exit", r));
        azurite.child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
