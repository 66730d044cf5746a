import * as z from "zod";
import { DRIVING_LICENCES } from "./candidate.js";
import { freeText, list, patchOf, text } from "./fields.js";

export const VACANCY_STATUSES = ["open", "closed"] as const;

/** Entered by an account manager for an employer of their municipality. */
export const VacancyFields = z.strictObject({
  title: text(200),
  description: freeText(4000),
  occupation: text(100),
  sector: text(100),
  skills: list(text(100), 30).optional(),
  languages: list(text(60), 10).optional(),
  drivingLicences: list(z.enum(DRIVING_LICENCES), DRIVING_LICENCES.length).optional(),
  hoursPerWeek: z
    .strictObject({ min: z.number().int().min(1).max(60), max: z.number().int().min(1).max(60) })
    .refine((h) => h.min <= h.max, { message: "min must not exceed max", path: ["min"] })
    .meta({ id: "VacancyHours", description: "hours per week the vacancy offers" })
    .optional(),
  location: text(100).optional(),
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

export interface VacancyDoc extends VacancyView {
  type: "vacancy";
  employerId: string;
}

export const toVacancyView = ({ type: _t, ...view }: VacancyDoc): VacancyView => view;

/** Candidates see vacancies without anything that identifies the employer (DPIA §5). */
export const CANDIDATE_VACANCY_FIELDS = [
  "id", "municipalityId", "status", "title", "description", "occupation", "sector", "skills",
  "languages", "drivingLicences", "hoursPerWeek", "location", "createdAt", "updatedAt",
] as const;

export const VacancyListQuery = z.object({ status: z.enum(VACANCY_STATUSES).optional() });
export type VacancyFields = z.infer<typeof VacancyFields>;
