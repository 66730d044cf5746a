// The composition root: everything a running instance keeps between invocations, built in one
// place. Its configuration, clock and outside services (notifier, KvK, e-mail, readiness probes)
// are chosen here; the clients and caches it fills on first use are listed in `Memory`. The app
// uses the runtime made from the process environment; a test or script builds its own with
// `createRuntime(env, services)` and `useRuntime`, and so starts as a fresh instance would.
import type { CosmosClient } from "@azure/cosmos";
import type { TokenCredential } from "@azure/identity";
import type { BlobServiceClient, UserDelegationKey } from "@azure/storage-blob";
import type { Verified, Verifier } from "./auth/verify.js";
import { parseConfig, type Config } from "./config/index.js";
import type { SecretKeyName } from "./config/secret-keys.js";
import type { AccountDoc } from "./data/accounts.js";
import { systemClock, type Clock } from "./domain/clock.js";
import { defaultProbes, type Probes, type Readiness } from "./services/health.js";
import { httpKvkClient, type KvkClient } from "./services/kvk.js";
import { acsMailer, type Mailer } from "./services/mailer.js";
import { outboxNotifier, type Notifier } from "./services/notifier.js";
import type { KnownViews } from "./services/view-limits.js";

/** The outside world as the app meets it; tests replace any of these. */
export interface Services {
  clock: Clock;
  notifier: Notifier;
  /** KvK's Handelsregister, or undefined when KVK_BASE_URL is not set (lookups answer 503). */
  kvk: KvkClient | undefined;
  /** Azure Communication Services e-mail, or undefined when MAIL_ENDPOINT is not set (messages wait in the outbox). */
  mailer: Mailer | undefined;
  probes: Probes;
}

/** Clients and caches an instance fills on first use and keeps between invocations. */
export interface Memory {
  credential?: Promise<TokenCredential>;
  cosmos?: CosmosClient;
  blobService?: Promise<BlobServiceClient>;
  /** The user delegation key that signs download and upload links in Azure. */
  delegation?: { key: UserDelegationKey; until: number };
  /** The token issuer's key set, and tokens already verified (until they expire). */
  verifier?: Promise<Verifier>;
  readonly verifiedTokens: Map<string, Verified>;
  /** Locally, a random key per name when none is configured. */
  readonly localKeys: Map<SecretKeyName, Buffer>;
  readonly accounts: Map<string, { doc: AccountDoc; until: number }>;
  /** Municipalities that keep their candidates to their own employers, and those seen registered. */
  restrictedMunicipalities?: { ids: Promise<Set<string>>; until: number };
  readonly registeredMunicipalities: Set<string>;
  /** Appearance counts (audit) as this instance last wrote them, with their ETags. */
  readonly appearances: Map<string, { count: number; etag: string }>;
  readonly views: KnownViews;
  /** Report counts running now, and those waiting for a place. */
  readonly reportCounts: { running: number; waiting: (() => void)[] };
  readiness?: { at: number; result: Promise<Readiness> };
}

export interface Runtime extends Readonly<Services> {
  readonly config: Config;
  readonly memory: Memory;
}

/**
 * Builds a runtime from an environment (validated here: a bad setting throws a ConfigError that
 * names it) and the outside services that should differ from the configured ones.
 */
export function createRuntime(env: NodeJS.ProcessEnv, services: Partial<Services> = {}): Runtime {
  const config = parseConfig(env);
  return {
    config,
    clock: systemClock,
    notifier: outboxNotifier,
    kvk: config.KVK_BASE_URL ? httpKvkClient(config.KVK_BASE_URL, config.KVK_API_KEY, config.KVK_TIMEOUT_MS) : undefined,
    mailer: config.MAIL_ENDPOINT ? acsMailer(config.MAIL_ENDPOINT, config.MAIL_SENDER, config.MAIL_ACCESS_KEY) : undefined,
    probes: defaultProbes,
    ...services,
    memory: {
      verifiedTokens: new Map(),
      localKeys: new Map(),
      accounts: new Map(),
      registeredMunicipalities: new Set(),
      appearances: new Map(),
      views: { known: new Map(), blocked: new Map() },
      reportCounts: { running: 0, waiting: [] },
    },
  };
}

/** Keeps `key` in one of the memory's caches; a new key at `limit` entries makes the oldest go first. */
export function keepBounded<K, V>(cache: Map<K, V>, key: K, value: V, limit: number): void {
  const oldest = cache.size >= limit && !cache.has(key) ? cache.keys().next() : undefined;
  if (oldest && !oldest.done) cache.delete(oldest.value);
  cache.set(key, value);
}

let current: Runtime | undefined;

/**
 * The runtime in use. Unless a test or script installed one, it is made from the process
 * environment on first use, not when the worker loads the app: a configuration error then
 * fails the invocations, naming the setting, rather than keeping the app from loading.
 */
export function runtime(): Runtime {
  current ??= createRuntime(process.env);
  return current;
}

/** Replaces the runtime in use (tests, scripts); the next call of `runtime()` sees the new one. */
export function useRuntime(next: Runtime): Runtime {
  current = next;
  return next;
}
