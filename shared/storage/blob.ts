import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { DefaultAzureCredential } from "@azure/identity";
import { config } from "../config/index.js";

/** Blob containers, declared once; infra/ mirrors them. */
export const BLOB_CONTAINERS = {
  /** CVs, videos and photos, named `{municipalityId}/{candidateId}/{kind}/{uuid}`. */
  candidateFiles: "candidate-files",
} as const;

let service: BlobServiceClient | undefined;

/** The one BlobServiceClient of the process, made on first use. */
export function blobService(): BlobServiceClient {
  if (!service) {
    const c = config();
    service = c.STORAGE_CONNECTION_STRING
      ? BlobServiceClient.fromConnectionString(c.STORAGE_CONNECTION_STRING)
      : new BlobServiceClient(c.STORAGE_ACCOUNT_URL!, new DefaultAzureCredential());
  }
  return service;
}

export function blobContainer(name: keyof typeof BLOB_CONTAINERS): ContainerClient {
  return blobService().getContainerClient(BLOB_CONTAINERS[name]);
}

/** Creates the containers and lets the allowed web origins upload (Azurite and tests; Azure gets both from infra/). */
export async function provisionStorage(): Promise<void> {
  for (const name of Object.keys(BLOB_CONTAINERS) as (keyof typeof BLOB_CONTAINERS)[]) {
    await blobContainer(name).createIfNotExists();
  }
  await allowBrowserUploads(config().CORS_ALLOWED_ORIGINS);
}

/** CORS on the blob service: browsers on these origins may PUT to an upload URL and GET a download link. */
export async function allowBrowserUploads(origins: string[]): Promise<void> {
  await blobService().setProperties({
    cors: origins.length
      ? [{
          allowedOrigins: origins.join(","),
          allowedMethods: "GET,HEAD,PUT,OPTIONS",
          allowedHeaders: "content-type,x-ms-blob-type,x-ms-version,x-ms-client-request-id,x-ms-date,x-ms-blob-content-type",
          exposedHeaders: "etag,x-ms-request-id,content-length,content-disposition",
          maxAgeInSeconds: 600,
        }]
      : [],
  });
}

const isMissing = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

/** Size, or undefined when the blob does not exist. */
export async function blobSize(name: string): Promise<number | undefined> {
  try {
    return (await blobContainer("candidateFiles").getBlobClient(name).getProperties()).contentLength;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

let bytesRead = 0;
/** Bytes the functions have read from blob contents in this process (benchmarks). */
export const blobBytesRead = () => bytesRead;

/** Reads `count` bytes from `offset`: a range read, never the whole blob. */
export async function readRange(name: string, offset: number, count: number): Promise<Buffer> {
  if (count <= 0) return Buffer.alloc(0);
  const res = await blobContainer("candidateFiles").getBlobClient(name).download(offset, count);
  const chunks: Buffer[] = [];
  for await (const chunk of res.readableStreamBody!) chunks.push(chunk as Buffer);
  const buf = Buffer.concat(chunks);
  bytesRead += buf.length;
  return buf;
}

export async function blobTags(name: string): Promise<Record<string, string>> {
  return (await blobContainer("candidateFiles").getBlobClient(name).getTags()).tags;
}

export async function deleteFile(name: string): Promise<void> {
  await blobContainer("candidateFiles").deleteBlob(name, { deleteSnapshots: "include" }).catch((err) => {
    if (!isMissing(err)) throw err;
  });
}

export const candidatePrefix = (municipalityId: string, candidateId: string) => `${municipalityId}/${candidateId}/`;

/** Deletes every blob under a candidate's prefix, page by page; returns how many went. */
export async function deleteCandidateFiles(municipalityId: string, candidateId: string): Promise<number> {
  const files = blobContainer("candidateFiles");
  let deleted = 0;
  for await (const page of files.listBlobsFlat({ prefix: candidatePrefix(municipalityId, candidateId) }).byPage({ maxPageSize: 100 })) {
    for (const blob of page.segment.blobItems) {
      await deleteFile(blob.name);
      deleted++;
    }
  }
  return deleted;
}

export function resetBlobService(): void {
  service = undefined;
}
