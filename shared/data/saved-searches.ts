import { documents, unchanged } from "./documents.js";

/** A saved search as stored: the owner only as a keyed hash of their `sub`. */
export interface SavedSearchDoc {
  id: string;
  type: "savedSearch";
  municipalityId: string;
  /** `pseudonym("saved-search-owner:" + sub)`: matches the signed-in user, reveals nobody. */
  owner: string;
  role: "employer" | "accountManager";
  /** Employer users: their organisation, whose contact address gets the digest. */
  employerId?: string;
  name: string;
  /** The filters of GET /search/candidates, as validated. */
  filters: Record<string, unknown>;
  createdAt: string;
  /** Candidates changed after this are new to the next digest. */
  digestedUpTo: string;
}

const store = documents<SavedSearchDoc>("savedSearches", "savedSearch", unchanged);

export const insertSavedSearch = store.insert;
export const readSavedSearch = store.read;
export const replaceSavedSearch = store.replace;
export const deleteSavedSearch = store.remove;

const OWN = "c.municipalityId = @m AND c.type = 'savedSearch' AND c.owner = @o";
const own = (municipalityId: string, owner: string) => [
  { name: "@m", value: municipalityId },
  { name: "@o", value: owner },
];

/** One user's saved searches, newest first (one partition). */
export function savedSearchesOf(municipalityId: string, owner: string, pageSize: number, continuation: string | undefined) {
  return store.page<Pick<SavedSearchDoc, "id" | "name" | "filters" | "createdAt">>(
    `SELECT c.id, c.name, c.filters, c.createdAt FROM c WHERE ${OWN} ORDER BY c.createdAt DESC`,
    own(municipalityId, owner),
    municipalityId,
    pageSize,
    continuation,
  );
}

export async function countSavedSearches(municipalityId: string, owner: string): Promise<number> {
  return (await store.ids(`SELECT VALUE c.id FROM c WHERE ${OWN}`, own(municipalityId, owner), municipalityId)).length;
}

/** A page of a municipality's saved searches for the digest, keyset by id so marking them as it goes never skips one. */
export function savedSearchesAfter(municipalityId: string, afterId: string, pageSize: number) {
  return store.page<SavedSearchDoc>(
    "SELECT * FROM c WHERE c.municipalityId = @m AND c.type = 'savedSearch' AND c.id > @after ORDER BY c.id ASC",
    [
      { name: "@m", value: municipalityId },
      { name: "@after", value: afterId },
    ],
    municipalityId,
    pageSize,
    undefined,
  );
}
