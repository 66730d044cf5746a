/**
 * Time-outs and retries of every outbound call, in one place, and why these numbers.
 *
 * The ceiling is the platform: host.json's functionTimeout (10 min) kills an invocation, and Azure's
 * front end drops an HTTP request after 230 s. Nothing here may reach either: an invocation that runs
 * out of time answers 503 with Retry-After itself (shared/http/deadline.ts).
 *
 *   HTTP request budget  REQUEST_BUDGET_SECONDS (30 s). 200 s for the few that work longer on
 *                        purpose: `complete` of an upload (copying a large video may take 120 s,
 *                        COPY_WAIT_MS in shared/storage/blob.ts) and the admin's retention run and
 *                        replay (they stop themselves after 180 s)
 *   timer budget         570 s: below the 600 s functionTimeout; the retention sweep stops itself
 *                        earlier still (RETENTION_TIME_BUDGET_SECONDS, 480 s) and goes on next night
 *   Cosmos DB request    30 s each (the SDK's default is 60 s): as long as a request's whole budget,
 *                        so one slow page (the emulator's cross-partition queries on a busy machine
 *                        take seconds) is not cut short before the budget would; a timer loses at
 *                        most 30 s to a request that hangs. In Azure a point operation takes
 *                        milliseconds, a page of a search well under a second
 *   Cosmos DB 429s       retried at most 5 times, waiting at most 10 s in all (as the server's
 *                        x-ms-retry-after-ms says); the SDK defaults, 9 and 30 s, would spend the whole budget.
 *                        503s and time-outs are not retried by the SDK with one region (no failover)
 *   Blob storage         3 tries (exponential: 0.5 s, then 1.5 s between them) on 500, 503 and
 *                        network errors; each call (all tries) at most 60 s, and the server is
 *                        asked to give up on a try after 30 s
 *   KvK                  KVK_TIMEOUT_MS (5 s), no retry: a person is waiting and can type the details
 *   e-mail (ACS)         30 s for a send and its polling, no retry inside: the outbox tries again later
 *   identity provider    5 s for OIDC discovery and for fetching the signing keys (shared/auth/verify.ts);
 *                        the keys are then cached, so most requests make no call at all
 *
 * Every one of these is also cut off when the invocation's budget ends.
 */
export const TIMER_BUDGET_MS = 570_000;
/** Routes that work longer on purpose (upload `complete`, the admin's sweep and replay): below Azure's 230 s. */
export const LONG_REQUEST_BUDGET_SECONDS = 200;

/**
 * How long a connection to Cosmos DB may stay unused before the app closes it (shared/data/cosmos.ts),
 * so that it never sends a request on one the server is dropping. Azure (HTTPS): 60 s, the Java
 * SDK's default for the gateway. The emulator (plain HTTP, a Node server that drops a connection
 * idle for 5 s): 4 s. A connection in use is not affected; a new one costs a handshake.
 */
export const COSMOS_IDLE_CONNECTION_MS = { "https:": 60_000, "http:": 4_000 } as const;

export const COSMOS_CONNECTION = {
  requestTimeout: 30_000,
  retryOptions: { maxRetryAttemptCount: 5, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 10 },
} as const;

export const BLOB_RETRY = { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 2000, tryTimeoutInMs: 30_000 } as const;
/** One Blob storage call, all its tries together. */
export const BLOB_CALL_MS = 60_000;
/** One e-mail: the send and polling until Azure Communication Services says it went. */
export const MAIL_CALL_MS = 30_000;
