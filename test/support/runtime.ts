// Each test file runs in a runtime of its own (shared/runtime.ts): the emulators' settings plus
// the file's own, a clock the tests move, and any outside service they replace.
import { randomBytes } from "node:crypto";
import type { Clock } from "../../shared/domain/clock.js";
import { createRuntime, useRuntime, type Runtime, type Services } from "../../shared/runtime.js";

let moved: (() => Date) | undefined;

/** The tests' clock: the system's, until a test moves it (`testClock.set`); reset after each test that does. */
export const testClock: Clock & { set(now: (() => Date) | undefined): void } = {
  now: () => moved?.() ?? new Date(),
  set: (now) => {
    moved = now;
  },
};

// The keys every instance of a deployment shares: a fresh runtime in the same file is another instance of it.
const KEYS = { CONTINUATION_KEY: randomBytes(32).toString("hex"), PSEUDONYM_KEY: randomBytes(32).toString("hex") };

/**
 * Installs a fresh runtime, as a new instance of the same deployment would start: the
 * environment the emulators gave this worker with `settings` on top, the tests' clock, and
 * `services` in place of the configured ones.
 */
export const testRuntime = (settings: Record<string, string> = {}, services: Partial<Services> = {}): Runtime =>
  useRuntime(createRuntime({ ...process.env, ...KEYS, ...settings }, { clock: testClock, ...services }));
