import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { bundle } from "../../dev/bundle.js";
import { startEmulators, type Emulators } from "../../dev/emulators.js";

declare module "vitest" {
  export interface ProvidedContext {
    testEnv: Record<string, string>;
  }
}

let emulators: Emulators | undefined;
let keyDir: string | undefined;

/**
 * Builds the app as Azure runs it (dist/, which some tests load), and starts the real emulators
 * once for the whole run, on free ports, and provisions them.
 */
export async function setup(project: TestProject) {
  await bundle();
  emulators = await startEmulators();
  keyDir = await mkdtemp(join(tmpdir(), "hallowerk-test-"));
  const env = {
    ...emulators.env,
    COSMOS_DATABASE: "hallowerk-test",
    AUTH_LOCAL_ISSUER: "true",
    LOCAL_ISSUER_KEY_FILE: join(keyDir, "issuer-key.json"),
  };
  Object.assign(process.env, env);
  const { provisionDatabase } = await import("../../shared/data/cosmos.js");
  const { provisionStorage } = await import("../../shared/storage/blob.js");
  await provisionDatabase();
  await provisionStorage();
  project.provide("testEnv", env);
}

export async function teardown() {
  await emulators?.stop();
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
}
