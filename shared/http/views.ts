import * as z from "zod";
import { AdminFields, CandidateView, FileRef, NotificationSettings, ProfileFields } from "../domain/candidate.js";
import { TIP_KEYS } from "../domain/tips.js";
import { EmployerFields, EmployerView } from "../domain/employer.js";
import { Contact, MunicipalitySettings } from "../domain/municipality.js";
import { SERVICE_END_REASONS, ServiceEnd, ServiceEndBatch, ServiceEndLine } from "../domain/retention.js";
import { CONTENT_TYPES, FILE_KINDS } from "../domain/uploads.js";
import { CRITERIA, MATCH_ORDER } from "../domain/matching.js";
import { CANDIDATE_VACANCY_FIELDS, VacancyView } from "../domain/vacancy.js";
import { ReportSummary } from "../domain/report.js";
import { SMALL, WITHHELD } from "../domain/suppression.js";
import { EMPLOYER_PROJECTION, SEARCH_PROJECTION, STAFF_SEARCH_PROJECTION } from "../domain/visibility.js";
import { SearchQuery } from "../services/search.js";
import { MAX_LISTED_ERRORS } from "./problem.js";
import { Problem as ProblemShape } from "./schemas.js";

/**
 * The response schemas of the API, each named once: the OpenAPI document lists them under
 * `components.schemas` (zod's global registry, `.meta({ id })`) and refers to them by `$ref`.
 * Record parts that request bodies share with answers (a profile's list items, contacts, the
 * settings) are named where shared/domain defines them. Each role's view of a record is its own
 * schema, derived from the record's schema and, for the employer's view, from the projection the
 * data layer selects (shared/domain/visibility.ts), so the document cannot drift from what is sent.
 */
const named = <T extends z.ZodType>(id: string, description: string, schema: T): T => schema.meta({ id, description });

/** `{ a: true, b: true }` for `.pick()`, from a projection's field list. */
const fields = <K extends string>(list: readonly K[]) => Object.fromEntries(list.map((k) => [k, true])) as { [P in K]: true };

// ---- shared shapes ---------------------------------------------------------

/** Ids as the path parameters accept them: opaque to clients. */
const Id = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,110}$/)
  .max(110);
const MunicipalityId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,63}$/)
  .max(64);
const Timestamp = z.iso.datetime();
const Day = z.iso.date();
const Continuation = z.string().max(4000).nullable().describe("pass it back as `continuation` for the next page; null on the last page");
const MAX_PAGE = 100;

export const FieldError = named(
  "FieldError",
  "one bad field: its path as the client wrote it (`admin.postcode`, `profile.skills.0`) and what is wrong",
  z.object({ path: z.string(), message: z.string() }),
);

export const Problem = named(
  "Problem",
  "An error, as RFC 9457 problem details (`application/problem+json`).",
  ProblemShape.omit({ errors: true, errorCount: true }).extend({ type: z.url(), status: z.number().int().min(400).max(599) }),
);

export const ValidationProblem = named(
  "ValidationProblem",
  "A problem that may name the fields at fault: `errors` lists at most the first 20, `errorCount` says how many there were.",
  Problem.extend({
    errors: z.array(FieldError).max(MAX_LISTED_ERRORS).optional(),
    errorCount: z.number().int().min(1).optional(),
  }),
);

// ---- candidates ------------------------------------------------------------

export const CandidateAdmin = named("CandidateAdmin", "Administrative data, entered by municipal staff.", AdminFields);

export const CandidateEmployerAdmin = named(
  "CandidateEmployerAdmin",
  "The administrative data employers may see: never the client number, gender, date of birth, postcode, case manager or service type.",
  CandidateAdmin.pick(fields(EMPLOYER_PROJECTION.admin)),
);

export const CandidateProfile = named("CandidateProfile", "The profile, entered by the candidate.", ProfileFields);

export const UploadedFile = named(
  "UploadedFile",
  "A verified file attached to a profile.",
  FileRef.extend({
    uploadId: z.string().max(64),
    contentType: z.enum([...new Set(Object.values(CONTENT_TYPES).flat())]),
    size: z.int().min(1),
    fileName: z.string().max(100).describe("a safe name with the extension of the checked type"),
    uploadedAt: Timestamp,
  }),
);

