import { AsyncLocalStorage } from "node:async_hooks";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { dependencyUnavailable } from "../domain/errors.js";

/**
 * The time an invocation may still spend on outbound calls. Routes and timers run inside one
 * (`withBudget`); every call to Cosmos DB, Blob storage and KvK is cut off when it ends, so a
 * hanging dependency ends the invocation with a 503 instead of the platform killing it.
 */
class Budget {
  ended = false;
  /** Cosmos DB requests in flight, each cut off by its callback when the budget ends. */
  readonly inFlight = new Set<() => void>();
  #controller: AbortController | undefined;

  /**
   * Aborts when the budget ends. Made on first use: most invocations call only Cosmos DB, which
   * needs none (`budgetedHttpClient`), and an AbortController per invocation showed in the PATCH
   * handler's profile.
   */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.ended) this.#controller.abort(budgetEnded());
    return this.#controller.signal;
  }

  end(): void {
    this.ended = true;
    this.#controller?.abort(budgetEnded());
    for (const cut of this.inFlight) cut();
  }
}
const budgetEnded = () => new DOMException("the invocation's time budget ended", "TimeoutError");
const budgets = new AsyncLocalStorage<Budget>();

/** Thrown by an outbound call made after the invocation's budget ran out (or cut off by it). */
export const outOfTime = () =>
  dependencyUnavailable("the request ran out of time waiting for the database, file storage or KvK; try again shortly", 5);

/**
 * Runs `work` with `ms` to spend: its outbound calls are cut off then, and should it still be
 * busy (waiting between retries, say), it is answered for with `outOfTime()` all the same.
 * One plain timer per invocation: an `AbortSignal.timeout` costs about twice as much, and an
 * `AbortSignal.any` three times (a micro-benchmark on this machine).
 */
export function withBudget<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const budget = new Budget();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      budget.end();
      reject(outOfTime());
    }, ms);
    // Once time is up the answer is given: what the work still returns or throws goes nowhere.
    budgets
      .run(budget, work)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/**
 * A signal for one outbound call: aborts at `ms` or when the invocation's budget ends, whichever
 * comes first. The SDK then throws an AbortError, which answers 503 like any other unavailability.
 */
export function callSignal(ms: number): AbortSignal {
  const budget = budgets.getStore();
  return budget ? AbortSignal.any([budget.signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);
}

/**
 * The Cosmos DB client's HTTP client: the SDK's own, but no request (retries included) starts
 * after the invocation's budget ended, and one still running then is answered for with
 * `outOfTime()` at once. That request itself is left to the SDK's own time-out (requestTimeout),
 * which spares an `AbortSignal.any` on every request: a PATCH makes three.
 */
export function budgetedHttpClient(inner: HttpClient): HttpClient {
  return {
    sendRequest(request) {
      const budget = budgets.getStore();
      if (!budget) return inner.sendRequest(request);
      if (budget.ended) return Promise.reject(outOfTime());
      return new Promise((resolve, reject) => {
        const cut = () => reject(outOfTime());
        budget.inFlight.add(cut);
        inner
          .sendRequest(request)
          .then(resolve, reject)
          .finally(() => budget.inFlight.delete(cut));
      });
    },
  };
}
