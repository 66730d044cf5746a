import { readCandidate, replaceCandidate } from "../data/candidates.js";
import type { Versioned } from "../data/documents.js";
import { readEmployer, replaceEmployer } from "../data/employers.js";
import { readVacancy, replaceVacancy } from "../data/vacancies.js";
import { toView, type CandidateDoc, type CandidateRecord, type CandidateView } from "../domain/candidate.js";
import type { EmployerDoc, EmployerRecord } from "../domain/employer.js";
import type { VacancyDoc } from "../domain/vacancy.js";
import { AppError, conflict, notFound, preconditionFailed } from "../domain/errors.js";
import { emitEvent } from "./telemetry.js";

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

const MAX_ATTEMPTS = 10;

/** A short random pause before retrying a lost race, so racing writers spread out. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));

interface Store<T, W> {
  read(municipalityId: string, id: string): Promise<Versioned<T> | undefined>;
  replace(doc: W, etag: string): Promise<Versioned<T>>;
}

/**
 * Read, change, write back only if nobody wrote in between. With `If-Match` the client's
 * version must be current (412 otherwise); without it, a lost race is retried on fresh data,
 * so concurrent writers never overwrite each other's changes. `alongside` (the audit line)
 * runs concurrently with the write, once the change has passed validation; it must be
 * idempotent, as a retried write runs it again.
 */
async function modify<T extends W, W>(
  store: Store<T, W>,
  what: string,
  municipalityId: string,
  id: string,
  ifMatch: string | undefined,
  change: (doc: T) => W,
  alongside: (next: W) => Promise<void> = async () => {},
): Promise<Versioned<T>> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.read(municipalityId, id);
    if (!current) throw notFound(`no such ${what}, or not one you may see`);
    if (!etagMatches(ifMatch, current.etag)) {
      throw preconditionFailed(`the ${what} was changed since you read it; read it again and reapply your change`);
    }
    const next = change(current.doc);
    try {
      return await writeLogged(store, current, next, alongside);
    } catch (err) {
      const lostRace = err instanceof AppError && err.status === 412;
      if (!lostRace || ifMatch !== undefined) throw err;
      if (attempt >= MAX_ATTEMPTS) throw conflict(`the ${what} is being changed by others right now; try again`);
      await backoff(attempt);
    }
  }
}

/**
 * The write and its usage-log line, concurrently (one round trip of latency). No change stands
 * without its line: when the write succeeded and the line failed (after the SDK's retries), the
 * line is tried once more, and failing that the previous version is written back, over this write
 * only (If-Match), and the caller gets the line's error (503): nothing changed, try again. Should
 * that fail too, the `audit.unrecorded` event says so. A line without a change may remain (the
 * write failed, the line did not): the log then records an attempt, which errs on the side of
 * accountability, never the other way.
 */
async function writeLogged<T extends W, W>(store: Store<T, W>, current: Versioned<T>, next: W, alongside: (next: W) => Promise<void>): Promise<Versioned<T>> {
  const [written, logged] = await Promise.allSettled([store.replace(next, current.etag), alongside(next)]);
  if (written.status === "rejected") throw written.reason;
  if (logged.status === "fulfilled") return written.value;
  try {
    await alongside(next);
    return written.value;
  } catch {
    await store.replace(current.doc, written.value.etag).catch(() => emitEvent("audit.unrecorded", {}, { count: 1 }, "warn"));
    throw logged.reason;
  }
}

const candidateStore = { read: readCandidate, replace: replaceCandidate };
const employerStore = { read: readEmployer, replace: replaceEmployer };
const vacancyStore = { read: readVacancy, replace: replaceVacancy };

export const modifyCandidate = (
  municipalityId: string,
  id: string,
  ifMatch: string | undefined,
  change: (doc: CandidateDoc) => CandidateRecord,
  alongside?: (next: CandidateRecord) => Promise<void>,
) => modify(candidateStore, "candidate", municipalityId, id, ifMatch, change, alongside);

export const modifyEmployer = (municipalityId: string, id: string, ifMatch: string | undefined, change: (doc: EmployerDoc) => EmployerRecord) =>
  modify(employerStore, "employer", municipalityId, id, ifMatch, change);

export const modifyVacancy = (municipalityId: string, id: string, ifMatch: string | undefined, change: (doc: VacancyDoc) => VacancyDoc) =>
  modify(vacancyStore, "vacancy", municipalityId, id, ifMatch, change);

/** A record as a service hands it to a function: the client's view and its version. */
export interface VersionedView<V = CandidateView> {
  view: V;
  etag: string;
}

/** A stored candidate as the staff and the candidate see it. */
export const candidateView = ({ doc, etag }: Versioned<CandidateDoc>): VersionedView => ({ view: toView(doc), etag });
