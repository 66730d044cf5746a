import { randomUUID } from "node:crypto";
import * as z from "zod";
import { todayIso } from "./clock.js";
import { freeText, httpsUrl, isoDate, list, patchOf, phone, postcode, text, yearOf } from "./fields.js";
import type { Retention } from "./retention.js";
import { normalise, searchTerms, type SearchTerms } from "./search-terms.js";

export { normalise };

// ---- administrative data: entered by staff ---------------------------------

export const GENDERS = ["female", "male", "other", "unspecified"] as const;
export const SERVICE_TYPES = ["selfService", "together", "forYou"] as const;

export const TargetGroups = z
  .strictObject({
    jobAgreement: z.boolean().optional(),
    practiceRoute: z.boolean().optional(),
    bbl: z.boolean().optional(),
    tozo: z.boolean().optional(),
  })
  .meta({ id: "TargetGroups", description: "the target groups staff recorded" });

export const AdminFields = z.strictObject({
  clientNumber: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,32}$/, "letters, digits and dashes, at most 32")
    .meta({ maxLength: 32 }),
  firstName: text(100),
  lastName: text(100),
  email: z.email().max(254),
  gender: z.enum(GENDERS).optional(),
  birthDate: isoDate
    .refine((d) => yearOf(d) >= 1900, "a date of birth after 1900")
    .refine((d) => d <= todayIso(), "a date of birth in the past")
    .optional(),
  postcode: postcode.optional(),
  phone: phone.optional(),
  serviceType: z.enum(SERVICE_TYPES).optional(),
  caseManager: text(100).optional(),
  directlyReachable: z.boolean().optional(),
  targetGroups: TargetGroups.optional(),
});
export type AdminFields = z.infer<typeof AdminFields>;

// ---- profile: entered by the candidate ------------------------------------

export const LANGUAGE_LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2", "native"] as const;
export const DRIVING_LICENCES = ["AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE", "T"] as const;
export const TRANSPORT = ["car", "motorcycle", "moped", "bicycle", "publicTransport", "walking", "other"] as const;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const PHYSICAL_ITEMS = [
  "sitting",
  "standing",
  "walking",
  "bending",
  "kneeling",
  "lifting",
  "carrying",
  "climbing",
  "repetitiveMovements",
] as const;
export const PHYSICAL_ABILITY = ["yes", "limited", "no"] as const;
export const SOCIAL_NETWORKS = ["linkedin", "facebook", "instagram", "x", "tiktok", "youtube", "website", "other"] as const;

const Period = {
  from: isoDate.optional(),
  to: isoDate.optional(),
};

