import { runtime } from "../runtime.js";

/** Time comes from the runtime's clock, so tests (and retention) can move it without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const clock = (): Clock => runtime().clock;
export const nowIso = (): string => clock().now().toISOString();
/** Today's date (UTC), as `2026-11-28`. */
export const todayIso = (): string => nowIso().slice(0, 10);
