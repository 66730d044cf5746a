import * as z from "zod";
import { DRIVING_LICENCES, PHYSICAL_ITEMS } from "./candidate.js";
import { freeText, isoDate, list, municipalityIdField, patchOf, text } from "./fields.js";
import { normalise } from "./search-terms.js";

export const VACANCY_STATUSES = ["open", "closed"] as const;

/** Entered by an account manager for an employer of their municipality. */
export const VacancyFields = z.strictObject({
  title: text(200),
  description: freeText(4000),
  occupation: text(100),
  sector: text(100),
  skills: list(text(100), 30).optional().describe("skills that are nice to have: a candidate without them still matches"),
  requiredSkills: list(text(100), 10).optional().describe("skills a candidate must list to match"),
  languages: list(text(60), 10).optional(),
  drivingLicences: list(z.enum(DRIVING_LICENCES), DRIVING_LICENCES.length).optional(),
  drivingLicenceRequired: z
    .boolean()
    .optional()
    .describe("true: a candidate must hold every listed driving licence; otherwise they are nice to have"),
  hoursPerWeek: z
    .strictObject({ min: z.number().int().min(1).max(60), max: z.number().int().min(1).max(60) })
    .refine((h) => h.min <= h.max, { error: "min must not exceed max", path: ["min"] })
    .meta({ id: "VacancyHours", description: "hours per week the vacancy offers" })
    .optional(),
  location: text(100).optional(),
  startDate: isoDate.optional().describe("when the work starts: candidates available by then meet it"),
  physicalDemands: list(z.enum(PHYSICAL_ITEMS), PHYSICAL_ITEMS.length)
    .optional()
    .describe("work-related physical demands; a candidate who said `no` to one of them does not match"),
  region: list(municipalityIdField, 20)
    .optional()
    .describe("the municipalities candidates must live in to match; absent: wherever the viewer may look"),
});

export const CreateVacancyBody = VacancyFields.extend({ employerId: z.uuid() }).strict();
export const VacancyPatchBody = patchOf(VacancyFields.extend({ status: z.enum(VACANCY_STATUSES) }));

export const VacancyView = VacancyFields.extend({
  id: z.string(),
  municipalityId: z.string(),
  employerId: z.string().optional().describe("absent for candidates: employer data is never shown to them"),
  status: z.enum(VACANCY_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VacancyView = z.infer<typeof VacancyView>;

/** Normalised terms stored with each vacancy on write, so a candidate's matches are found in the query. */
export interface VacancyTerms {
  occupation: string;
  sector: string;
  skills: string[];
  requiredSkills: string[];
  languages: string[];
  /** The driving licences as criteria: all required, or all nice to have (`drivingLicenceRequired`). */
  requiredLicences: string[];
  niceLicences: string[];
}

export interface VacancyDoc extends VacancyView {
  type: "vacancy";
  employerId: string;
  /** Absent on vacancies written before matching; the next write adds it. */
  terms?: VacancyTerms;
}

// In the vacancy's order, duplicates kept: the explanation walks them side by side (shared/domain/matching.ts).
const phrases = (list: readonly string[] | undefined) => (list ?? []).map(normalise);

export function vacancyTerms(v: VacancyFields): VacancyTerms {
  return {
    occupation: normalise(v.occupation),
    sector: normalise(v.sector),
    skills: phrases(v.skills),
    requiredSkills: phrases(v.requiredSkills),
    languages: phrases(v.languages),
    requiredLicences: v.drivingLicenceRequired ? [...(v.drivingLicences ?? [])] : [],
    niceLicences: v.drivingLicenceRequired ? [] : [...(v.drivingLicences ?? [])],
  };
}

export const toVacancyView = ({ type: _t, terms: _terms, ...view }: VacancyDoc): VacancyView => view;

/** Candidates see vacancies without anything that identifies the employer (DPIA §5). */
export const CANDIDATE_VACANCY_FIELDS = [
  "id",
  "municipalityId",
  "status",
  "title",
  "description",
  "occupation",
  "sector",
  "skills",
  "languages",
  "drivingLicences",
  "hoursPerWeek",
  "location",
  "requiredSkills",
  "drivingLicenceRequired",
  "startDate",
  "physicalDemands",
  "region",
  "createdAt",
  "updatedAt",
] as const;

export const VacancyListQuery = z.object({ status: z.enum(VACANCY_STATUSES).optional() });
export type VacancyFields = z.infer<typeof VacancyFields>;
