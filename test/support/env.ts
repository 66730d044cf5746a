import { inject } from "vitest";

// Each test worker talks to the emulators the global setup started.
Object.assign(process.env, inject("testEnv"));
