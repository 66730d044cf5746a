import { afterAll, expect, inject } from "vitest";
import { actAsWorker } from "../../dev/worker.js";
import { issuedQueries, recordQueries, unindexedSorts } from "./queries.js";

// Each test worker talks to the emulators the global setup started.
Object.assign(process.env, inject("testEnv"));

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