export const ProfileFields = z.strictObject({
  residence: text(100).optional(),
  workExperience: list(
    z
      .strictObject({
        employer: freeText(200),
        position: freeText(200),
        ...Period,
        description: freeText(2000).optional(),
      })
      .meta({ id: "WorkExperience", description: "a job the candidate held" }),
    30,
  ).optional(),
  education: list(
    z
      .strictObject({
        institution: freeText(200),
        programme: freeText(200),
        level: text(60).optional(),
        completed: z.boolean().optional(),
        certificate: freeText(200).optional(),
        ...Period,
      })
      .meta({ id: "Education", description: "an education the candidate followed" }),
    20,
  ).optional(),
  courses: list(
    z
      .strictObject({ name: freeText(200), provider: freeText(200).optional(), completedOn: isoDate.optional() })
      .meta({ id: "Course", description: "a course the candidate took" }),
    30,
  ).optional(),
  languages: list(
    z
      .strictObject({ language: text(60), level: z.enum(LANGUAGE_LEVELS) })
      .meta({ id: "LanguageSkill", description: "a language and the level" }),
    20,
  ).optional(),
  competencies: list(freeText(100), 30).optional(),
  skills: list(freeText(100), 50).optional(),
  description: freeText(4000).optional(),
  desiredWork: freeText(2000).optional(),
  drivingLicences: list(z.enum(DRIVING_LICENCES), DRIVING_LICENCES.length).optional(),
  transport: list(z.enum(TRANSPORT), TRANSPORT.length).optional(),
  availability: z
    .strictObject({
      availableFrom: isoDate.optional(),
      hoursPerWeek: z.number().int().min(1).max(60).optional(),
      days: list(z.enum(WEEKDAYS), 7).optional(),
      notes: freeText(500).optional(),
    })
    .optional(),
  sectors: list(text(100), 20).optional(),
  preferredOccupations: list(text(100), 20).optional(),
  whatSuitsMe: freeText(2000).optional(),
  moodboard: list(
    z
      .strictObject({ caption: freeText(200), url: httpsUrl.optional() })
      .meta({ id: "MoodboardItem", description: "a picture or link that says something about the candidate" }),
    20,
  ).optional(),
  /** Only work-related physical capability: never medical detail (DPIA §2). */
  physical: z.partialRecord(z.enum(PHYSICAL_ITEMS), z.enum(PHYSICAL_ABILITY)).optional(),
  socialMedia: list(
    z
      .strictObject({ network: z.enum(SOCIAL_NETWORKS), url: httpsUrl })
      .meta({ id: "SocialMediaLink", description: "a profile on a social network" }),
    10,
  ).optional(),
  assessments: list(
    z
      .strictObject({ name: freeText(200), result: freeText(1000).optional(), takenOn: isoDate.optional() })
      .meta({ id: "Assessment", description: "a test or assessment the candidate took" }),
    20,
  ).optional(),
  freeText: freeText(4000).optional(),
});
export type ProfileFields = z.infer<typeof ProfileFields>;

// ---- the record ------------------------------------------------------------

export const CANDIDATE_STATUSES = ["invited", "active", "inactive"] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

export const FileRef = z.object({
  uploadId: z.string(),
  contentType: z.string(),
  size: z.number(),
  fileName: z.string(),
  uploadedAt: z.string(),
});
export type FileRef = z.infer<typeof FileRef>;

/** Which e-mails the candidate wants (PUT /me/notifications); `notifications.vacancyAlerts` is read by vacancy alerts. */
export const NotificationSettings = z
  .strictObject({
    tips: z.boolean().describe("tips e-mails on improving the profile, at most one per TIPS_INTERVAL_DAYS"),
    vacancyAlerts: z.boolean().describe("e-mails about new vacancies that fit"),
  })
  .meta({
    id: "NotificationSettings",
    description: "Which e-mails the candidate wants. Until the candidate sets them: tips on (`true`), vacancy alerts off (`false`).",
  });
export type NotificationSettings = z.infer<typeof NotificationSettings>;
export const DEFAULT_NOTIFICATIONS: NotificationSettings = { tips: true, vacancyAlerts: false };

