import { afterAll, afterEach, expect, inject } from "vitest";
import { actAsWorker } from "../../dev/worker.js";
import { issuedQueries, recordQueries, unindexedSorts } from "./queries.js";
import { testClock, testRuntime } from "./runtime.js";

// Each test worker talks to the emulators the global setup started, in a runtime of its own
// (a file that needs other settings or services installs another: testRuntime).
Object.assign(process.env, inject("testEnv"));
testRuntime();
// A test that moves the clock leaves it where it found it.
afterEach(() => testClock.set(undefined));

// Before any test file imports the app: `app.http`/`app.timer` register with the worker stand-in,
// and tests call the handlers exactly as registered.
actAsWorker();

// Every query any test makes the app send is checked against the indexes its container declares.
recordQueries();
afterAll(() => {
  expect(unindexedSorts(issuedQueries()), "multi-field ORDER BY without its composite index").toEqual([]);
});

// No personal data in any log line the app wrote during this file (README "Privacy by design").
afterAll(async () => {
  const { personalDataInLogs } = await import("./logs.js");
  expect(personalDataInLogs(), "log lines with personal data").toEqual([]);
});
