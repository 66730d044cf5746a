import type { SqlParameter } from "@azure/cosmos";
import {
  withDerivedFields,
  type CandidateDoc,
  type CandidateRecord,
  type CandidateStatus,
  type CandidateView,
  type NotificationSettings,
} from "../domain/candidate.js";
import type { SearchTerms, TargetGroup } from "../domain/search-terms.js";
import { employerSightFilter, selectList, type EmployerViewer, type IdProjection, type Projection } from "../domain/visibility.js";
import { container } from "./cosmos.js";
import { documents } from "./documents.js";
import type { StoredPage } from "./paging.js";

export const CLIENT_NUMBER_TAKEN = "a candidate with this client number already exists in your municipality";

const store = documents<CandidateDoc, CandidateRecord>("candidates", "candidate", withDerivedFields, CLIENT_NUMBER_TAKEN);

export const insertCandidate = store.insert;
export const readCandidate = store.read;
export const replaceCandidate = store.replace;

export { selectList, type Projection } from "../domain/visibility.js";

export interface CandidateListItem {
  id: string;
  status: CandidateStatus;
  admin: { clientNumber: string; firstName: string; lastName: string };
  sharing: { withEmployers: boolean };
  updatedAt: string;
}

export interface CandidateFilter {
  status?: CandidateStatus;
  /** A normalised word: first name, last name or client number. */
  term?: string;
}

/** The coach's list: one partition, projected to what a list shows, ordered by name. */
export function listCandidates(
  municipalityId: string,
  filter: CandidateFilter,
  pageSize: number,
  continuation: string | undefined,
): Promise<StoredPage<CandidateListItem>> {
  const where = ["c.municipalityId = @m", "c.type = 'candidate'"];
  const parameters: SqlParameter[] = [{ name: "@m", value: municipalityId }];
  if (filter.status) {
    where.push("c.status = @status");
    parameters.push({ name: "@status", value: filter.status });
  }
  if (filter.term) {
    where.push("ARRAY_CONTAINS(c.lookup, @term)");
    parameters.push({ name: "@term", value: filter.term });
  }
  const query = `SELECT c.id, c.status,
      {"clientNumber": c.admin.clientNumber, "firstName": c.admin.firstName, "lastName": c.admin.lastName} AS admin,
      {"withEmployers": c.sharing.withEmployers} AS sharing, c.updatedAt
    FROM c WHERE ${where.join(" AND ")} ORDER BY c.sortKey ASC, c.id ASC`;
  return store.page(query, parameters, municipalityId, pageSize, continuation);
}

/** Whether another candidate of the municipality already has this client number. */
export const clientNumberInUse = (municipalityId: string, clientNumber: string, exceptId?: string) =>
  store.taken(municipalityId, "admin.clientNumber", clientNumber, exceptId);

/** One candidate as an employer looking from `viewer` may see it (EMPLOYER_SIGHT): only then, only the projection's fields. */
export function readVisibleCandidate(
  municipalityId: string,
  id: string,
  viewer: EmployerViewer,
  projection: Projection,
): Promise<Partial<CandidateView> | undefined> {
  const sight = employerSightFilter(viewer);
  return store.first(
    `SELECT ${selectList(projection)} FROM c
     WHERE c.municipalityId = @m AND c.id = @id AND c.type = 'candidate' AND ${sight.where}`,
    [{ name: "@m", value: municipalityId }, { name: "@id", value: id }, ...sight.parameters],
    municipalityId,
  );
}

/** Search filters, already normalised like the stored search terms. */
export interface SearchFilter {
  words?: string[];
  occupation?: string;
  sector?: string;
  skills?: string[];
  language?: string;
  drivingLicence?: string;
  municipality?: string;
  /** Candidates available on or before this date (or who gave no date). */
  availableFrom?: string;
  targetGroup?: TargetGroup;
}

function filterClauses(f: SearchFilter, parameters: SqlParameter[]): string[] {
  const where: string[] = [];
  const add = (clause: string, value: unknown) => {
    const name = `@f${parameters.length}`;
    parameters.push({ name, value: value as SqlParameter["value"] });
    where.push(clause.replace("?", name));
  };
  for (const w of f.words ?? []) add("ARRAY_CONTAINS(c.search.words, ?)", w);
  for (const s of f.skills ?? []) add("ARRAY_CONTAINS(c.search.skills, ?)", s);
  if (f.occupation) add("ARRAY_CONTAINS(c.search.occupations, ?)", f.occupation);
  if (f.sector) add("ARRAY_CONTAINS(c.search.sectors, ?)", f.sector);
  if (f.language) add("ARRAY_CONTAINS(c.search.languages, ?)", f.language);
  if (f.drivingLicence) add("ARRAY_CONTAINS(c.search.drivingLicences, ?)", f.drivingLicence);
  if (f.targetGroup) add("ARRAY_CONTAINS(c.search.targetGroups, ?)", f.targetGroup);
  if (f.availableFrom) add("c.search.availableFrom <= ?", f.availableFrom);
  if (f.municipality) add("c.municipalityId = ?", f.municipality);
  return where;
}

