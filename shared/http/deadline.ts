import { AsyncLocalStorage } from "node:async_hooks";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { dependencyUnavailable } from "../domain/errors.js";

/**
 * The time an invocation may still spend on outbound calls. Routes and timers run inside one
 * (`withBudget`); every call to Cosmos DB, Blob storage and KvK is cut off when it ends, so a
 * hanging dependency ends the invocation with a 503 instead of the platform killing it.
 */
const budgets = new AsyncLocalStorage<AbortSignal>();

/** Thrown by an outbound call made after the invocation's budget ran out (or cut off by it). */
export const outOfTime = () =>
  dependencyUnavailable("the request ran out of time waiting for the database, file storage or KvK; try again shortly", 5);

/**
 * Runs `work` with `ms` to spend: its outbound calls are cut off then, and should it still be
 * busy (waiting between retries, say), it is answered for with `outOfTime()` all the same.
 */
export function withBudget<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const budget = AbortSignal.timeout(ms);
  const running = budgets.run(budget, work);
  let onAbort: () => void = () => {};
  const timeUp = new Promise<never>((_, reject) => {
    onAbort = () => reject(outOfTime());
    budget.addEventListener("abort", onAbort, { once: true });
  });
  running.catch(() => {}); // once time is up, what it still throws has no one to answer
  return Promise.race([running, timeUp]).finally(() => budget.removeEventListener("abort", onAbort));
}

/** The current invocation's budget, or undefined outside one (setup scripts, benchmarks). */
export const budgetSignal = (): AbortSignal | undefined => budgets.getStore();

/**
 * A signal for one outbound call: aborts at `ms` or when the invocation's budget ends, whichever
 * comes first. The SDK then throws an AbortError, which answers 503 like any other unavailability.
 */
export function callSignal(ms: number): AbortSignal {
  const budget = budgetSignal();
  return budget ? AbortSignal.any([budget, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);
}

/**
 * The Cosmos DB client's HTTP client: the SDK's own, but every request (retries included) also
 * stops when the invocation's budget does. The SDK's requestTimeout bounds each request; this
 * bounds all of them together, without passing a signal to every query.
 */
export function budgetedHttpClient(inner: HttpClient = createDefaultHttpClient()): HttpClient {
  return {
    async sendRequest(request) {
      const budget = budgetSignal();
      if (!budget) return inner.sendRequest(request);
      if (budget.aborted) throw outOfTime();
      // The SDK passes a Node AbortSignal (its own per-request timeout).
      request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal as AbortSignal, budget]) : budget;
      try {
        return await inner.sendRequest(request);
      } catch (err) {
        throw budget.aborted ? outOfTime() : err;
      }
    },
  };
}
