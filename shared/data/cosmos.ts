import http from "node:http";
import https from "node:https";
import { CosmosClient, type Container, type Database } from "@azure/cosmos";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { azureCredential } from "../auth/azure-credential.js";
import { config } from "../config/index.js";
import { COSMOS_CONNECTION, COSMOS_IDLE_CONNECTION_MS } from "../config/limits.js";
import { budgetedHttpClient } from "../http/deadline.js";
import { runtime } from "../runtime.js";
import { CONTAINERS, ensureContainers, type ContainerName } from "./containers.js";
import { statusOf } from "./status.js";

/** The one CosmosClient of the runtime, made on first use. */
export function cosmos(): CosmosClient {
  const memory = runtime().memory;
  if (!memory.cosmos) {
    const c = config();
    memory.cosmos = new CosmosClient({
      endpoint: c.COSMOS_ENDPOINT,
      ...(c.COSMOS_KEY ? { key: c.COSMOS_KEY } : { aadCredentials: azureCredential }),
      // The plain-HTTP emulator has no regional endpoints to discover; Azure does not need it either for one region.
      connectionPolicy: { enableEndpointDiscovery: false, ...COSMOS_CONNECTION },
      httpClient: budgetedHttpClient(closingIdleConnections(createDefaultHttpClient())),
    });
  }
  return memory.cosmos;
}

/**
 * The SDK's connection pool keeps idle connections for ever, so it sends a request now and then
 * on one the server is just dropping, which fails with ECONNRESET. The SDK retries that for reads
 * only (a second later): a write answered 503 (twice in six runs of `npm run bench:load`, about
 * 22,000 requests each). These pools close an idle connection first (COSMOS_IDLE_CONNECTION_MS,
 * or a second before a shorter Keep-Alive time-out the server announces). Set per request, not
 * as the client's `agent` option: with that, the SDK refuses the emulator's plain HTTP.
 */
const pools = {
  "http:": new http.Agent({ keepAlive: true, timeout: COSMOS_IDLE_CONNECTION_MS["http:"] }),
  "https:": new https.Agent({ keepAlive: true, timeout: COSMOS_IDLE_CONNECTION_MS["https:"], minVersion: "TLSv1.2" }),
};

function closingIdleConnections(inner: HttpClient): HttpClient {
  return {
    sendRequest(request) {
      request.agent = request.url.startsWith("https:") ? pools["https:"] : pools["http:"];
      return inner.sendRequest(request);
    },
  };
}

export function database(): Database {
  return cosmos().database(config().COSMOS_DATABASE);
}

export function container(name: ContainerName): Container {
  return database().container(CONTAINERS[name].id);
}

/** Creates the database and containers (local emulator and tests; Azure gets them from infra/). */
export async function provisionDatabase(): Promise<void> {
  const { database: db } = await cosmos().databases.createIfNotExists({ id: config().COSMOS_DATABASE });
  await ensureContainers(db);
}

/** Strips Cosmos system properties so they never reach a client. */
export function withoutSystemFields<T extends object>(doc: T): T {
  const { _rid, _self, _etag, _attachments, _ts, ...rest } = doc as Record<string, unknown>;
  return rest as T;
}

export const isStatus = (err: unknown, code: number): boolean => statusOf(err) === code;
