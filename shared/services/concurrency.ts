import { readCandidate, replaceCandidate } from "../data/candidates.js";
import type { Versioned, VersionCheck } from "../data/documents.js";
import { readEmployer, replaceEmployer } from "../data/employers.js";
import { StaleVersion } from "../data/errors.js";
import { readVacancy, replaceVacancy } from "../data/vacancies.js";
import { toView, type CandidateDoc, type CandidateRecord, type CandidateView } from "../domain/candidate.js";
import type { EmployerDoc, EmployerRecord } from "../domain/employer.js";
import type { VacancyDoc } from "../domain/vacancy.js";
import { conflict, notFound } from "../domain/errors.js";
import { emitEvent } from "./telemetry.js";

const MAX_ATTEMPTS = 10;

/** A short random pause before retrying a lost race, so racing writers spread out. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));

interface Store<T, W> {
  read(municipalityId: string, id: string): Promise<Versioned<T> | undefined>;
  replace(doc: W, etag: string): Promise<Versioned<T>>;
}

/** A change to one stored record: which one, the client's version check, and what to do. */
export interface Modification<T, W> {
  municipalityId: string;
  id: string;
  /** The client's version must be current (If-Match); undefined: any version, retried on a lost race. */
  expected?: VersionCheck | undefined;
  change: (doc: T) => W;
  /** Runs alongside the write (the audit line); idempotent, as a retried write runs it again. */
  alongside?: ((next: W) => Promise<void>) | undefined;
}

/**
 * Read, change, write back only if nobody wrote in between. With `expected` the client's
 * version must be current (StaleVersion otherwise); without it, a lost race is retried on fresh data,
 * so concurrent writers never overwrite each other's changes. `alongside` (the audit line)
 * runs concurrently with the write, once the change has passed validation.
 */
async function modify<T extends W, W>(
  store: Store<T, W>,
  what: string,
  { municipalityId, id, expected, change, alongside = async () => {} }: Modification<T, W>,
): Promise<Versioned<T>> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.read(municipalityId, id);
    if (!current) throw notFound(`no such ${what}, or not one you may see`);
    if (expected && !expected(current.etag)) {
      throw new StaleVersion(`the ${what} was changed since you read it; read it again and reapply your change`);
    }
    const next = change(current.doc);
    try {
      return await writeLogged(store, current, next, alongside);
    } catch (err) {
      if (!(err instanceof StaleVersion) || expected) throw err;
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
async function writeLogged<T extends W, W>(
  store: Store<T, W>,
  current: Versioned<T>,
  next: W,
  alongside: (next: W) => Promise<void>,
): Promise<Versioned<T>> {
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

export const modifyCandidate = (m: Modification<CandidateDoc, CandidateRecord>) => modify(candidateStore, "candidate", m);
export const modifyEmployer = (m: Modification<EmployerDoc, EmployerRecord>) => modify(employerStore, "employer", m);
export const modifyVacancy = (m: Modification<VacancyDoc, VacancyDoc>) => modify(vacancyStore, "vacancy", m);

/** A record as a service hands it to a function: the client's view and its version. */
export interface VersionedView<V = CandidateView> {
  view: V;
  etag: string;
}

/** A stored candidate as the staff and the candidate see it. */
export const candidateView = ({ doc, etag }: Versioned<CandidateDoc>): VersionedView => ({ view: toView(doc), etag });
