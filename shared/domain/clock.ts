/** Time comes from here, so tests (and retention) can move it without waiting. */
export interface Clock {
  now(): Date;
}

const systemClock: Clock = { now: () => new Date() };
let current: Clock = systemClock;

export const clock = (): Clock => current;
export const nowIso = (): string => current.now().toISOString();
/** Today's date (UTC), as `2026-11-28`. */
export const todayIso = (): string => nowIso().slice(0, 10);

/** Tests only: run with a fixed or moving clock; `undefined` restores the system clock. */
export function setClock(next: Clock | undefined): void {
  current = next ?? systemClock;
}
