import { app, type InvocationContext } from "@azure/functions";
import { TIMER_BUDGET_MS } from "../config/limits.js";
import { nameOf } from "../data/status.js";
import { emitEvent, withEvents } from "../services/telemetry.js";
import { withBudget } from "./deadline.js";

export interface TimerSpec {
  /** The Azure function name; unique. */
  name: string;
  /** NCRONTAB (seconds first), as Azure Functions reads it: `0 0 2 * * *` is 02:00 every night. */
  schedule: string;
  /** How often `npm start` runs it, as the local host has no cron. */
  localEveryMinutes: number;
  /** Does the work; returns a summary without personal data, which is logged. */
  run: (context: InvocationContext) => Promise<object>;
}

/** Every timer function: the local host schedules these, Azure gets them through `app.timer`. */
export const registeredTimers: TimerSpec[] = [];

export function timer(spec: TimerSpec): void {
  if (registeredTimers.some((t) => t.name === spec.name)) throw new Error(`timer ${spec.name} registered twice`);
  // Wherever it runs (Azure, the local host, a test), events go to the invocation's log, and a
  // failure is an event too: the invocation fails as well (requests: success false), this line is what the alert reads.
  const run = (context: InvocationContext) =>
    withEvents(context, async () => {
      try {
        return await withBudget(TIMER_BUDGET_MS, () => spec.run(context));
      } catch (err) {
        emitEvent("timer.failed", { timer: spec.name, error: nameOf(err) ?? "Error" }, {}, "warn");
        throw err;
      }
    });
  registeredTimers.push({ ...spec, run });
  app.timer(spec.name, {
    schedule: spec.schedule,
    handler: async (_timer, context) => {
      const summary = await run(context);
      context.log(`${spec.name} done invocation=${context.invocationId} ${JSON.stringify(summary)}`);
    },
  });
}
