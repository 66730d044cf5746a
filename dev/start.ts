// `npm start`: the emulators, the database and containers, and the local Functions host, on loopback.
import type { AddressInfo } from "node:net";
import { startEmulators, PortInUseError, type Emulators } from "./emulators.js";
import { actAsWorker, httpFunctions } from "./worker.js";

const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, not '${process.env[name]}'`);
    process.exit(2);
  }
  return value;
};

const args = new Set(process.argv.slice(2));
/** The local host's lines worth showing without --verbose: an invocation's warnings and errors, its own failures. */
const NEEDS_ATTENTION = /^(?:\[(?:warning|error|critical)\] |local host: )/;
if (args.has("--help")) {
  console.log(
    "npm start [-- --demo] [-- --verbose]   API_PORT (7071), COSMOS_PORT (8081), AZURITE_PORT (10000) choose the ports;\n" +
      "invocations' warnings and errors go to stderr, --verbose adds every request and log line (stdout)",
  );
  process.exit(0);
}
const apiPort = port("API_PORT", 7071);
let emulators: Emulators | undefined;

async function main() {
  emulators = await startEmulators({ cosmosPort: port("COSMOS_PORT", 8081), blobPort: port("AZURITE_PORT", 10000) });
  // A KvK API configured by hand (KVK_BASE_URL, KVK_API_KEY) wins over the local fake.
  const kvk = process.env.KVK_BASE_URL ? { KVK_BASE_URL: process.env.KVK_BASE_URL, KVK_API_KEY: process.env.KVK_API_KEY ?? "" } : {};
  // Likewise an e-mail service (MAIL_ENDPOINT; in Azure with the managed identity, so no key).
  const mail = process.env.MAIL_ENDPOINT ? { MAIL_ENDPOINT: process.env.MAIL_ENDPOINT, MAIL_ACCESS_KEY: process.env.MAIL_ACCESS_KEY } : {};
  Object.assign(process.env, emulators.env, kvk, mail, { AUTH_LOCAL_ISSUER: process.env.AUTH_LOCAL_ISSUER ?? "true" });
  if (mail.MAIL_ENDPOINT && !mail.MAIL_ACCESS_KEY) delete process.env.MAIL_ACCESS_KEY; // the fake's key is not the real service's

  // As the Node worker does: answer `@azure/functions-core`, then load the app, which registers with it.
  const worker = actAsWorker();
  // Imported only now: configuration is read from the environment on first use.
  await import("../functions/index.js");
  const functions = httpFunctions(worker.functions);
  const { provisionDatabase } = await import("../shared/data/cosmos.js");
  const { provisionStorage } = await import("../shared/storage/blob.js");
  const { config } = await import("../shared/config/index.js");
  const { createLocalHost, scheduleTimers } = await import("./host.js");
  config(); // fail now, with the list of what is wrong, rather than on the first request
  await provisionDatabase();
  await provisionStorage();

  let demoSubs: string[] = [];
  if (args.has("--demo")) demoSubs = await (await import("./demo.js")).seedDemo();

  const verbose = args.has("--verbose");
  // Without --verbose, only what needs attention (why a request failed), on stderr; no personal data in either.
  const attention = (line: string) => {
    if (NEEDS_ATTENTION.test(line)) console.error(line);
  };
  const host = createLocalHost(functions, {
    log: verbose ? console.log : attention,
    allowedOrigins: config().CORS_ALLOWED_ORIGINS,
  });
  const { registeredTimers } = await import("../shared/http/timers.js");
  scheduleTimers(registeredTimers, verbose ? console.log : () => {});
  await new Promise<void>((resolve, reject) => {
    host.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new PortInUseError("The API", apiPort, "API_PORT") : err),
    );
    host.listen(apiPort, "127.0.0.1", resolve);
  });
  const api = `http://localhost:${(host.address() as AddressInfo).port}/api`;
  console.log(`
HalloWerk API is running (${functions.length} HTTP functions)
  API          ${api}   (OpenAPI: ${api}/openapi.json)
  Cosmos DB    ${emulators.env.COSMOS_ENDPOINT}   (emulator, in memory)
  Blob storage ${emulators.blobEndpoint}   (Azurite, in memory)
  KvK API      ${process.env.KVK_BASE_URL}   ${kvk.KVK_BASE_URL ? "(configured)" : "(local fake: try 69599084)"}
  E-mail       ${process.env.MAIL_ENDPOINT}   ${mail.MAIL_ENDPOINT ? "(configured)" : `(local fake: what was sent is at ${process.env.MAIL_ENDPOINT}/fake/messages)`}

Get a token:  npm run --silent token -- --role coach --municipality utrecht
Try:          curl -H "Authorization: Bearer $(npm run --silent token -- --role coach --municipality utrecht)" ${api}/candidates
${demoSubs.length ? `Demo candidates (signed in): ${demoSubs.map((s) => `--role candidate --sub ${s}`).join("  |  ")}\n` : "Add --demo (npm start -- --demo) for a few example candidates.\n"}Stop:         Ctrl-C
`);
  const stop = async () => {
    host.closeAllConnections();
    host.close();
    await emulators?.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch(async (err: unknown) => {
  await emulators?.stop().catch(() => {});
  console.error(err instanceof PortInUseError || (err instanceof Error && err.name === "ConfigError") ? err.message : err);
  process.exit(1);
});
