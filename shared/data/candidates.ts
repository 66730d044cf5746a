import type { CandidateDoc, CandidateStatus } from "../domain/candidate.js";
import { preconditionFailed } from "../domain/errors.js";
import { container, isStatus, withoutSystemFields } from "./cosmos.js";
import { decodeContinuation, encodeContinuation, type Page } from "./paging.js";

export interface Versioned<T> {
  doc: T;
  /** The Cosmos `_etag`, used for optimistic concurrency. */
  etag: string;
}

const candidates = () => container("candidates");

export async function insertCandidate(doc: CandidateDoc): Promise<Versioned<CandidateDoc>> {
  const { resource, etag } = await candidates().items.create(doc);
  return { doc: withoutSystemFields(resource as CandidateDoc), etag };
}

/** Point read inside the municipality's partition: one round trip; another municipality's id is simply absent. */
export async function readCandidate(municipalityId: string, id: string): Promise<Versioned<CandidateDoc> | undefined> {
  const { resource, etag } = await candidates().item(id, municipalityId).read<CandidateDoc>();
  if (!resource || resource.type !== "candidate") return undefined;
  return { doc: withoutSystemFields(resource), etag };
}

/** Replaces only if nobody wrote since `etag` was read; otherwise 412. */
export async function replaceCandidate(doc: CandidateDoc, etag: string): Promise<Versioned<CandidateDoc>> {
  try {
    const { resource, etag: next } = await candidates()
      .item(doc.id, doc.municipalityId)
      .replace(doc, { accessCondition: { type: "IfMatch", condition: etag } });
    return { doc: withoutSystemFields(resource as CandidateDoc), etag: next };
  } catch (err) {
    if (isStatus(err, 412)) throw preconditionFailed("the candidate was changed by someone else; read it again");
    throw err;
  }
}

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
export async function listCandidates(
  municipalityId: string,
  filter: CandidateFilter,
  pageSize: number,
  continuation?: string,
): Promise<Page<CandidateListItem>> {
  const where = ["c.municipalityId = @m", "c.type = 'candidate'"];
  const parameters = [{ name: "@m", value: municipalityId }];
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
    FROM c WHERE ${where.join(" AND ")} ORDER BY c.sortKey, c.id`;
  const scope = JSON.stringify({ municipalityId, ...filter });
  const { resources, continuationToken } = await candidates()
    .items.query<CandidateListItem>(
      { query, parameters },
      {
        partitionKey: municipalityId,
        maxItemCount: pageSize,
        continuationToken: decodeContinuation(continuation, scope),
      },
    )
    .fetchNext();
  return { items: resources, continuation: encodeContinuation(continuationToken, scope) };
}

/** Whether another candidate of the municipality already has this client number. */
export async function clientNumberInUse(municipalityId: string, clientNumber: string, exceptId?: string): Promise<boolean> {
  const { resources } = await candidates()
    .items.query<string>(
      {
        query: "SELECT VALUE c.id FROM c WHERE c.municipalityId = @m AND c.type = 'candidate' AND c.admin.clientNumber = @n",
        parameters: [
          { name: "@m", value: municipalityId },
          { name: "@n", value: clientNumber },
        ],
      },
      { partitionKey: municipalityId },
    )
    .fetchAll();
  return resources.some((id) => id !== exceptId);
}
