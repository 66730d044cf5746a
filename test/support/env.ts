import { inject } from "vitest";
import { actAsWorker } from "../../dev/worker.js";

// Each test worker talks to the emulators the global setup started.
Object.assign(process.env, inject("testEnv"));

// Before any test file imports the app: `app.http`/`app.timer` register with the worker stand-in,
// and tests call the handlers exactly as registered.
actAsWorker();
