import { afterAll } from "vitest";
import { cosmosConnections, startCosmos, stopChild } from "../../dev/emulators.js";
import { provisionDatabase } from "../../shared/data/cosmos.js";
import { testRuntime } from "./runtime.js";

/**
 * A Cosmos DB emulator of the calling test file's own, which the app then uses: stopping it
 * disturbs no other file, and its connections are this file's alone. Stopped after the file.
 */
export async function ownCosmos() {
  let current = await startCosmos(0);
  const { port } = current;
  testRuntime({ COSMOS_ENDPOINT: `http://127.0.0.1:${port}` });
  await provisionDatabase();
  afterAll(() => stopChild(current.child));
  return {
    stop: () => stopChild(current.child),
    /** Starts it again on the same port. It keeps nothing across a restart, so it is provisioned again. */
    start: async () => {
      current = await startCosmos(port);
      await provisionDatabase();
    },
    connections: () => cosmosConnections(current),
  };
}
