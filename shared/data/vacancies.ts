import type { SqlParameter } from "@azure/cosmos";
import type { VacancyDoc } from "../domain/vacancy.js";
import { documents } from "./documents.js";

const store = documents<VacancyDoc>("vacancies", "vacancy");

export const insertVacancy = store.insert;
export const readVacancy = store.read;
export const replaceVacancy = store.replace;

export interface VacancyFilter {
  status?: "open" | "closed";
  employerId?: string;
}

/** A municipality's vacancies, newest first; `fields` limits what is selected (candidates' view). */
export function listVacancies(
  municipalityId: string,
  filter: VacancyFilter,
  fields: readonly string[] | undefined,
  pageSize: number,
  continuation: string | undefined,
) {
  const parameters: SqlParameter[] = [{ name: "@m", value: municipalityId }];
  const where = ["c.municipalityId = @m", "c.type = 'vacancy'"];
  if (filter.status) {
    where.push("c.status = @s");
    parameters.push({ name: "@s", value: filter.status });
  }
  if (filter.employerId) {
    where.push("c.employerId = @e");
    parameters.push({ name: "@e", value: filter.employerId });
  }
  const select = fields ? fields.map((f) => `c.${f}`).join(", ") : "*";
  return store.page<VacancyDoc>(
    `SELECT ${select} FROM c WHERE ${where.join(" AND ")} ORDER BY c.createdAt DESC, c.id ASC`,
    parameters,
    municipalityId,
    pageSize,
    continuation,
  );
}

/** One open vacancy as a candidate may see it. */
export function readOpenVacancy(municipalityId: string, id: string, fields: readonly string[]) {
  return store.first<Omit<VacancyDoc, "employerId" | "type">>(
    `SELECT ${fields.map((f) => `c.${f}`).join(", ")} FROM c
     WHERE c.municipalityId = @m AND c.id = @id AND c.type = 'vacancy' AND c.status = 'open'`,
    [
      { name: "@m", value: municipalityId },
      { name: "@id", value: id },
    ],
    municipalityId,
  );
}

/** The ids (and status) of an employer's vacancies, in one partition. */
export function vacanciesOfEmployer(municipalityId: string, employerId: string) {
  return store.all<{ id: string; status: string }>(
    "SELECT c.id, c.status FROM c WHERE c.municipalityId = @m AND c.type = 'vacancy' AND c.employerId = @e",
    [
      { name: "@m", value: municipalityId },
      { name: "@e", value: employerId },
    ],
    municipalityId,
  );
}

export const deleteVacancy = store.remove;