const SEARCH_ORDER = "ORDER BY c.updatedAt DESC, c.id ASC";

/** What a caller adds to a search: more conditions, and values selected `AS matched` (matching, shared/domain/matching.ts). */
export interface QueryPart {
  where: string[];
  select?: string;
  parameters: SqlParameter[];
}

const selectWith = (projection: Projection, part: QueryPart | undefined) =>
  `${selectList(projection)}${part?.select ? `, ${part.select} AS matched` : ""}`;

/** Search inside one municipality's partition, every candidate (account managers at home). */
export function searchMunicipality(
  municipalityId: string,
  filter: SearchFilter,
  projection: IdProjection,
  pageSize: number,
  continuation: string | undefined,
  part?: QueryPart,
): Promise<StoredPage<FoundCandidate>> {
  const parameters: SqlParameter[] = [{ name: "@m", value: municipalityId }, ...(part?.parameters ?? [])];
  const where = ["c.municipalityId = @m", "c.type = 'candidate'", ...filterClauses(filter, parameters), ...(part?.where ?? [])];
  return store.page(
    `SELECT ${selectWith(projection, part)} FROM c WHERE ${where.join(" AND ")} ${SEARCH_ORDER}`,
    parameters,
    municipalityId,
    pageSize,
    continuation,
  );
}

/** A candidate as a search finds it: the projected fields, `id` always among them. */
export type FoundCandidate = Partial<CandidateView> & { id: string };

export interface VisibleScope {
  /** Where the employer looks from (EMPLOYER_SIGHT in visibility.ts). */
  viewer: EmployerViewer;
  /** Leave this municipality out (account managers search their own separately). */
  exclude?: string;
}

/**
 * The employer-wide search: the candidates EMPLOYER_SIGHT lets the viewer see, in every
 * municipality. The only query that crosses partitions (unless a municipality filter pins it to one).
 */
export function searchVisible(
  scope: VisibleScope,
  filter: SearchFilter,
  projection: IdProjection,
  pageSize: number,
  continuation: string | undefined,
  part?: QueryPart,
): Promise<StoredPage<FoundCandidate>> {
  const sight = employerSightFilter(scope.viewer);
  const parameters: SqlParameter[] = [...sight.parameters, ...(part?.parameters ?? [])];
  const where = ["c.type = 'candidate'", sight.where, ...filterClauses(filter, parameters), ...(part?.where ?? [])];
  if (scope.exclude) {
    parameters.push({ name: "@exclude", value: scope.exclude });
    where.push("c.municipalityId != @exclude");
  }
  return store.page(
    `SELECT ${selectWith(projection, part)} FROM c WHERE ${where.join(" AND ")} ${SEARCH_ORDER}`,
    parameters,
    filter.municipality,
    pageSize,
    continuation,
  );
}

/** What the retention sweep needs of a candidate: no names, no profile. */
export interface RetentionItem {
  id: string;
  municipalityId: string;
  deleteOn: string;
  retention: { rule: string; ruleKey: string; deleteOn: string; signalledFor?: string };
  serviceEnd?: { endedOn: string; reason: string };
  accountSub?: string;
  invitationIds?: string[];
}

const RETENTION_SELECT = "SELECT c.id, c.municipalityId, c.deleteOn, c.retention, c.serviceEnd, c.accountSub, c.invitationIds FROM c";

/**
 * Candidates of one municipality whose retention date is on or before `until` (an indexed range
 * in one partition), leaving out `skip` (ones that failed earlier in this run).
 */
export function candidatesDue(municipalityId: string, until: string, skip: string[], pageSize: number, continuation?: string) {
  return store.page<RetentionItem>(
    `${RETENTION_SELECT} WHERE c.municipalityId = @m AND c.type = 'candidate' AND c.deleteOn <= @until AND NOT ARRAY_CONTAINS(@skip, c.id)`,
    [
      { name: "@m", value: municipalityId },
      { name: "@until", value: until },
      { name: "@skip", value: skip },
    ],
    municipalityId,
    pageSize,
    continuation,
  );
}

/** Candidates whose date falls in (after, until] and whose coaches were not told about that date yet. */
export function candidatesToSignal(municipalityId: string, after: string, until: string, skip: string[], pageSize: number) {
  return store.page<RetentionItem>(
    `${RETENTION_SELECT} WHERE c.municipalityId = @m AND c.type = 'candidate' AND c.deleteOn > @after AND c.deleteOn <= @until
       AND (NOT IS_DEFINED(c.retention.signalledFor) OR c.retention.signalledFor != c.deleteOn) AND NOT ARRAY_CONTAINS(@skip, c.id)`,
    [
      { name: "@m", value: municipalityId },
      { name: "@after", value: after },
      { name: "@until", value: until },
      { name: "@skip", value: skip },
    ],
    municipalityId,
    pageSize,
    undefined,
  );
}

