import type { SqlParameter } from "@azure/cosmos";
import type { VacancyDoc } from "../domain/vacancy.js";
import { documents, unchanged } from "./documents.js";

const store = documents<VacancyDoc>("vacancies", "vacancy", unchanged);

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

/** What matching adds to a vacancy query (shared/domain/matching.ts): conditions, the count of criteria met, what is selected. */
export interface VacancyMatchPart {
  where: string[];
  score: string;
  select: string;
  parameters: SqlParameter[];
}

const openIn = (municipalityId: string, part: VacancyMatchPart) => ({
  where: ["c.municipalityId = @m", "c.type = 'vacancy'", "c.status = 'open'", ...part.where].join(" AND "),
  parameters: [{ name: "@m", value: municipalityId }, ...part.parameters],
});

/** The most criteria any open vacancy of the municipality meets (one aggregate in one partition), or undefined when none matches. */
export async function mostCriteriaMet(municipalityId: string, part: VacancyMatchPart): Promise<number | undefined> {
  const q = openIn(municipalityId, part);
  return store.first<number>(`SELECT VALUE MAX(${part.score}) FROM c WHERE ${q.where}`, q.parameters, municipalityId);
}

/** Open vacancies of the municipality that meet exactly `tier` optional criteria, newest first, with what each met. */
export function openVacanciesMeeting(
  municipalityId: string,
  part: VacancyMatchPart,
  tier: number,
  fields: readonly string[],
  pageSize: number,
  continuation: string | undefined,
) {
  const q = openIn(municipalityId, part);
  return store.page<Omit<VacancyDoc, "employerId" | "type"> & { matched?: unknown }>(
    `SELECT ${fields.map((f) => `c.${f}`).join(", ")}, ${part.select} AS matched FROM c WHERE ${q.where} AND ${part.score} = @tier ORDER BY c.createdAt DESC, c.id ASC`,
    [...q.parameters, { name: "@tier", value: tier }],
    municipalityId,
    pageSize,
    continuation,
  );
}

/** The ids of open vacancies of the municipality created after `since` whose required criteria are met, newest first. */
export async function newVacanciesMeeting(
  municipalityId: string,
  part: VacancyMatchPart,
  since: string,
  pageSize: number,
): Promise<string[]> {
  const q = openIn(municipalityId, part);
  const { items } = await store.page<{ id: string }>(
    `SELECT c.id FROM c WHERE ${q.where} AND c.createdAt > @since ORDER BY c.createdAt DESC, c.id ASC`,
    [...q.parameters, { name: "@since", value: since }],
    municipalityId,
    pageSize,
    undefined,
  );
  return items.map((v) => v.id);
}
