import type { SqlParameter } from "@azure/cosmos";
import { DuplicateKey, StaleVersion } from "./errors.js";
import type { StoredPage } from "./paging.js";
import type { ContainerName } from "./containers.js";
import { container, withoutSystemFields } from "./cosmos.js";
import { ignoreNotFound, statusOf } from "./status.js";

export interface Versioned<T> {
  doc: T;
  /** The Cosmos `_etag`, used for optimistic concurrency. */
  etag: string;
}

/** Whether a change may go ahead on the stored version with this `_etag` (the client's If-Match). */
export type VersionCheck = (etag: string) => boolean;

/** `prepare` for a document type that derives nothing: it is stored as written. */
export const unchanged = <T>(doc: T): T => doc;

/**
 * Reads and writes of one document type in a container partitioned by municipality.
 * `prepare` runs on every write (derived fields); reads check the type, so one container
 * could hold more than one kind without mix-ups. `duplicate` says what is taken when a write would
 * break the container's unique key policy (DuplicateKey).
 */
export function documents<T extends { id: string; municipalityId: string; type: string }, W = T>(
  name: ContainerName,
  type: T["type"],
  prepare: (doc: W) => T,
  duplicate = `the ${type} conflicts with an existing one`,
) {
  const c = () => container(name);
  // Arrow functions: callers take these off the store one by one (`export const readX = store.read`).
  const store = {
    insert: async (doc: W): Promise<Versioned<T>> => {
      try {
        const { resource, etag } = await c().items.create(prepare(doc));
        return { doc: withoutSystemFields(resource as T), etag };
      } catch (err) {
        if (statusOf(err) === 409) throw new DuplicateKey(duplicate);
        throw err;
      }
    },

    /** Point read inside the partition: one round trip; another partition's id is simply absent. */
    read: async (municipalityId: string, id: string): Promise<Versioned<T> | undefined> => {
      const { resource, etag } = await c().item(id, municipalityId).read<T>();
      if (!resource || resource.type !== type) return undefined;
      return { doc: withoutSystemFields(resource), etag };
    },

    /** Replaces only if nobody wrote since `etag` was read; otherwise StaleVersion. */
    replace: async (doc: W, etag: string): Promise<Versioned<T>> => {
      const prepared = prepare(doc);
      try {
        const { resource, etag: next } = await c()
          .item(prepared.id, prepared.municipalityId)
          .replace(prepared, { accessCondition: { type: "IfMatch", condition: etag } });
        return { doc: withoutSystemFields(resource as T), etag: next };
      } catch (err) {
        if (statusOf(err) === 412) throw new StaleVersion(`the ${type} was changed by someone else; read it again`);
        if (statusOf(err) === 409) throw new DuplicateKey(duplicate);
        throw err;
      }
    },

    /**
     * One page of a query. `partition` names the single partition it runs in; only the
     * employer-wide search passes none. Continuations are the SDK's own: services wrap them.
     */
    page: async <R>(
      query: string,
      parameters: SqlParameter[],
      partition: string | undefined,
      pageSize: number,
      continuation: string | undefined,
    ): Promise<StoredPage<R>> => {
      const { resources, continuationToken } = await c()
        .items.query<R>(
          { query, parameters },
          { ...(partition !== undefined ? { partitionKey: partition } : {}), maxItemCount: pageSize, continuationToken: continuation },
        )
        .fetchNext();
      return { items: resources.map((r) => withoutSystemFields(r as object) as R), continuation: continuationToken };
    },

    /** The first result of a query inside one partition, or undefined. */
    first: async <R>(query: string, parameters: SqlParameter[], partition: string): Promise<R | undefined> => {
      const { resources } = await c().items.query<R>({ query, parameters }, { partitionKey: partition }).fetchNext();
      return resources[0];
    },

    /** Everything a query returns, inside one partition: for small, bounded result sets only. */
    all: async <R>(query: string, parameters: SqlParameter[], partition: string): Promise<R[]> => {
      const { resources } = await c().items.query<R>({ query, parameters }, { partitionKey: partition }).fetchAll();
      return resources;
    },

    /** All ids a query returns, inside one partition (small result sets: uniqueness checks). */
    ids: async (query: string, parameters: SqlParameter[], partition: string): Promise<string[]> => {
      return store.all<string>(query, parameters, partition);
    },

    /** Whether another document of this type in the municipality has `value` at `field` (a dotted path). */
    taken: async (municipalityId: string, field: string, value: string, exceptId?: string): Promise<boolean> => {
      const ids = await store.ids(
        `SELECT VALUE c.id FROM c WHERE c.municipalityId = @m AND c.type = @t AND c.${field} = @v`,
        [
          { name: "@m", value: municipalityId },
          { name: "@t", value: type },
          { name: "@v", value },
        ],
        municipalityId,
      );
      return ids.some((id) => id !== exceptId);
    },

    /**
     * Deletes a document; one that is gone already counts as deleted (deletion is retried).
     * With `etag`, only that version: a change made meanwhile keeps it (StaleVersion).
     */
    remove: async (municipalityId: string, id: string, etag?: string): Promise<void> => {
      const options = etag ? { accessCondition: { type: "IfMatch", condition: etag } } : {};
      await ignoreNotFound(c().item(id, municipalityId).delete(options)).catch((err: unknown) => {
        throw statusOf(err) === 412 ? new StaleVersion(`the ${type} was changed meanwhile; it was not deleted`) : err;
      });
    },
  };
  return store;
}
