import { CosmosClient, type Container, type Database } from "@azure/cosmos";
import { azureCredential } from "../auth/azure-credential.js";
import { config } from "../config/index.js";
import { COSMOS_CONNECTION } from "../config/limits.js";
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
      httpClient: budgetedHttpClient(),
    });
  }
  return memory.cosmos;
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
