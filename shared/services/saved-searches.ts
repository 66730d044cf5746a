import { randomUUID } from "node:crypto";
import * as z from "zod";
import { StaleVersion } from "../data/errors.js";
import { continuations, type Page } from "../data/paging.js";
import {
  countSavedSearches,
  deleteSavedSearch,
  insertSavedSearch,
  readSavedSearch,
  replaceSavedSearch,
  savedSearchesAfter,
  savedSearchesOf,
  type SavedSearchDoc,
} from "../data/saved-searches.js";
import { clock, nowIso } from "../domain/clock.js";
import { conflict, notFound } from "../domain/errors.js";
import { text } from "../domain/fields.js";
import type { Principal } from "../domain/roles.js";
import { notifier } from "./notifier.js";
import { walkPartitions, type WalkOptions } from "./partition-walk.js";
import { pseudonym } from "./pseudonym.js";
import { SearchQuery, firstPosition, toFilter, visiblePage } from "./search.js";
import { linkedViewerOf, viewerOf } from "./viewer.js";

export const MAX_SAVED_SEARCHES = 20;
/** The most candidates one digest counts (one page of the search's own query). */
const DIGEST_PAGE = 100;
const PAGE = 50;

export const SavedSearchBody = z.strictObject({
  name: text(100),
  filters: SearchQuery.strict().describe("the filters of GET /search/candidates"),
});
export type SavedSearchBody = z.infer<typeof SavedSearchBody>;

export interface SavedSearchView {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  createdAt: string;
}

const NOT_FOUND = "no such saved search among yours";

/** The user as stored with their saved searches: a keyed hash of the `sub`, never the `sub` (as signals' `readBy`). */
const ownerOf = (principal: Principal) => pseudonym(`saved-search-owner:${principal.sub}`);

const toView = ({ id, name, filters, createdAt }: SavedSearchView): SavedSearchView => ({ id, name, filters, createdAt });

export async function listSavedSearches(
  principal: Principal,
  query: { pageSize: number; continuation?: string | undefined },
): Promise<Page<SavedSearchView>> {
  const viewer = await viewerOf(principal);
  const owner = ownerOf(principal);
  const tokens = continuations(JSON.stringify(["savedSearches", owner, viewer.municipalityId]));
  const page = await savedSearchesOf(viewer.municipalityId, owner, query.pageSize, tokens.decode(query.continuation));
  return { items: page.items.map(toView), continuation: tokens.encode(page.continuation) };
}

/**
 * Keeps a search for its daily digest, at most MAX_SAVED_SEARCHES per user (two requests racing
 * at the limit may both pass: the bound is for the digest's work, not a security boundary).
 */
export async function createSavedSearch(principal: Principal, body: SavedSearchBody): Promise<SavedSearchView> {
  const employer = principal.role === "employer" ? await linkedViewerOf(principal, "employer") : undefined;
  const viewer = employer ?? (await viewerOf(principal));
  const owner = ownerOf(principal);
  if ((await countSavedSearches(viewer.municipalityId, owner)) >= MAX_SAVED_SEARCHES) {
    throw conflict(`you have ${MAX_SAVED_SEARCHES} saved searches, the most allowed: delete one you no longer need first`);
  }
  const now = nowIso();
  const doc: SavedSearchDoc = {
    id: randomUUID(),
    type: "savedSearch",
    municipalityId: viewer.municipalityId,
    owner,
    role: employer ? "employer" : "accountManager",
    ...(employer ? { employerId: employer.recordId } : {}),
    name: body.name,
    filters: body.filters,
    createdAt: now,
    digestedUpTo: now,
  };
  return toView((await insertSavedSearch(doc)).doc);
}

/** Deletes one of the user's own saved searches; anyone else's is not found. */
export async function deleteOwnSavedSearch(principal: Principal, id: string): Promise<void> {
  const viewer = await viewerOf(principal);
  const found = await readSavedSearch(viewer.municipalityId, id);
  if (!found || found.doc.owner !== ownerOf(principal)) throw notFound(NOT_FOUND);
  await deleteSavedSearch(viewer.municipalityId, id, found.etag);
}

export interface DigestSummary {
  complete: boolean;
  savedSearches: number;
  /** Digests put in the outbox. */
  queued: number;
}

/**
 * The nightly digest: for each saved search, the candidates changed since its last digest who
 * match its filters and whom its owner may see now (the search's own query, `visiblePage`, so a
 * candidate who stopped sharing is not among them). One digest a day per saved search: its id
 * holds the day, and a rerun finds it there. A count only.
 */
export async function queueSavedSearchDigests(o: WalkOptions): Promise<DigestSummary> {
  const at = clock().now().toISOString();
  const summary = { savedSearches: 0, queued: 0 };
  const { complete } = await walkPartitions(
    o,
    (m, after) => savedSearchesAfter(m, after, PAGE),
    async (saved) => {
      summary.savedSearches++;
      if (await digest(saved, at)) summary.queued++;
    },
  );
  return { complete, ...summary };
}

async function digest(saved: SavedSearchDoc, at: string): Promise<boolean> {
  const owner: Principal = { sub: saved.owner, role: saved.role };
  const filter = toFilter(SearchQuery.parse(saved.filters));
  const changed = {
    where: ["c.updatedAt > @since", "c.updatedAt <= @until"],
    parameters: [
      { name: "@since", value: saved.digestedUpTo },
      { name: "@until", value: at },
    ],
  };
  const { items } = await visiblePage(
    owner,
    saved.municipalityId,
    filter,
    DIGEST_PAGE,
    firstPosition(owner, saved.municipalityId, filter),
    changed,
  );
  if (items.length) {
    await notifier().send({
      id: `saved-search-${saved.id}-${at.slice(0, 10)}`,
      municipalityId: saved.municipalityId,
      audience: saved.role,
      type: "savedSearchDigest",
      savedSearchId: saved.id,
      ...(saved.employerId ? { employerId: saved.employerId } : {}),
      count: items.length,
      createdAt: at,
    });
  }
  const current = await readSavedSearch(saved.municipalityId, saved.id);
  // Deleted meanwhile, or moved on by another run: nothing to mark. A concurrent run that marked it first wins (412).
  if (current && current.doc.digestedUpTo < at) {
    await replaceSavedSearch({ ...current.doc, digestedUpTo: at }, current.etag).catch((err: unknown) => {
      if (!(err instanceof StaleVersion)) throw err;
    });
  }
  return items.length > 0;
}
