// Serves the built app (npm run build → dist/index.js) with the local host, as the Functions host
// would run it: the functions the bundle registers with the worker, behind platform CORS for
// CORS_ALLOWED_ORIGINS (in Azure, siteConfig.cors gets the same list). The environment names the
// emulators (the tests pass theirs):  tsx dev/serve-built.ts [entry]
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { BUNDLE_PATH } from "./bundle.js";
import { createLocalHost } from "./host.js";
import { actAsWorker, httpFunctions } from "./worker.js";

const entry = process.argv[2] ?? BUNDLE_PATH;
const worker = actAsWorker();
await import(pathToFileURL(entry).href);
const origins = (process.env.CORS_ALLOWED_ORIGINS ?? "")
  .split(",")
  .map((o) => o.trim())
  .filter(Boolean);
const host = createLocalHost(httpFunctions(worker.functions), { allowedOrigins: origins });
host.listen(Number(process.env.API_PORT ?? 0), "127.0.0.1", () => {
  console.log(`built app on http://127.0.0.1:${(host.address() as AddressInfo).port}/api`);
});
process.once("SIGTERM", () => process.exit(0));
process.on("disconnect", () => process.exit(0));
