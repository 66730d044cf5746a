/**
 * What a write or a query can run into in storage, said without HTTP: services test for them by
 * type, and shared/http/problem.ts alone decides what a client is told (412, 409, 400).
 */

/** The stored version is not the one the change was based on: someone wrote in between. */
export class StaleVersion extends Error {
  override name = "StaleVersion";
}

/** The write would break the container's unique key policy (Cosmos refuses it, however many writers race). */
export class DuplicateKey extends Error {
  override name = "DuplicateKey";
}

/** A continuation token that is not one this query handed out, or was altered. */
export class BadContinuation extends Error {
  override name = "BadContinuation";
}