export const CandidateFiles = named(
  "CandidateFiles",
  "The candidate's files, by kind.",
  z.object(
    Object.fromEntries(FILE_KINDS.map((k) => [k, UploadedFile.optional()])) as Record<
      (typeof FILE_KINDS)[number],
      z.ZodOptional<typeof UploadedFile>
    >,
  ),
);

export const Sharing = named(
  "Sharing",
  "Whether the candidate shares the profile with employers, and since when.",
  z.object({ withEmployers: z.boolean(), since: Timestamp.optional() }),
);

export const EmployerVisibility = named(
  "EmployerVisibility",
  "Whether a coach hid the profile from employers, and why.",
  z.object({ hidden: z.boolean(), reason: z.string().max(500).optional() }),
);

export const TermsAcceptance = named(
  "TermsAcceptance",
  "Which terms of use the candidate accepted, when.",
  z.object({ version: z.string().max(40), acceptedAt: Timestamp }),
);

export const RetentionDate = named(
  "RetentionDate",
  "When the data will be deleted, and by which rule.",
  z.object({
    deleteOn: Day,
    rule: z.string(),
    explanation: z.string().optional().describe("own view only: the rule in plain English"),
  }),
);

export const LegalHold = named(
  "LegalHold",
  "Set by an admin: deletion is suspended.",
  z.object({ since: Timestamp, reason: z.string().max(500) }),
);

