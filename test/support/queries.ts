import { Items, type FeedOptions, type SqlQuerySpec } from "@azure/cosmos";
import { CONTAINERS } from "../../shared/data/containers.js";

/** A query as the app sent it, and the container it went to. */
export interface IssuedQuery {
  container: string;
  query: string;
}

type Sort = { path: string; order: "ascending" | "descending" }[];

const issued: IssuedQuery[] = [];

/**
 * Records every query the app sends from now on, at the SDK's `Items.query` that every
 * container's `items` shares: whatever builds a query, it passes here.
 */
export function recordQueries(): void {
  // The SDK's own method, kept to be called below with the `this` each container's items give it.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = Items.prototype.query;
  Items.prototype.query = function (this: Items, spec: string | SqlQuerySpec, options?: FeedOptions) {
    issued.push({ container: this.container.id, query: typeof spec === "string" ? spec : spec.query });
    return query.call(this, spec, options);
  } as typeof query;
}

/** The queries sent in this test file so far. */
export const issuedQueries = (): readonly IssuedQuery[] => issued;

/** The composite index a query's ORDER BY needs: undefined when it sorts on one field or none (the range indexes serve those). */
export function compositeSortOf(query: string): Sort | undefined {
  const orderBy = /\bORDER BY\s+(c\.[\s\S]+)$/i.exec(query.trim())?.[1];
  const fields = orderBy?.split(",").map((part) => {
    const [expr, dir] = part.trim().split(/\s+/);
    return {
      path: expr!.replace(/^c\./, "/").replace(/\./g, "/"),
      order: (dir ?? "ASC").toUpperCase() === "DESC" ? ("descending" as const) : ("ascending" as const),
    };
  });
  return fields && fields.length > 1 ? fields : undefined;
}

/** Each query whose multi-field ORDER BY has no matching composite index in the container it went to, described. */
export function unindexedSorts(queries: readonly IssuedQuery[]): string[] {
  const missing = new Set<string>();
  for (const q of queries) {
    const sort = compositeSortOf(q.query);
    if (!sort) continue;
    const definition = Object.values(CONTAINERS).find((c) => c.id === q.container);
    const policy = (definition as { indexingPolicy?: { compositeIndexes?: readonly Sort[] } } | undefined)?.indexingPolicy;
    const covered = (policy?.compositeIndexes ?? []).some(
      (index) => index.length === sort.length && index.every((f, i) => f.path === sort[i]!.path && f.order === sort[i]!.order),
    );
    if (!covered) missing.add(`${q.container}: ORDER BY ${sort.map((f) => `${f.path} ${f.order}`).join(", ")}`);
  }
  return [...missing];
}
