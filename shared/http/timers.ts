import { app, type InvocationContext } from "@azure/functions";

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
  registeredTimers.push(spec);
  app.timer(spec.name, {
    schedule: spec.schedule,
    handler: async (_timer, context) => {
      const summary = await spec.run(context);
      context.log(`${spec.name} done ${JSON.stringify(summary)}`);
    },
  });
}
