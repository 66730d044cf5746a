import type { BlobClient, BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { azureCredential } from "../auth/azure-credential.js";
import { config } from "../config/index.js";
import { BLOB_CALL_MS, BLOB_RETRY } from "../config/limits.js";
import { ignoreNotFound, statusOf } from "../data/status.js";
import { callSignal } from "../http/deadline.js";
import { runtime } from "../runtime.js";

/** Blob containers, declared once; infra/ mirrors them. */
export const BLOB_CONTAINERS = {
  /**
   * Verified CVs, videos and photos, named `{municipalityId}/{candidateId}/{kind}/{uploadId}`.
   * Only the app writes here (a server-side copy of what passed verification); no upload URL
   * covers this container, so what download links serve cannot change after `complete`.
   */
  candidateFiles: "candidate-files",
  /**
   * Where clients upload (the write-only upload URLs point here), under the same names. Transient:
   * `complete` copies what passed and deletes the upload; the hourly cleanup deletes the rest.
   */
  candidateUploads: "candidate-uploads",
  /**
   * A copy of every deletion record, named `{yyyy-mm-dd}/{municipalityId}/{pseudonym}`: no
   * personal data. Outside Cosmos DB on purpose, so a point-in-time restore of the database
   * (which rolls the deletion records back too) cannot lose what must be erased again.
   */
  deletionJournal: "deletion-journal",
} as const;

export type BlobContainerName = keyof typeof BLOB_CONTAINERS;

/**
 * The one BlobServiceClient of the runtime, made on first use. The SDK is loaded then too: only
 * uploads, downloads and erasure need it, so a cold instance does not compile it up front.
 */
export function blobService(): Promise<BlobServiceClient> {
  const memory = runtime().memory;
  memory.blobService ??= import("@azure/storage-blob").then(({ BlobServiceClient }) => {
    const c = config();
    const options = { retryOptions: BLOB_RETRY };
    if (c.STORAGE_CONNECTION_STRING) return BlobServiceClient.fromConnectionString(c.STORAGE_CONNECTION_STRING, options);
    // The configuration requires one of the two (shared/config); here the type learns it.
    if (!c.STORAGE_ACCOUNT_URL) throw new Error("set STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_URL");
    return new BlobServiceClient(c.STORAGE_ACCOUNT_URL, azureCredential, options);
  });
  return memory.blobService;
}

/**
 * Options for one Blob storage call: it stops after BLOB_CALL_MS (all tries) or when the
 * invocation's budget ends. The SDK's tryTimeoutInMs only asks the server to give up, so a
 * hanging connection would otherwise wait forever.
 */
export const deadline = () => ({ abortSignal: callSignal(BLOB_CALL_MS) });

export async function blobContainer(name: BlobContainerName): Promise<ContainerClient> {
  return (await blobService()).getContainerClient(BLOB_CONTAINERS[name]);
}

/** One blob of a candidate's verified files, or (`where`) of the uploads. */
export const candidateFile = async (name: string, where: BlobContainerName = "candidateFiles"): Promise<BlobClient> =>
  (await blobContainer(where)).getBlobClient(name);

/** Creates the containers and lets the allowed web origins upload (Azurite and tests; Azure gets both from infra/). */
export async function provisionStorage(): Promise<void> {
  for (const name of Object.keys(BLOB_CONTAINERS) as (keyof typeof BLOB_CONTAINERS)[]) {
    await (await blobContainer(name)).createIfNotExists(deadline());
  }
  await allowBrowserUploads(config().CORS_ALLOWED_ORIGINS);
}

/** The blob CORS rule for browser uploads and downloads, but for its origins; infra/ sets the same in Azure. */
export const BLOB_CORS = {
  allowedMethods: "GET,HEAD,PUT,OPTIONS",
  allowedHeaders: "content-type,x-ms-blob-type,x-ms-version,x-ms-client-request-id,x-ms-date,x-ms-blob-content-type,x-ms-meta-filename",
  exposedHeaders: "etag,x-ms-request-id,content-length,content-disposition",
  maxAgeInSeconds: 600,
} as const;

/** CORS on the blob service: browsers on these origins may PUT to an upload URL and GET a download link. */
export async function allowBrowserUploads(origins: string[]): Promise<void> {
  await (
    await blobService()
  ).setProperties(
    {
      cors: origins.length ? [{ allowedOrigins: origins.join(","), ...BLOB_CORS }] : [],
    },
    deadline(),
  );
}

export interface BlobInfo {
  size: number;
  etag: string;
  metadata: Record<string, string>;
}

/** Size, version and metadata, or undefined when the blob does not exist. */
export async function blobInfo(name: string, where: BlobContainerName = "candidateFiles"): Promise<BlobInfo | undefined> {
  const p = await ignoreNotFound((await candidateFile(name, where)).getProperties(deadline()));
  if (!p) return undefined;
  if (!p.etag) throw new Error("Blob storage described a blob without its ETag");
  return { size: p.contentLength ?? 0, etag: p.etag, metadata: p.metadata ?? {} };
}

/**
 * A read-only snapshot of an upload, provided it is still the version `etag` names: what was
 * checked can then be copied without a client changing it midway. Undefined when it changed.
 */
export async function snapshotUpload(name: string, etag: string): Promise<string | undefined> {
  const upload = await candidateFile(name, "candidateUploads");
  return (await ignoreNotFound(upload.createSnapshot({ conditions: { ifMatch: etag }, ...deadline() }), 412))?.snapshot;
}

/** Copy Blob From URL works synchronously up to this size (Azure's limit); larger sources are copied asynchronously. */
const SYNC_COPY_MAX_BYTES = 256 * 1024 * 1024;
/** How long `complete` waits for an asynchronous copy (well inside the 230 s an HTTP request may take). */
const COPY_WAIT_MS = 120_000;

/**
 * Copies `sourceUrl` (a read link to a snapshot of an upload) to a verified file, server-side:
 * the function carries no bytes. One round trip up to 256 MiB (Copy Blob From URL); beyond that
 * Copy Blob, which within one account usually completes at once, else is polled.
 */
export async function copyToFiles(sourceUrl: string, name: string, size: number, o: { syncMaxBytes?: number } = {}): Promise<void> {
  const target = await candidateFile(name);
  if (size <= (o.syncMaxBytes ?? SYNC_COPY_MAX_BYTES)) {
    await target.syncCopyFromURL(sourceUrl, deadline());
    return;
  }
  const copy = await target.beginCopyFromURL(sourceUrl, deadline());
  const until = Date.now() + COPY_WAIT_MS;
  while (!copy.isDone() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    await copy.poll(deadline());
  }
  try {
    if (!copy.isDone()) throw new Error("copying a verified file did not finish in time");
    await copy.pollUntilDone(); // a done poller: its result, or the error of a failed or aborted copy
  } catch (err) {
    if (!copy.isDone()) await copy.cancelOperation().catch(() => {});
    await deleteFile(name);
    throw err;
  }
}

async function breakLease(name: string, where: BlobContainerName): Promise<void> {
  await ignoreNotFound((await candidateFile(name, where)).getBlobLeaseClient().breakLease(0, deadline()), 409); // 409: there was no lease
}

/** Reads `count` bytes from `offset` of an upload: a range read, never the whole blob. */
export async function readRange(name: string, offset: number, count: number): Promise<Buffer> {
  if (count <= 0) return Buffer.alloc(0);
  const { readableStreamBody: body } = await (await candidateFile(name, "candidateUploads")).download(offset, count, deadline());
  if (!body) throw new Error("Blob storage's download has no stream (it has one in Node.js)");
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An upload's index tags (Defender for Storage writes its verdict there). */
export async function blobTags(name: string): Promise<Record<string, string>> {
  return (await (await candidateFile(name, "candidateUploads")).getTags(deadline())).tags;
}

/**
 * Deletes a blob and its snapshots, breaking any lease on it first (one an uploader took, or
 * the app's own on files verified before copies were made).
 */
export async function deleteFile(name: string, where: BlobContainerName = "candidateFiles"): Promise<void> {
  const files = await blobContainer(where);
  const remove = () => files.deleteBlob(name, { deleteSnapshots: "include", ...deadline() });
  try {
    await ignoreNotFound(remove());
  } catch (err) {
    if (statusOf(err) !== 412) throw err; // 412: a lease is present
    await breakLease(name, where);
    await ignoreNotFound(remove());
  }
}

export const candidatePrefix = (municipalityId: string, candidateId: string) => `${municipalityId}/${candidateId}/`;

/**
 * Deletes every blob under a candidate's prefix, verified files and uploads alike, page by page;
 * returns how many went.
 */
export async function deleteCandidateFiles(municipalityId: string, candidateId: string): Promise<number> {
  let deleted = 0;
  for (const where of ["candidateFiles", "candidateUploads"] as const) {
    const files = await blobContainer(where);
    for await (const page of files
      .listBlobsFlat({ prefix: candidatePrefix(municipalityId, candidateId), ...deadline() })
      .byPage({ maxPageSize: 100 })) {
      for (const blob of page.segment.blobItems) {
        await deleteFile(blob.name, where);
        deleted++;
      }
    }
  }
  return deleted;
}

/**
 * Deletes every upload last written before `before`, whoever wrote it: by then no upload URL that
 * could have written it works, nor may it still be completed. Also what a still-valid URL wrote
 * after its candidate was erased. `prefix` narrows it (one municipality, in tests). A blob that
 * cannot be deleted goes to `onFailure` and waits for the next run. Returns the counts.
 */
export async function deleteStaleUploads(
  before: Date,
  { prefix, onFailure }: { prefix?: string; onFailure: (err: unknown) => void },
): Promise<{ deleted: number; failed: number }> {
  const uploads = await blobContainer("candidateUploads");
  const result = { deleted: 0, failed: 0 };
  for await (const page of uploads.listBlobsFlat({ ...(prefix ? { prefix } : {}), ...deadline() }).byPage({ maxPageSize: 100 })) {
    for (const blob of page.segment.blobItems) {
      if (blob.properties.lastModified >= before) continue;
      try {
        await deleteFile(blob.name, "candidateUploads");
        result.deleted++;
      } catch (err) {
        result.failed++;
        onFailure(err);
      }
    }
  }
  return result;
}
