import { withEmployerSortKey, type EmployerDoc, type EmployerRecord } from "../domain/employer.js";
import { documents } from "./documents.js";

export const KVK_NUMBER_TAKEN = "an employer with this KvK number is already registered in your municipality";

const store = documents<EmployerDoc, EmployerRecord>("employers", "employer", withEmployerSortKey, KVK_NUMBER_TAKEN);

export const insertEmployer = store.insert;
export const readEmployer = store.read;
export const replaceEmployer = store.replace;

/** The employers a municipality invited, by company name; `prefix` narrows on the normalised name. */
export function listEmployers(municipalityId: string, prefix: string | undefined, pageSize: number, continuation: string | undefined) {
  const parameters = [{ name: "@m", value: municipalityId }];
  let where = "c.municipalityId = @m AND c.type = 'employer'";
  if (prefix) {
    where += " AND STARTSWITH(c.sortKey, @p)";
    parameters.push({ name: "@p", value: prefix });
  }
  return store.page<EmployerDoc>(
    `SELECT * FROM c WHERE ${where} ORDER BY c.sortKey ASC, c.id ASC`,
    parameters,
    municipalityId,
    pageSize,
    continuation,
  );
}

/** Ended employers whose keeping period is over, in one partition. */
export function employersDue(municipalityId: string, until: string, skip: string[], pageSize: number) {
  return store.page<{ id: string; ended: { endedOn: string; deleteOn: string }; accountSubs?: string[]; invitationIds?: string[] }>(
    `SELECT c.id, c.ended, c.accountSubs, c.invitationIds FROM c
     WHERE c.municipalityId = @m AND c.type = 'employer' AND c.ended.deleteOn <= @until AND NOT ARRAY_CONTAINS(@skip, c.id)`,
    [
      { name: "@m", value: municipalityId },
      { name: "@until", value: until },
      { name: "@skip", value: skip },
    ],
    municipalityId,
    pageSize,
    undefined,
  );
}

export const deleteEmployerDoc = store.remove;