/** Candidates by client number (a client-tracking system's batch), in one partition. */
export function candidatesByClientNumbers(municipalityId: string, clientNumbers: string[]) {
  return store.all<{ id: string; clientNumber: string; serviceEnd?: { endedOn: string; reason: string; esfProgrammeEndsOn?: string } }>(
    "SELECT c.id, c.admin.clientNumber AS clientNumber, c.serviceEnd FROM c WHERE c.municipalityId = @m AND c.type = 'candidate' AND ARRAY_CONTAINS(@numbers, c.admin.clientNumber)",
    [
      { name: "@m", value: municipalityId },
      { name: "@numbers", value: clientNumbers },
    ],
    municipalityId,
  );
}

export const deleteCandidateDoc = store.remove;

/** Whether each part of a profile is filled, computed in the query: the tips timer never reads the contents. */
export interface TipsCandidate {
  id: string;
  hasCv: boolean;
  skills?: number;
  hasDescription: boolean;
  workExperience?: number;
  hasAvailability: boolean;
  shared: boolean;
}

/**
 * One page, in id order after `after`, of the active candidates of a municipality who may get a
 * tips e-mail: service not ended, tips not switched off (absent means on), none since `cutoff`.
 */
export function candidatesForTips(municipalityId: string, cutoff: string, after: string, pageSize: number) {
  return store.page<TipsCandidate>(
    `SELECT c.id, IS_DEFINED(c.files.cv) AS hasCv, ARRAY_LENGTH(c.profile.skills) AS skills, IS_DEFINED(c.profile.description) AS hasDescription,
       ARRAY_LENGTH(c.profile.workExperience) AS workExperience, IS_DEFINED(c.profile.availability) AS hasAvailability, c.sharing.withEmployers AS shared
     FROM c WHERE c.municipalityId = @m AND c.type = 'candidate' AND c.status = 'active' AND NOT IS_DEFINED(c.serviceEnd.endedOn)
       AND (NOT IS_DEFINED(c.notifications.tips) OR c.notifications.tips = true)
       AND (NOT IS_DEFINED(c.tipsSentAt) OR c.tipsSentAt <= @cutoff) AND c.id > @after ORDER BY c.id`,
    [
      { name: "@m", value: municipalityId },
      { name: "@cutoff", value: cutoff },
      { name: "@after", value: after },
    ],
    municipalityId,
    pageSize,
    undefined,
  );
}

/** Notes that a tips e-mail was queued; a patch, so no edit of the candidate's is overwritten. */
export async function markTipsSent(municipalityId: string, id: string, at: string): Promise<void> {
  await container("candidates")
    .item(id, municipalityId)
    .patch([{ op: "set", path: "/tipsSentAt", value: at }]);
}

/** Where and whether a candidate gets e-mail: the address staff entered, the status and the e-mail settings. */
export function candidateRecipient(municipalityId: string, id: string) {
  return store.first<{ email: string; status: CandidateStatus; notifications?: Partial<NotificationSettings> }>(
    "SELECT c.admin.email AS email, c.status, c.notifications FROM c WHERE c.municipalityId = @m AND c.type = 'candidate' AND c.id = @id",
    [
      { name: "@m", value: municipalityId },
      { name: "@id", value: id },
    ],
    municipalityId,
  );
}

/** A candidate's stored search terms only (their own matches): nothing else leaves the database. */
export function searchTermsOf(municipalityId: string, id: string) {
  return store.first<{ search?: Partial<SearchTerms>; updatedAt: string }>(
    "SELECT c.search, c.updatedAt FROM c WHERE c.municipalityId = @m AND c.id = @id AND c.type = 'candidate'",
    [
      { name: "@m", value: municipalityId },
      { name: "@id", value: id },
    ],
    municipalityId,
  );
}

/**
 * One page, in id order after `after`, of the active candidates of a municipality who turned
 * vacancy alerts on (absent means off), with only their search terms.
 */
export function candidatesForVacancyAlerts(municipalityId: string, after: string, pageSize: number) {
  return store.page<{ id: string; search?: Partial<SearchTerms> }>(
    `SELECT c.id, c.search FROM c WHERE c.municipalityId = @m AND c.type = 'candidate' AND c.status = 'active'
       AND c.notifications.vacancyAlerts = true AND c.id > @after ORDER BY c.id`,
    [
      { name: "@m", value: municipalityId },
      { name: "@after", value: after },
    ],
    municipalityId,
    pageSize,
    undefined,
  );
}
