import type { FileKind } from "../domain/uploads.js";
import { container, withoutSystemFields } from "./cosmos.js";
import { ignoreNotFound } from "./status.js";
import type { Versioned } from "./documents.js";

export interface UploadDoc {
  /** `{yyyymmdd}-{uuid}`: the day is the partition. */
  id: string;
  day: string;
  /** `checking`: a `complete` call holds it (since `checkingSince`); others get 409. */
  status: "pending" | "checking" | "completed" | "failed";
  checkingSince?: string;
  municipalityId: string;
  candidateId: string;
  kind: FileKind;
  contentType: string;
  size: number;
  blobName: string;
  createdAt: string;
  /** When the upload URL stops working. */
  expiresAt: string;
}

const uploads = () => container("uploads");

/** The partition of uploads started at `ms`: `yyyymmdd`. */
export const uploadDay = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");

export const dayOfUpload = (id: string) => /^(\d{8})-[0-9a-f-]{36}$/.exec(id)?.[1];

export async function insertUpload(doc: UploadDoc): Promise<void> {
  await uploads().items.create(doc);
}

export async function readUpload(id: string): Promise<UploadDoc | undefined> {
  const day = dayOfUpload(id);
  if (!day) return undefined;
  const { resource } = await uploads().item(id, day).read<UploadDoc>();
  return resource ? withoutSystemFields(resource) : undefined;
}

export async function setUploadStatus(upload: UploadDoc, status: "pending" | "completed" | "failed"): Promise<void> {
  await uploads()
    .item(upload.id, upload.day)
    .patch([{ op: "set", path: "/status", value: status }]);
}

/**
 * Takes an upload for checking, provided nobody changed it since it was read (`etag`): of
 * concurrent `complete` calls exactly one gets true.
 */
export async function claimUpload(upload: UploadDoc, etag: string, at: string): Promise<boolean> {
  const claimed = await ignoreNotFound(
    uploads()
      .item(upload.id, upload.day)
      .replace({ ...upload, status: "checking", checkingSince: at }, { accessCondition: { type: "IfMatch", condition: etag } }),
    412,
  );
  return claimed !== undefined;
}

export async function readUploadVersioned(id: string): Promise<Versioned<UploadDoc> | undefined> {
  const day = dayOfUpload(id);
  if (!day) return undefined;
  const { resource, etag } = await uploads().item(id, day).read<UploadDoc>();
  return resource ? { doc: withoutSystemFields(resource), etag } : undefined;
}

/**
 * Deletes a candidate's upload records, whatever their day (the candidate is being erased); a
 * query across the days' partitions, of a container that holds only the last hours' uploads.
 */
export async function deleteUploadsOf(candidateId: string): Promise<number> {
  const { resources } = await uploads()
    .items.query<{ id: string; day: string }>({
      query: "SELECT c.id, c.day FROM c WHERE c.candidateId = @c",
      parameters: [{ name: "@c", value: candidateId }],
    })
    .fetchAll();
  for (const { id, day } of resources) await deleteUpload({ id, day });
  return resources.length;
}

export async function deleteUpload(upload: Pick<UploadDoc, "id" | "day">): Promise<void> {
  await ignoreNotFound(uploads().item(upload.id, upload.day).delete());
}

/** One day's uploads, a page at a time (the cleanup keeps memory flat). */
export async function* uploadsOfDay(day: string): AsyncGenerator<UploadDoc[]> {
  const iterator = uploads().items.query<UploadDoc>(
    { query: "SELECT * FROM c WHERE c.day = @d", parameters: [{ name: "@d", value: day }] },
    { partitionKey: day, maxItemCount: 100 },
  );
  while (iterator.hasMoreResults()) {
    const { resources } = await iterator.fetchNext();
    if (resources.length) yield resources.map((r) => withoutSystemFields(r));
  }
}

/** How many of a candidate's uploads started on `day` are still pending. */
export async function pendingUploads(day: string, candidateId: string): Promise<number> {
  const { resources } = await uploads()
    .items.query<number>(
      {
        query: "SELECT VALUE COUNT(1) FROM c WHERE c.day = @d AND c.candidateId = @c AND c.status = 'pending'",
        parameters: [
          { name: "@d", value: day },
          { name: "@c", value: candidateId },
        ],
      },
      { partitionKey: day },
    )
    .fetchAll();
  return resources[0] ?? 0;
}

/** A candidate's upload records, whatever their day (their export): the container holds only the last hours' uploads. */
export async function uploadsOf(candidateId: string): Promise<UploadDoc[]> {
  const { resources } = await uploads()
    .items.query<UploadDoc>({ query: "SELECT * FROM c WHERE c.candidateId = @c", parameters: [{ name: "@c", value: candidateId }] })
    .fetchAll();
  return resources.map((r) => withoutSystemFields(r));
}
