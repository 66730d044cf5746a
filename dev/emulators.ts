import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { FAKE_KVK_API_KEY, startFakeKvk } from "./fake-kvk.js";
import { FAKE_MAIL_ACCESS_KEY, startFakeMail } from "./fake-mail.js";

/** The well-known development keys of both emulators (public, documented by Microsoft). */
export const COSMOS_EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(
    readonly what: string,
    readonly port: number,
    readonly variable: string,
  ) {
    super(`${what} cannot listen on port ${port}: it is taken. Stop what uses it, or set ${variable} to another port.`);
  }
}

export interface Emulators {
  /** Environment for the app: endpoints and keys of the running emulators. */
  env: Record<string, string>;
  /** Azurite's blob endpoint (also inside `env.STORAGE_CONNECTION_STRING`). */
  blobEndpoint: string;
  /** HTTP requests the Cosmos emulator has served so far, by container (round trips, for benchmarks). */
  cosmosRequests(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface EmulatorPorts {
  cosmosPort?: number;
  blobPort?: number;
}

const HOST = "127.0.0.1";

type CosmosChild = { child: ChildProcess; port: number };

/** Starts dev/cosmos-emulator.ts as a child process and waits for its port. */
export function startCosmos(port: number): Promise<CosmosChild> {
  const script = fileURLToPath(new URL("./cosmos-emulator.ts", import.meta.url));
  const child = fork(script, [String(port), HOST], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", (m: { port?: number; error?: string }) => {
      if (m.port) resolve({ child, port: m.port });
      else
        reject(
          m.error === "EADDRINUSE"
            ? new PortInUseError("The Cosmos DB emulator", port, "COSMOS_PORT")
            : new Error(`Cosmos emulator: ${m.error}`),
        );
    });
    child.once("exit", (code) => reject(new Error(`the Cosmos DB emulator exited (${code}) before it listened`)));
  });
}

/** Asks the Cosmos emulator's process (dev/cosmos-emulator.ts) for its `stats` or its `connections`. */
function askCosmos<K extends "stats" | "connections">(cosmos: CosmosChild, what: K): Promise<CosmosAnswers[K]> {
  return new Promise((resolve) => {
    const onMessage = (m: Partial<CosmosAnswers>) => {
      const answer = m[what];
      if (!answer) return;
      cosmos.child.off("message", onMessage);
      resolve(answer);
    };
    cosmos.child.on("message", onMessage);
    cosmos.child.send(what);
  });
}

interface CosmosAnswers {
  /** HTTP requests served so far, by container. */
  stats: Record<string, number>;
  /** Connections opened so far, closed, and closed by the client (not by the server's keep-alive time-out). */
  connections: { opened: number; closed: number; closedByClient: number };
}

export const cosmosConnections = (cosmos: CosmosChild) => askCosmos(cosmos, "connections");

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

function startAzurite(port: number): Promise<{ child: ChildProcess; port: number }> {
  const main = createRequire(import.meta.url).resolve("azurite/dist/src/blob/main.js");
  const child = fork(
    main,
    [
      "--blobHost",
      HOST,
      "--blobPort",
      String(port),
      "--inMemoryPersistence",
      "--extentMemoryLimit",
      "2048",
      "--skipApiVersionCheck",
      "--loose",
      "--disableTelemetry",
    ],
    {
      execArgv: ["--require", fileURLToPath(new URL("./exit-with-parent.cjs", import.meta.url))],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error("Azurite's output is not piped");
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /successfully listens on http:\/\/[\d.]+:(\d+)/.exec(output);
      if (listening) {
        stdout.off("data", onData);
        stdout.resume(); // keep draining so the child never blocks on a full pipe
        resolve({ child, port: Number(listening[1]) });
      } else if (/EADDRINUSE/.test(output)) {
        reject(new PortInUseError("Azurite", port, "AZURITE_PORT"));
      }
    };
    stdout.on("data", onData);
    stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`Azurite exited (${code}) before it listened:\n${output.slice(-2000)}`)));
  });
}

/**
 * Starts the Cosmos DB emulator and Azurite, each a child process, and the fake KvK API and
 * fake e-mail service (in this process), all on loopback.
 */
export async function startEmulators(ports: EmulatorPorts = {}): Promise<Emulators> {
  const cosmos = await startCosmos(ports.cosmosPort ?? 0);
  let azurite: Awaited<ReturnType<typeof startAzurite>>;
  try {
    azurite = await startAzurite(ports.blobPort ?? 0);
  } catch (err) {
    await stopChild(cosmos.child);
    throw err;
  }
  const kvk = await startFakeKvk();
  const mail = await startFakeMail();
  const blobEndpoint = `http://${HOST}:${azurite.port}/${AZURITE_ACCOUNT}`;
  return {
    env: {
      COSMOS_ENDPOINT: `http://${HOST}:${cosmos.port}`,
      COSMOS_KEY: COSMOS_EMULATOR_KEY,
      STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
      KVK_BASE_URL: kvk.url,
      KVK_API_KEY: FAKE_KVK_API_KEY,
      MAIL_ENDPOINT: mail.url,
      MAIL_ACCESS_KEY: FAKE_MAIL_ACCESS_KEY,
    },
    blobEndpoint,
    cosmosRequests: () => askCosmos(cosmos, "stats"),
    async stop() {
      kvk.server.closeAllConnections();
      kvk.server.close();
      mail.server.closeAllConnections();
      mail.server.close();
      await Promise.all([stopChild(cosmos.child), stopChild(azurite.child)]);
    },
  };
}