/** The candidate as clients see it (GET /me/profile, the coach's view). */
export const CandidateView = z.object({
  id: z.string(),
  municipalityId: z.string(),
  status: z.enum(CANDIDATE_STATUSES),
  admin: AdminFields,
  profile: ProfileFields,
  files: z.object({ cv: FileRef.optional(), video: FileRef.optional(), photo: FileRef.optional() }),
  sharing: z.object({ withEmployers: z.boolean(), since: z.string().optional() }),
  employerVisibility: z.object({ hidden: z.boolean(), reason: z.string().optional() }),
  terms: z.object({ version: z.string(), acceptedAt: z.string() }).optional(),
  serviceEnd: z.object({ endedOn: z.string(), reason: z.string(), esfProgrammeEndsOn: z.string().optional() }).optional(),
  /** When the data will be deleted and why (set when the service ends). */
  retention: z.object({ deleteOn: z.string(), rule: z.string(), explanation: z.string().optional() }).optional(),
  /** Set by an admin: suspends deletion. */
  legalHold: z.object({ since: z.string(), reason: z.string() }).optional(),
  /** Absent until the candidate chooses: DEFAULT_NOTIFICATIONS apply. */
  notifications: NotificationSettings.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CandidateView = z.infer<typeof CandidateView>;

/** What is stored: the view plus internal fields that never leave the service layer. */
export interface CandidateDoc extends Omit<CandidateView, "retention">, DerivedFields {
  type: "candidate";
  /** The `sub` of the account that redeemed the invitation. */
  accountSub?: string;
  /** Hashes of the invitation codes issued for this candidate, so deletion finds them. */
  invitationIds?: string[];
  retention?: Retention;
  /** When the last tips e-mail was queued (the tips timer's interval); the e-mail itself is in the outbox. */
  tipsSentAt?: string;
}

/** A candidate as services build it; the data layer adds the derived fields on write. */
export type CandidateRecord = Omit<CandidateDoc, keyof DerivedFields>;

/** Fields computed from the record on every write, so queries filter and sort on the index. */
export interface DerivedFields {
  /** Normalised words for the coach's `q` filter (names, client number). */
  lookup: string[];
  /** Normalised "last first", for the coach's list order. */
  sortKey: string;
  /** Normalised search terms for employer search. */
  search: SearchTerms;
  /** The retention date, absent while a legal hold applies: the sweep's indexed range. */
  deleteOn?: string;
}

// ---- request bodies --------------------------------------------------------

export const CreateCandidateBody = z.strictObject({ admin: AdminFields });
export const AdminPatchBody = z.strictObject({ admin: patchOf(AdminFields) });
export const ProfilePatchBody = z.strictObject({ profile: patchOf(ProfileFields) });
export const AcceptTermsBody = z.strictObject({ version: text(40) });
export const RedeemBody = z.strictObject({ code: z.string().trim().min(10).max(100) });

export const CandidateListQuery = z.object({
  status: z.enum(CANDIDATE_STATUSES).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

// ---- pure rules ------------------------------------------------------------

/** A candidate's id carries its municipality (the partition), so any reader can point-read it. */
export function newCandidateId(municipalityId: string): string {
  return `${municipalityId}.${randomUUID()}`;
}

/** The municipality part of a candidate id, or undefined when the id is not one of ours. */
export function municipalityOfCandidate(id: string): string | undefined {
  return /^([a-z0-9][a-z0-9-]{1,63})\.[0-9a-f-]{36}$/.exec(id)?.[1];
}

/** Recomputes the derived fields; the data layer applies it on every write. */
export function withDerivedFields<T extends CandidateRecord>(record: T): T & DerivedFields {
  // Recomputed from scratch: a stale value (a deleteOn under a new legal hold) must not survive.
  // Who employers see is not stored: queries apply EMPLOYER_SIGHT (visibility.ts) to the fields
  // themselves. `visibleToEmployers`, which documents written before that still carry, goes.
  const { deleteOn: _stale, visibleToEmployers: _legacy, ...doc } = record as T & Partial<DerivedFields> & { visibleToEmployers?: unknown };
  const { admin } = doc;
  const words = `${admin.firstName} ${admin.lastName}`.split(/[\s-]+/).map(normalise);
  return {
    ...(doc as T),
    lookup: [...new Set([...words, normalise(admin.clientNumber)].filter(Boolean))],
    sortKey: normalise(`${admin.lastName} ${admin.firstName}`),
    search: searchTerms(doc),
    ...(doc.retention && !doc.legalHold ? { deleteOn: doc.retention.deleteOn } : {}),
  };
}

export function toView(doc: CandidateRecord & Partial<DerivedFields> & { visibleToEmployers?: unknown }): CandidateView {
  const {
    type: _t,
    lookup: _l,
    sortKey: _s,
    search: _q,
    visibleToEmployers: _v,
    deleteOn: _d,
    accountSub: _a,
    invitationIds: _i,
    tipsSentAt: _tips,
    retention,
    ...view
  } = doc;
  return { ...view, ...(retention ? { retention: { deleteOn: retention.deleteOn, rule: retention.rule } } : {}) };
}

/** The record without what the candidate entered: an empty profile is not shared either. `updatedAt` is the erasure's time. */
export const withoutOwnContent = (doc: CandidateDoc, at: string): CandidateDoc => ({
  ...doc,
  profile: {},
  files: {},
  sharing: { withEmployers: false },
  updatedAt: at,
});
