import { readCandidate, replaceCandidate, type Versioned } from "../data/candidates.js";
import type { CandidateDoc } from "../domain/candidate.js";
import { AppError, conflict, notFound, preconditionFailed } from "../domain/errors.js";

/** The HTTP entity tag of a stored version (Cosmos' own may or may not carry quotes). */
export const httpEtag = (etag: string): string => (etag.startsWith('"') ? etag : `"${etag}"`);

/** `If-Match`: `*`, or a list of entity tags one of which must be the current one. */
export function etagMatches(ifMatch: string | undefined, etag: string): boolean {
  if (ifMatch === undefined) return true;
  const current = httpEtag(etag);
  return ifMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === current;
  });
}

const MAX_ATTEMPTS = 5;

/**
 * Read, change, write back only if nobody wrote in between. With `If-Match` the client's
 * version must be current (412 otherwise); without it, a lost race is retried on fresh data,
 * so concurrent writers never overwrite each other's changes. `alongside` (the audit line)
 * runs concurrently with the write, once the change has passed validation; it must be
 * idempotent, as a retried write runs it again.
 */
export async function modifyCandidate(
  municipalityId: string,
  id: string,
  ifMatch: string | undefined,
  change: (doc: CandidateDoc) => CandidateDoc,
  alongside: (next: CandidateDoc) => Promise<void> = async () => {},
): Promise<Versioned<CandidateDoc>> {
  for (let attempt = 1; ; attempt++) {
    const current = await readCandidate(municipalityId, id);
    if (!current) throw notFound("no such candidate");
    if (!etagMatches(ifMatch, current.etag)) {
      throw preconditionFailed("the candidate was changed since you read it; read it again and reapply your change");
    }
    const next = change(current.doc);
    try {
      const [written] = await Promise.all([replaceCandidate(next, current.etag), alongside(next)]);
      return written;
    } catch (err) {
      const lostRace = err instanceof AppError && err.status === 412;
      if (!lostRace || ifMatch !== undefined) throw err;
      if (attempt >= MAX_ATTEMPTS) throw conflict("the candidate is being changed by others right now; try again");
    }
  }
}
