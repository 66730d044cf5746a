import { database } from "../data/cosmos.js";
import { runtime } from "../runtime.js";
import { blobContainer } from "../storage/blob.js";

/** How long each dependency may take to answer the readiness probe. */
export const READINESS_DEADLINE_MS = 2000;
/** Probes within this window share one answer, so an anonymous caller cannot multiply the calls. */
export const SHARED_MS = 2000;

export type CheckResult = "ok" | "unavailable" | "timeout";
export type Dependency = "cosmos" | "blobStorage";
export type Probe = (signal: AbortSignal) => Promise<unknown>;

export interface Readiness {
  ready: boolean;
  checks: Record<Dependency, CheckResult>;
}

export type Probes = Record<Dependency, Probe>;

/** The cheapest calls that prove each dependency answers with the app's identity: properties only. */
export const defaultProbes: Probes = {
  cosmos: (abortSignal) => database().read({ abortSignal }),
  blobStorage: async (abortSignal) => (await blobContainer("candidateFiles")).getProperties({ abortSignal }),
};

async function check(probe: Probe, deadlineMs: number): Promise<CheckResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve("timeout");
    }, deadlineMs);
  });
  try {
    return await Promise.race([
      probe(controller.signal).then(
        (): CheckResult => "ok",
        (): CheckResult => (controller.signal.aborted ? "timeout" : "unavailable"),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Both dependencies, in parallel, each within the deadline; nothing about the data, only whether they answer. */
export function readiness(deadlineMs = READINESS_DEADLINE_MS): Promise<Readiness> {
  const { probes, memory } = runtime();
  const now = Date.now();
  if (memory.readiness && now - memory.readiness.at < SHARED_MS) return memory.readiness.result;
  const result = (async () => {
    const [cosmos, blobStorage] = await Promise.all([check(probes.cosmos, deadlineMs), check(probes.blobStorage, deadlineMs)]);
    return { ready: cosmos === "ok" && blobStorage === "ok", checks: { cosmos, blobStorage } };
  })();
  memory.readiness = { at: now, result };
  return result;
}
