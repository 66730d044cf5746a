import { createHmac } from "node:crypto";
import type { PatchOperation } from "@azure/cosmos";
import { config } from "../config/index.js";
import { secretKey } from "../config/secret-keys.js";
import { createViewCounter, patchViewCounter, type PatchOutcome, type ViewCounter } from "../data/counters.js";
import { clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { isStaff, type Principal } from "../domain/roles.js";
import { keepBounded, runtime } from "../runtime.js";
import { notifier } from "./notifier.js";

/**
 * Viewing limits against bulk scraping (README "Who sees what"): pages a minute per user and
 * per employer organisation, and distinct candidates shown a day per employer organisation (per
 * staff member for staff). The state is in Cosmos, so every instance decides on the same counts.
 *
 * One document per subject and UTC day (shared/data/counters.ts) holds both: page counts per
 * `{who}.{minute}` and the keyed hashes of the candidates shown. A request costs one patch:
 * `incr` of its page counters, and, when the page shows candidates this instance has not seen
 * counted yet, an `add` of their hashes as one array (Cosmos allows 10 operations a patch, so one
 * operation per candidate would not fit a page of 20). The patch returns the document; the
 * distinct count is computed from it. Candidates count in the order first shown: the first
 * `limit` distinct ones are the organisation's for the day, so a candidate offered past the limit
 * stays refused, however often it is asked for again, and one already shown stays available.
 */

/** Who is looking; employer users with the employer record their account is linked to. */
export interface Looker {
  principal: Principal;
  /** The employer's municipality (the account managers to signal). */
  municipalityId?: string;
  /** For employer users: the employer id, their organisation. */
  recordId?: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Patch `remove`s of stale page counters a request may carry (each patch holds at most 10 operations). */
const MAX_PRUNE = 4;
/** Entries an instance remembers before it starts over (one per subject and day it served). */
const MAX_KNOWN = 5000;

/** A keyed hash: the counters hold no sub or candidate id, and cannot be matched without the key. */
const keyed = (kind: string, value: string) =>
  createHmac("sha256", secretKey("PSEUDONYM_KEY")).update(`views\0${kind}\0${value}`).digest("hex").slice(0, 12);

interface Windows {
  now: number;
  day: string;
  minute: number;
  minuteEnds: number;
  dayEnds: number;
}

function windowsAt(date: Date): Windows {
  const now = date.getTime();
  const dayStart = Math.floor(now / DAY) * DAY;
  const minute = Math.floor((now - dayStart) / MINUTE);
  return { now, day: date.toISOString().slice(0, 10), minute, minuteEnds: dayStart + (minute + 1) * MINUTE, dayEnds: dayStart + DAY };
}

/** The organisation an employer user counts for. */
interface Employer {
  id: string;
  municipalityId: string;
}

interface Subject {
  /** The document's id. */
  id: string;
  subject: string;
  /** The user's page counter key in the document, and the organisation's (employers). */
  userKey: string;
  employer?: Employer;
  pages: number;
  orgPages: number;
  candidates: number;
}

function subjectOf(looker: Looker, day: string): Subject {
  const c = config();
  const { principal } = looker;
  const userKey = keyed("user", principal.sub);
  const staff = isStaff(principal.role);
  const employer =
    principal.role === "employer" && looker.recordId ? { id: looker.recordId, municipalityId: looker.municipalityId ?? "" } : undefined;
  const subject = employer ? `employer:${employer.id}` : `user:${userKey}`;
  return {
    id: `views:${subject}:${day}`,
    subject,
    userKey,
    ...(employer ? { employer } : {}),
    pages: staff ? c.VIEW_LIMIT_STAFF_PAGES_PER_MINUTE : c.VIEW_LIMIT_PAGES_PER_MINUTE,
    orgPages: c.VIEW_LIMIT_EMPLOYER_PAGES_PER_MINUTE,
    candidates: staff ? c.VIEW_LIMIT_STAFF_CANDIDATES_PER_DAY : c.VIEW_LIMIT_EMPLOYER_CANDIDATES_PER_DAY,
  };
}

/** The id of the counter document of a user (or, for an employer user, their organisation) on a day: for tests and support. */
export function viewCounterId(looker: Looker, day: string): string {
  return subjectOf(looker, day).id;
}

/** Distinct hashes in the order first shown. */
function firstShown(seen: string[][]): string[] {
  const out = new Set<string>();
  for (const page of seen) for (const h of page) out.add(h);
  return [...out];
}

/** What this instance learnt from the last answer about a document. */
interface Known {
  doc: ViewCounter;
  order: string[];
  all: Set<string>;
}
/** What this instance knows of the viewing limits (the runtime's memory). */
export interface KnownViews {
  /** By counter document. */
  readonly known: Map<string, Known>;
  /** Page counters this instance saw over their limit, until their window ends: refused without a round trip. */
  readonly blocked: Map<string, number>;
}

const at = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

function tooMany(detail: string, until: number, now: number): AppError {
  return new AppError(429, "Too Many Requests", detail, {
    headers: { "Retry-After": String(Math.max(1, Math.ceil((until - now) / 1000))) },
  });
}

const pagesRefused = (s: Subject, w: Windows, org: boolean) =>
  tooMany(
    org
      ? `your organisation opened more than ${s.orgPages} pages this minute, the limit for all its users together; try again at ${at(w.minuteEnds)}`
      : `you opened more than ${s.pages} pages this minute, the limit per user; try again at ${at(w.minuteEnds)}`,
    w.minuteEnds,
    w.now,
  );

const candidatesRefused = (s: Subject, w: Windows) =>
  tooMany(
    `${s.employer ? "your organisation has" : "you have"} been shown the ${s.candidates} different candidates ${s.employer ? "it" : "you"} may see per day; ` +
      `candidates already shown today stay available, others again from ${at(w.dayEnds)}`,
    w.dayEnds,
    w.now,
  );

/**
 * Counts a page that shows `candidateIds` (none for lists without candidates) for the caller,
 * or refuses it with 429 and Retry-After. Call it once the page's candidates are known and
 * before they are audited or returned. At most one round trip, none when this instance already
 * knows the answer is no.
 */
export async function admitView(looker: Looker, candidateIds: readonly string[]): Promise<void> {
  const w = windowsAt(clock().now());
  const s = subjectOf(looker, w.day);
  const userPage = `${s.userKey}.${w.minute}`;
  const orgPage = `all.${w.minute}`;
  const counted = s.employer ? [userPage, orgPage] : [userPage];
  const { known, blocked } = runtime().memory.views;

  for (const key of counted) {
    if ((blocked.get(`${s.id}|${key}`) ?? 0) > w.now) throw pagesRefused(s, w, key === orgPage);
  }
  const hashes = [...new Set(candidateIds.map((id) => keyed("candidate", id)))];
  const before = known.get(s.id);
  if (before && before.order.length >= s.candidates) {
    // The day's candidates are fixed once the limit is reached: anyone else is refused until the day ends.
    const allowed = new Set(before.order.slice(0, s.candidates));
    if (hashes.some((h) => !allowed.has(h))) throw candidatesRefused(s, w);
  }
  const fresh = hashes.filter((h) => !before?.all.has(h));

  const count: PatchOperation[] = counted.map((key) => ({ op: "incr", path: `/pages/${key}`, value: 1 }));
  const add: PatchOperation[] = fresh.length
    ? [
        { op: "add", path: "/seen/-", value: fresh },
        { op: "incr", path: "/held", value: fresh.length },
      ]
    : [];
  // The document's size is bounded: past twice the limit (repeats from racing instances included) nothing more is added.
  const condition = fresh.length ? `from c where c.held <= ${2 * s.candidates + 100 - fresh.length}` : undefined;
  // Counters of minutes gone (this user's and the organisation's) are removed on the way, so the document stays small.
  const prune: PatchOperation[] = Object.keys(before?.doc.pages ?? {})
    .filter((key) => {
      const [who, minute] = key.split(".");
      return (who === s.userKey || (s.employer && who === "all")) && Number(minute) <= w.minute - 2;
    })
    .slice(0, MAX_PRUNE)
    .map((key) => ({ op: "remove", path: `/pages/${key}` }));

  const first = (): ViewCounter => ({
    id: s.id,
    type: "views",
    subject: s.subject,
    day: w.day,
    pages: Object.fromEntries(counted.map((key) => [key, 1])),
    seen: fresh.length ? [fresh] : [],
    held: fresh.length,
    ttl: 2 * 86_400,
  });

  let added = fresh.length > 0;
  let outcome: PatchOutcome = await patchViewCounter(s.id, [...count, ...add, ...prune], condition);
  // Another request removed a stale counter first: the same without removing.
  if ("badRequest" in outcome && prune.length) outcome = await patchViewCounter(s.id, [...count, ...add], condition);
  if ("missing" in outcome) {
    // The day's first page: create the document counted; another instance may just have (409).
    const created = await createViewCounter(first());
    outcome = created ? { doc: created } : await patchViewCounter(s.id, [...count, ...add], condition);
  }
  if ("full" in outcome) {
    // At the size bound: count the page only; its new candidates cannot be counted, so they are refused.
    added = false;
    outcome = await patchViewCounter(s.id, count);
  }
  if (!("doc" in outcome)) throw new Error(`view counter: unexpected answer ${Object.keys(outcome).join()}`);
  const doc = outcome.doc;

  const order = firstShown(doc.seen);
  keepBounded(known, s.id, { doc, order, all: new Set(doc.seen.flat()) }, MAX_KNOWN);

  if (s.employer && added) await signalWhenNear(s, s.employer, w, doc, order.length);

  for (const key of counted) {
    const limit = key === orgPage ? s.orgPages : s.pages;
    if ((doc.pages[key] ?? 0) > limit) {
      keepBounded(blocked, `${s.id}|${key}`, w.minuteEnds, MAX_KNOWN);
      throw pagesRefused(s, w, key === orgPage);
    }
  }
  const allowed = new Set(order.slice(0, s.candidates));
  if (hashes.some((h) => !allowed.has(h))) throw candidatesRefused(s, w);
}

/**
 * When an organisation reaches VIEW_LIMIT_SIGNAL_PERCENT of its daily candidates, its
 * municipality's account managers get a signal through the outbox, once a day: the
 * document's `signalled` flag says it went (the request that sees the flag unset sends it; the
 * notification id is the same for every try, so a race leaves one).
 */
async function signalWhenNear(s: Subject, employer: Employer, w: Windows, doc: ViewCounter, shown: number): Promise<void> {
  const threshold = Math.ceil((s.candidates * config().VIEW_LIMIT_SIGNAL_PERCENT) / 100);
  if (shown < threshold || doc.signalled) return;
  await notifier().send({
    id: `view-limit-${employer.id}-${w.day}`,
    municipalityId: employer.municipalityId,
    audience: "accountManager",
    type: "viewLimitNear",
    employerId: employer.id,
    day: w.day,
    candidatesShown: Math.min(shown, s.candidates),
    limit: s.candidates,
    createdAt: new Date(w.now).toISOString(),
  });
  const marked = await patchViewCounter(s.id, [{ op: "set", path: "/signalled", value: true }]);
  const known = runtime().memory.views.known.get(s.id);
  if ("doc" in marked && known) known.doc = marked.doc;
}
