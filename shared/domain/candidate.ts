import { z } from "zod";
import { containsBsn } from "./bsn.js";

// ---- building blocks -------------------------------------------------------

const text = (max: number) => z.string().trim().min(1).max(max);

/** Free text a candidate types: refused when it holds a BSN (DPIA: sensitive data in free text). */
const freeText = (max: number) =>
  text(max).refine((s) => !containsBsn(s), {
    message:
      "this text contains what looks like a citizen service number (BSN); please remove it, the platform may not store it",
  });

const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);
const isoDate = z.iso.date();
const yearOf = (d: string) => Number(d.slice(0, 4));

const postcode = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]{3} ?[A-Za-z]{2}$/, "a Dutch postcode such as 3511 AB")
  .refine((s) => !/(SA|SD|SS)$/i.test(s), "the letters SA, SD and SS are not used in Dutch postcodes")
  .transform((s) => `${s.slice(0, 4)} ${s.slice(-2).toUpperCase()}`);

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{7,19}$/, "a phone number such as 06 12345678 or +31 6 12345678")
  .refine((s) => {
    const digits = s.replace(/\D/g, "").length;
    return digits >= 9 && digits <= 15;
  }, "a phone number has 9 to 15 digits");

const httpsUrl = z.url({ protocol: /^https$/ }).max(500);

// ---- administrative data: entered by staff ---------------------------------

export const GENDERS = ["female", "male", "other", "unspecified"] as const;
export const SERVICE_TYPES = ["selfService", "together", "forYou"] as const;

export const TargetGroups = z.strictObject({
  jobAgreement: z.boolean().optional(),
  practiceRoute: z.boolean().optional(),
  bbl: z.boolean().optional(),
  tozo: z.boolean().optional(),
});

export const AdminFields = z.strictObject({
  clientNumber: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,32}$/, "letters, digits and dashes, at most 32"),
  firstName: text(100),
  lastName: text(100),
  email: z.email().max(254),
  gender: z.enum(GENDERS).optional(),
  birthDate: isoDate
    .refine((d) => yearOf(d) >= 1900, "a date of birth after 1900")
    .refine((d) => d <= new Date().toISOString().slice(0, 10), "a date of birth in the past")
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
export const DRIVING_LICENCES = [
  "AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE", "T",
] as const;
export const TRANSPORT = ["car", "motorcycle", "moped", "bicycle", "publicTransport", "walking", "other"] as const;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const PHYSICAL_ITEMS = [
  "sitting", "standing", "walking", "bending", "kneeling", "lifting", "carrying", "climbing", "repetitiveMovements",
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
    z.strictObject({
      employer: freeText(200),
      position: freeText(200),
      ...Period,
      description: freeText(2000).optional(),
    }),
    30,
  ).optional(),
  education: list(
    z.strictObject({
      institution: freeText(200),
      programme: freeText(200),
      level: text(60).optional(),
      completed: z.boolean().optional(),
      certificate: freeText(200).optional(),
      ...Period,
    }),
    20,
  ).optional(),
  courses: list(
    z.strictObject({ name: freeText(200), provider: freeText(200).optional(), completedOn: isoDate.optional() }),
    30,
  ).optional(),
  languages: list(
    z.strictObject({ language: text(60), level: z.enum(LANGUAGE_LEVELS) }),
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
    z.strictObject({ caption: freeText(200), url: httpsUrl.optional() }),
    20,
  ).optional(),
  /** Only work-related physical capability: never medical detail (DPIA §2). */
  physical: z
    .partialRecord(z.enum(PHYSICAL_ITEMS), z.enum(PHYSICAL_ABILITY))
    .optional(),
  socialMedia: list(z.strictObject({ network: z.enum(SOCIAL_NETWORKS), url: httpsUrl }), 10).optional(),
  assessments: list(
    z.strictObject({ name: freeText(200), result: freeText(1000).optional(), takenOn: isoDate.optional() }),
    20,
  ).optional(),
  freeText: freeText(4000).optional(),
});
export type ProfileFields = z.infer<typeof ProfileFields>;

// ---- the record ------------------------------------------------------------

export const CANDIDATE_STATUSES = ["invited", "active", "inactive"] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

export const FileRef = z.object({
  contentType: z.string(),
  size: z.number(),
  fileName: z.string(),
  uploadedAt: z.string(),
});

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
  serviceEnd: z
    .object({ endedOn: z.string(), reason: z.string(), esfProgrammeEndsOn: z.string().optional() })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CandidateView = z.infer<typeof CandidateView>;

/** What is stored: the view plus internal fields that never leave the service layer. */
export interface CandidateDoc extends CandidateView {
  type: "candidate";
  /** Normalised words for the coach's `q` filter (names, client number), so lookups hit the index. */
  lookup: string[];
  /** Normalised "last first", for the list's ORDER BY (composite index with id). */
  sortKey: string;
  /** The `sub` of the account that redeemed the invitation. */
  accountSub?: string;
}

// ---- request bodies --------------------------------------------------------

/**
 * Each field may be left out (unchanged); optional fields may be null (removed); nested
 * objects merge (RFC 7396). Required fields cannot be removed.
 */
function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const optional = field instanceof z.ZodOptional;
    const inner = optional ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
    const value = inner instanceof z.ZodObject ? patchOf(inner) : inner;
    shape[key] = optional ? value.nullable().optional() : value.optional();
  }
  return z.strictObject(shape);
}

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

/** Lower-case, accents folded, so "Özil" and "ozil" find the same candidate. */
export function normalise(s: string): string {
  return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().trim();
}

/** Fields derived from the administrative data at write time, so lists filter and sort on the index. */
export function derivedFields(admin: AdminFields): Pick<CandidateDoc, "lookup" | "sortKey"> {
  const words = `${admin.firstName} ${admin.lastName}`.split(/[\s-]+/).map(normalise);
  return {
    lookup: [...new Set([...words, normalise(admin.clientNumber)].filter(Boolean))],
    sortKey: normalise(`${admin.lastName} ${admin.firstName}`),
  };
}

export function toView(doc: CandidateDoc): CandidateView {
  const { type: _type, lookup: _lookup, sortKey: _sortKey, accountSub: _sub, ...view } = doc;
  return view;
}
