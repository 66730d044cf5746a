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

/** Creates the containers (Azurite and tests; Azure gets them from infra/). */
export async function provisionStorage(): Promise<void> {
  for (const name of Object.keys(BLOB_CONTAINERS) as (keyof typeof BLOB_CONTAINERS)[]) {
    await blobContainer(name).createIfNotExists();
  }
}

export const candidatePrefix = (municipalityId: string, candidateId: string) => `${municipalityId}/${candidateId}/`;

/** Deletes every blob under a candidate's prefix, page by page; returns how many went. */
export async function deleteCandidateFiles(municipalityId: string, candidateId: string): Promise<number> {
  const files = blobContainer("candidateFiles");
  let deleted = 0;
  for await (const page of files.listBlobsFlat({ prefix: candidatePrefix(municipalityId, candidateId) }).byPage({ maxPageSize: 100 })) {
    for (const blob of page.segment.blobItems) {
      await files.deleteBlob(blob.name, { deleteSnapshots: "include" }).catch((err: { statusCode?: number }) => {
        if (err.statusCode !== 404) throw err;
      });
      deleted++;
    }
  }
  return deleted;
}

export function resetBlobService(): void {
  service = undefined;
}
