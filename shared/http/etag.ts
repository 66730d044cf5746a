import type { VersionCheck } from "../data/documents.js";

/** The HTTP entity tag of a stored version (Cosmos' own may or may not carry quotes). */
export const httpEtag = (etag: string): string => (etag.startsWith('"') ? etag : `"${etag}"`);

/**
 * `If-Match` as a check on a stored version: `*`, or a list of entity tags one of which must be
 * the current one. No header, no check.
 */
export function ifMatchCheck(ifMatch: string | undefined): VersionCheck | undefined {
  if (ifMatch === undefined) return undefined;
  const tags = ifMatch.split(",").map((tag) => tag.trim());
  return (etag) => tags.some((t) => t === "*" || t === httpEtag(etag));
}
