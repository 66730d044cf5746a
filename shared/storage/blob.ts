import { randomUUID } from "node:crypto";
import type { BlobClient, BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { azureCredential } from "../auth/azure-credential.js";
import { config } from "../config/index.js";

/** Blob containers, declared once; infra/ mirrors them. */
export const BLOB_CONTAINERS = {
  /** CVs, videos and photos, named `{municipalityId}/{candidateId}/{kind}/{uuid}`. */
  candidateFiles: "candidate-files",
} as const;

let service: Promise<BlobServiceClient> | undefined;

/**
 * The one BlobServiceClient of the process, made on first use. The SDK is loaded then too: only
 * uploads, downloads and erasure need it, so a cold instance does not compile it up front.
 */
export function blobService(): Promise<BlobServiceClient> {
  service ??= import("@azure/storage-blob").then(({ BlobServiceClient }) => {
    const c = config();
    return c.STORAGE_CONNECTION_STRING
      ? BlobServiceClient.fromConnectionString(c.STORAGE_CONNECTION_STRING)
      : new BlobServiceClient(c.STORAGE_ACCOUNT_URL!, azureCredential);
  });
  return service;
}

export async function blobContainer(name: keyof typeof BLOB_CONTAINERS): Promise<ContainerClient> {
  return (await blobService()).getContainerClient(BLOB_CONTAINERS[name]);
}

/** One blob of a candidate's files. */
export const candidateFile = async (name: string): Promise<BlobClient> => (await blobContainer("candidateFiles")).getBlobClient(name);

/** Creates the containers and lets the allowed web origins upload (Azurite and tests; Azure gets both from infra/). */
export async function provisionStorage(): Promise<void> {
  for (const name of Object.keys(BLOB_CONTAINERS) as (keyof typeof BLOB_CONTAINERS)[]) {
    await (await blobContainer(name)).createIfNotExists();
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
  await (await blobService()).setProperties({
    cors: origins.length ? [{ allowedOrigins: origins.join(","), ...BLOB_CORS }] : [],
  });
}

const isMissing = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

export interface BlobInfo {
  size: number;
  etag: string;
  metadata: Record<string, string>;
}

/** Size, version and metadata, or undefined when the blob does not exist. */
export async function blobInfo(name: string): Promise<BlobInfo | undefined> {
  try {
    const p = await (await candidateFile(name)).getProperties();
    return { size: p.contentLength ?? 0, etag: p.etag!, metadata: p.metadata ?? {} };
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * Locks a checked blob for good with a lease only the app knows, provided it is still the
 * version that was checked: an upload URL that is still valid can then no longer change it.
 * Returns false when the blob changed since `etag`.
 */
export async function lockBlob(name: string, etag: string): Promise<boolean> {
  const leases = (await candidateFile(name)).getBlobLeaseClient(randomUUID());
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await leases.acquireLease(-1, { conditions: { ifMatch: etag } });
      return true;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 412) return false;
      if (status !== 409 || attempt > 0) throw err;
      await breakLease(name); // the uploader took a lease of its own
    }
  }
  return false;
}

async function breakLease(name: string): Promise<void> {
  await (await candidateFile(name)).getBlobLeaseClient().breakLease(0).catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 409 && !isMissing(err)) throw err; // 409: there was no lease
  });
}

let bytesRead = 0;
/** Bytes the functions have read from blob contents in this process (benchmarks). */
export const blobBytesRead = () => bytesRead;

/** Reads `count` bytes from `offset`: a range read, never the whole blob. */
export async function readRange(name: string, offset: number, count: number): Promise<Buffer> {
  if (count <= 0) return Buffer.alloc(0);
  const res = await (await candidateFile(name)).download(offset, count);
  const chunks: Buffer[] = [];
  for await (const chunk of res.readableStreamBody!) chunks.push(chunk as Buffer);
  const buf = Buffer.concat(chunks);
  bytesRead += buf.length;
  return buf;
}

export async function blobTags(name: string): Promise<Record<string, string>> {
  return (await (await candidateFile(name)).getTags()).tags;
}

/** Deletes a blob, breaking any lease on it first (ours after a check, or one an uploader took). */
export async function deleteFile(name: string): Promise<void> {
  const files = await blobContainer("candidateFiles");
  const remove = () => files.deleteBlob(name, { deleteSnapshots: "include" });
  try {
    await remove();
  } catch (err) {
    if (isMissing(err)) return;
    if ((err as { statusCode?: number }).statusCode !== 412) throw err; // 412: a lease is present
    await breakLease(name);
    await remove().catch((again) => {
      if (!isMissing(again)) throw again;
    });
  }
}

export const candidatePrefix = (municipalityId: string, candidateId: string) => `${municipalityId}/${candidateId}/`;

/** Deletes every blob under a candidate's prefix, page by page; returns how many went. */
export async function deleteCandidateFiles(municipalityId: string, candidateId: string): Promise<number> {
  const files = await blobContainer("candidateFiles");
  let deleted = 0;
  for await (const page of files.listBlobsFlat({ prefix: candidatePrefix(municipalityId, candidateId) }).byPage({ maxPageSize: 100 })) {
    for (const blob of page.segment.blobItems) {
      await deleteFile(blob.name);
      deleted++;
    }
  }
  return deleted;
}