/** The whole record, as staff of its municipality and the candidate themself get it. */
const CandidateRecord = CandidateView.extend({
  id: Id,
  municipalityId: MunicipalityId,
  admin: CandidateAdmin,
  profile: CandidateProfile,
  files: CandidateFiles,
  sharing: Sharing,
  employerVisibility: EmployerVisibility,
  terms: TermsAcceptance.optional(),
  serviceEnd: ServiceEnd.optional(),
  retention: RetentionDate.optional(),
  legalHold: LegalHold.optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CandidateStaffView = named(
  "CandidateStaffView",
  "A candidate as staff see it: coaches, and account managers of the candidate's own municipality. The whole record.",
  CandidateRecord,
);

export const CandidateOwnView = named(
  "CandidateOwnView",
  "The candidate's own record (GET /me/profile): the same fields as staff see, including the target groups staff recorded.",
  z.lazy(() => CandidateStaffView),
);

export const CandidateCreated = named(
  "CandidateCreated",
  "A new candidate, with the one-time invitation code to hand over.",
  CandidateRecord.extend({ invitationCode: z.string().max(100), invitationExpiresAt: Timestamp }),
);

export const CandidateEmployerView = named(
  "CandidateEmployerView",
  "A candidate as employers see it, and account managers of other municipalities: the employer projection.",
  CandidateRecord.pick(fields(EMPLOYER_PROJECTION.top)).extend({ admin: CandidateEmployerAdmin }),
);

export const CandidateStaffSearchItem = named(
  "CandidateStaffSearchItem",
  "A search result in the account manager's own municipality: the staff record without files.",
  CandidateRecord.pick(fields(STAFF_SEARCH_PROJECTION.top)).extend({ admin: CandidateAdmin }),
);

export const CandidateEmployerSearchItem = named(
  "CandidateEmployerSearchItem",
  "A search result as employers see it (and account managers elsewhere): the employer projection without files.",
  CandidateRecord.pick(fields(SEARCH_PROJECTION.top)).extend({ admin: CandidateEmployerAdmin }),
);

export const CandidateListItem = named(
  "CandidateListItem",
  "A candidate in the coach's list.",
  CandidateRecord.pick({ id: true, status: true, updatedAt: true }).extend({
    admin: AdminFields.pick({ clientNumber: true, firstName: true, lastName: true }),
    sharing: Sharing.pick({ withEmployers: true }),
  }),
);

/** `{ items, continuation }`, named after its item type. */
const pageOf = <T extends z.ZodType>(id: string, item: T, what: string) =>
  named(id, `A page of ${what}.`, z.object({ items: z.array(item).max(MAX_PAGE), continuation: Continuation }));

export const CandidateListPage = pageOf("CandidateListPage", CandidateListItem, "candidates, by last name");

export const CandidateSearchPage = pageOf(
  "CandidateSearchPage",
  z.union([CandidateStaffSearchItem, CandidateEmployerSearchItem]),
  "candidates in the caller's projection: account managers get their own municipality's first (staff items), then the others (employer items)",
);

/** GET /candidates/{id}: the projection depends on who asks. */
export const CandidateForCaller = z.union([CandidateStaffView, CandidateEmployerView]);

export const FileLink = named(
  "FileLink",
  "A short-lived, read-only link to a file, served as an attachment under a safe name.",
  z.object({ url: z.url(), expiresAt: Timestamp }),
);

// ---- employers -------------------------------------------------------------

export const EmployerAddress = named("EmployerAddress", "The employer's address.", EmployerFields.shape.address);

const EmployerRecord = EmployerView.extend({
  address: EmployerAddress,
  id: Id,
  municipalityId: MunicipalityId,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const EmployerStaffView = named("EmployerView", "An employer as account managers see it.", EmployerRecord);

export const EmployerOwnView = named(
  "EmployerOwnView",
  "An employer user's own company, with the municipality's contact person.",
  EmployerRecord.extend({ municipalityContact: Contact }),
);

export const EmployerCreated = named(
  "EmployerCreated",
  "A new employer, with the one-time invitation code for its user.",
  EmployerRecord.extend({ invitationCode: z.string().max(100), invitationExpiresAt: Timestamp }),
);

export const EmployerPage = pageOf("EmployerPage", EmployerStaffView, "employers, by company name");

/** GET /employers/{id}: an employer user reading their own company also gets the contact person. */
export const EmployerForCaller = z.union([EmployerStaffView, EmployerOwnView]);

export const KvkCompany = named(
  "KvkCompany",
  "Company details from the KvK, to prefill registration.",
  z.object({
    kvkNumber: EmployerFields.shape.kvkNumber,
    companyName: z.string(),
    address: z.object({ street: z.string(), postcode: z.string(), city: z.string() }).optional(),
  }),
);

// ---- vacancies -------------------------------------------------------------

const VacancyRecord = VacancyView.extend({
  id: Id,
  municipalityId: MunicipalityId,
  employerId: Id,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const VacancyStaffView = named("VacancyView", "A vacancy as account managers and its employer see it.", VacancyRecord);

export const VacancyCandidateView = named(
  "VacancyCandidateView",
  "An open vacancy as candidates see it: nothing that identifies the employer.",
  VacancyRecord.pick(fields(CANDIDATE_VACANCY_FIELDS)),
);

export const VacancyForCaller = z.union([VacancyStaffView, VacancyCandidateView]);

export const VacancyPage = pageOf(
  "VacancyPage",
  VacancyForCaller,
  "vacancies, newest first: candidates get the candidate view, account managers and employers the full one",
);

// ---- matches ---------------------------------------------------------------

export const MatchCriterion = named(
  "MatchCriterion",
  "One criterion the vacancy sets: what it asks (`value`), whether it is required (then every match meets it), whether this match meets it, and why in words.",
  z.object({ name: z.enum(CRITERIA), value: z.string().max(2000), required: z.boolean(), met: z.boolean(), detail: z.string().max(2500) }),
);

/** What a match adds to the record (flat, as the record's own fields): the number of criteria met is the order, nothing hidden. */
const Explained = {
  criteriaMet: z.int().min(0).describe("how many of `criteria` are met: the first key of the page's order"),
  criteria: z.array(MatchCriterion).max(200),
};

export const CandidateMatchPage = named(
  "CandidateMatchPage",
  "A page of candidates who meet the vacancy's required criteria, in the order `order` names.",
  z.object({
    order: z.enum([MATCH_ORDER.candidates, MATCH_ORDER.candidatesForAccountManager]),
    items: z
      .array(
        z.union([
          named(
            "CandidateStaffMatch",
            "A matched candidate of the account manager's own municipality: the staff search item, explained.",
            CandidateRecord.pick(fields(STAFF_SEARCH_PROJECTION.top)).extend({ admin: CandidateAdmin, ...Explained }),
          ),
          named(
            "CandidateEmployerMatch",
            "A matched candidate as employers (and account managers elsewhere) see it: the employer search item, explained.",
            CandidateRecord.pick(fields(SEARCH_PROJECTION.top)).extend({ admin: CandidateEmployerAdmin, ...Explained }),
          ),
        ]),
      )
      .max(MAX_PAGE),
    continuation: Continuation,
  }),
);

export const VacancyMatchPage = named(
  "VacancyMatchPage",
  "A page of open vacancies of the candidate's municipality whose required criteria the profile meets, in the order `order` names.",
  z.object({
    order: z.literal(MATCH_ORDER.vacancies),
    items: z
      .array(
        named(
          "VacancyMatch",
          "A vacancy that fits the candidate: the candidate view (nothing that identifies the employer), explained.",
          VacancyRecord.pick(fields(CANDIDATE_VACANCY_FIELDS)).extend(Explained),
        ),
      )
      .max(MAX_PAGE),
    continuation: Continuation,
  }),
);

// ---- saved searches --------------------------------------------------------

export const SavedSearch = named(
  "SavedSearch",
  "A saved search: its name and the filters of GET /search/candidates. New candidates matching it come as a daily digest.",
  z.object({
    id: Id,
    name: z.string().max(100),
    filters: SearchQuery.describe("the filters of GET /search/candidates"),
    createdAt: Timestamp,
  }),
);

export const SavedSearchPage = pageOf("SavedSearchPage", SavedSearch, "your saved searches, newest first");

// ---- invitations -----------------------------------------------------------

export const RedeemedCandidate = named(
  "RedeemedCandidate",
  "A candidate's invitation was redeemed: the record, now linked to the account.",
  z.object({ kind: z.literal("candidate"), candidate: CandidateOwnView }),
);

export const RedeemedEmployer = named(
  "RedeemedEmployer",
  "An employer user's invitation was redeemed: the company, now linked to the account.",
  z.object({ kind: z.literal("employer"), employer: EmployerStaffView }),
);

export const Redeemed = z.discriminatedUnion("kind", [RedeemedCandidate, RedeemedEmployer]).meta({
  id: "Redeemed",
  description: "What the code linked the account to; `kind` says which.",
  discriminator: {
    propertyName: "kind",
    mapping: { candidate: "#/components/schemas/RedeemedCandidate", employer: "#/components/schemas/RedeemedEmployer" },
  },
});

// ---- uploads ---------------------------------------------------------------

export const UploadTicket = named(
  "UploadTicket",
  "Where to send the bytes: a write-only URL for one new blob, valid for minutes.",
  z.object({
    uploadId: z.string().max(64),
    uploadUrl: z.url(),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()).describe("send exactly these headers with the bytes"),
    expiresAt: Timestamp,
  }),
);

// ---- retention and integrations --------------------------------------------

const RULE_KEYS = [...SERVICE_END_REASONS, "esf"] as const;

export const RetentionPreviewItem = named(
  "RetentionPreviewItem",
  "A candidate whose data the sweep will delete, when and why.",
  z.object({ type: z.literal("candidate"), id: Id, deleteOn: Day, rule: z.string(), overdue: z.boolean() }),
);

export const RetentionPreviewPage = pageOf(
  "RetentionPreviewPage",
  RetentionPreviewItem,
  "candidates due within the window (overdue ones first in line)",
);

export const MunicipalitySweep = named(
  "MunicipalitySweep",
  "One municipality's part of a retention run.",
  z.object({
    candidates: z.partialRecord(z.enum(RULE_KEYS), z.int().min(0)).describe("candidates deleted (in a dry run: due), by rule"),
    employers: z.int().min(0),
    failed: z.int().min(0),
    signalled: z.int().min(0),
  }),
);

export const RetentionRunItem = named(
  "RetentionRunItem",
  "A record the run deleted (or, in a dry run, would delete).",
  z.object({ type: z.enum(["candidate", "employer"]), id: Id, municipalityId: MunicipalityId, rule: z.string(), deleteOn: Day }),
);

export const RetentionRun = named(
  "RetentionRun",
  "What a retention run deleted (or, in a dry run, would delete), counted per municipality and rule, with the ids.",
  z.object({
    dryRun: z.boolean(),
    startedAt: Timestamp,
    durationMs: z.int().min(0),
    complete: z.boolean().describe("false when the time budget ran out or failures piled up: the next run continues"),
    municipalities: z.record(MunicipalityId, MunicipalitySweep),
    auditEvents: z.int().min(0).describe("usage-log events past their retention deleted (not in a dry run)"),
    counters: z.int().min(0).describe("viewing-limit counters of past days deleted (not in a dry run)"),
    items: z.array(RetentionRunItem).max(1000).describe("at most 1,000"),
  }),
);

export const ReplayResult = named(
  "ReplayResult",
  "What replaying the deletions found and erased again: counts only.",
  z.object({
    since: Timestamp,
    complete: z.boolean().describe("false when it stopped early or a step failed: run it again"),
    deletions: z.int().min(0).describe("candidates and employers deleted since `since` (deletion records and the deletion journal)"),
    found: z.int().min(0).describe("of those, present again (a restore brought them back)"),
    erased: z.int().min(0).describe("of those, erased again with their files"),
    failed: z.int().min(0),
    recordsRestored: z.int().min(0).describe("deletion records the restore had taken, written again from the journal"),
  }),
);

const LINE_STATUSES = ["recorded", "alreadyRecorded", "unknownClientNumber", "invalid"] as const;

export const ServiceEndLineResult = named(
  "ServiceEndLineResult",
  "What happened to one line of the batch; `invalid` lines name their bad fields.",
  z.discriminatedUnion("status", [
    z.object({
      line: z.int().min(1).max(500),
      clientNumber: z.string().max(32).optional(),
      status: z.enum(["recorded", "alreadyRecorded", "unknownClientNumber"]),
      candidateId: Id.optional(),
    }),
    z.object({
      line: z.int().min(1).max(500),
      clientNumber: z.string().optional(),
      status: z.literal("invalid"),
      errors: z.array(FieldError),
    }),
  ]),
);

export const ServiceEndBatchResult = named(
  "ServiceEndBatchResult",
  "Per line what happened; lines are independent, so one bad line does not stop the others.",
  z.object({
    results: z.array(ServiceEndLineResult).max(500),
    summary: z.object(
      Object.fromEntries(LINE_STATUSES.map((s) => [s, z.int().min(0)])) as Record<(typeof LINE_STATUSES)[number], z.ZodInt>,
    ),
  }),
);

// ---- municipality and public -----------------------------------------------

/** The same schema as the PUT body: what is sent is what is kept. */
export const MunicipalitySettingsView = MunicipalitySettings;

/** The same schema as the PUT /me/notifications body: what is sent is what is kept. */
export const NotificationSettingsView = NotificationSettings;

export const Health = named("Health", "The app is up.", z.object({ status: z.literal("ok") }));

const CheckResult = z.enum(["ok", "unavailable", "timeout"]);

const Checks = z
  .object({ cosmos: CheckResult, blobStorage: CheckResult })
  .describe("each dependency: `ok`, `unavailable` (an error, or the connection refused) or `timeout` (no answer within 2 s)");

export const Readiness = named("Readiness", "Every dependency answers.", z.object({ status: z.literal("ready"), checks: Checks }));

export const NotReady = named("NotReady", "A problem naming the dependencies that did not answer.", Problem.extend({ checks: Checks }));

export const Terms = named("Terms", "The current terms of use.", z.object({ version: z.string().max(40), url: z.url() }));

export const OpenApiDocument = named(
  "OpenApiDocument",
  "An OpenAPI 3.1 document.",
  z.looseObject({ openapi: z.string().regex(/^3\.1\.\d+$/), info: z.looseObject({}), paths: z.looseObject({}) }),
);

/**
 * Where a request schema accepts more than the document should promise: the batch of service
 * ends takes each line as it comes (a bad line is answered per line, not by refusing the
 * batch), but clients are to send lines of this shape.
 */
export const DOCUMENTED_AS = new Map<z.ZodType, z.ZodType>([[ServiceEndBatch.shape.items.element, ServiceEndLine]]);

// ---- what the platform tells people: access log, export, signals ------------

const ROLE = z.enum(["candidate", "coach", "accountManager", "employer", "teamLead", "admin", "integration"]);

export const AccessLogEntry = named(
  "AccessLogEntry",
  "A line of a candidate's access log: who (role and organisation, never an account) did what, when; search appearances summed per organisation and day (`day`, `count`).",
  z.object({
    at: Timestamp,
    action: z.enum([
      "create",
      "read",
      "update",
      "erase",
      "redeem",
      "acceptTerms",
      "sharing",
      "search",
      "download",
      "export",
      "accessLog",
      "appearances",
    ]),
    fields: z.array(z.string().max(100)).max(50).optional(),
    day: Day.optional(),
    count: z.int().min(1).optional(),
    who: z.object({
      role: ROLE,
      organisation: z.object({
        type: z.enum(["candidate", "municipality", "employer"]),
        id: z.string().max(110).optional(),
        name: z.string().max(300),
      }),
    }),
  }),
);

export const AccessLogPage = pageOf("AccessLogPage", AccessLogEntry, "access-log lines, newest first");

export const CandidateExport = named(
  "CandidateExport",
  "Everything stored about a candidate (GDPR Art. 15 and 20). Left out: index values, code hashes, storage paths, and other users' accounts and IP addresses.",
  z.object({
    exportedAt: Timestamp,
    candidate: z.lazy(() => CandidateStaffView),
    account: z.object({ sub: z.string().max(256), linkedAt: Timestamp }).optional(),
    invitations: z.array(z.object({ createdAt: Timestamp, expiresAt: Timestamp, redeemedAt: Timestamp.optional() })).max(100),
    files: z
      .array(
        UploadedFile.extend({
          kind: z.enum(FILE_KINDS),
          url: z.url(),
          expiresAt: Timestamp,
        }),
      )
      .max(FILE_KINDS.length),
    uploads: z
      .array(
        z.object({
          uploadId: z.string().max(64),
          kind: z.enum(FILE_KINDS),
          status: z.enum(["pending", "checking", "completed", "failed"]),
          contentType: z.string().max(200),
          size: z.int().min(0),
          createdAt: Timestamp,
          expiresAt: Timestamp,
          checkingSince: Timestamp.optional(),
        }),
      )
      .max(1000),
    accessLog: z.array(AccessLogEntry).max(100_000),
    notifications: z
      .array(
        z.object({
          id: z.string().max(200),
          type: z.enum(["retentionDue", "tips", "vacancyAlert"]),
          audience: z.enum(["coach", "candidate"]),
          createdAt: Timestamp,
          deleteOn: Day.optional(),
          tips: z
            .array(z.enum(TIP_KEYS))
            .max(TIP_KEYS.length)
            .optional()
            .describe("tips e-mail: the parts of the profile it gave tips about"),
          delivery: z
            .object({
              state: z.enum(["pending", "sent", "notMailed", "deadLettered"]),
              attempts: z.int().min(0),
              sentAt: Timestamp.optional(),
              reason: z.string().max(40).optional().describe("notMailed: why nobody was mailed, e.g. noTeamMailbox, switchedOff"),
              lastError: z.string().max(60).optional().describe("the last failure's code"),
            })
            .optional()
            .describe("whether and when it was e-mailed"),
        }),
      )
      .max(1000),
  }),
);

export const Signal = named(
  "Signal",
  "A signal: a candidate whose data goes soon (coaches), or an employer near its viewing limit (account managers); `read` is per user.",
  z.object({
    id: z.string().max(200),
    type: z.enum(["retentionDue", "viewLimitNear"]),
    createdAt: Timestamp,
    read: z.boolean(),
    candidateId: Id.optional(),
    deleteOn: Day.optional(),
    employerId: Id.optional(),
    day: Day.optional(),
    candidatesShown: z.int().min(0).optional(),
    limit: z.int().min(0).optional(),
  }),
);

export const SignalPage = pageOf("SignalPage", Signal, "signals, newest first");

// ---- reports ---------------------------------------------------------------

export const ReportSummaryView = named(
  "ReportSummary",
  `A municipality's figures: its candidates, employers and vacancies now, and uploads, deletions and employer activity in one month (UTC). Counts from 1 to 4 show as "${SMALL}"; a total that would give such a count away shows as "${WITHHELD}". Never a figure per person or per staff member.`,
  ReportSummary,
);
