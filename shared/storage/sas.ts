import type { StorageSharedKeyCredential, UserDelegationKey } from "@azure/storage-blob";
import { clock } from "../domain/clock.js";
import { runtime } from "../runtime.js";
import { blobService, BLOB_CONTAINERS, candidateFile, deadline, type BlobContainerName } from "./blob.js";

// Already loaded by blobService() by the time a link is made: this costs no extra compile.
const sdk = () => import("@azure/storage-blob");

/**
 * Short-lived links to one blob. With Azurite (a connection string) they are signed with the
 * account key; in Azure with a user delegation key obtained by the app's managed identity, so
 * no account key exists anywhere.
 */
async function signer(expiresOn: Date): Promise<StorageSharedKeyCredential | UserDelegationKey> {
  const service = await blobService();
  const { StorageSharedKeyCredential } = await sdk();
  if (service.credential instanceof StorageSharedKeyCredential) return service.credential;
  // One delegation key (the runtime's memory) serves many links; renew it well before any link could outlive it.
  const memory = runtime().memory;
  if (!memory.delegation || memory.delegation.until < expiresOn.getTime() + 5 * 60_000) {
    const start = new Date(clock().now().getTime() - 5 * 60_000);
    const end = new Date(clock().now().getTime() + 6 * 3600_000);
    memory.delegation = { key: await service.getUserDelegationKey(start, end, deadline()), until: end.getTime() };
  }
  return memory.delegation.key;
}

interface LinkOptions {
  contentDisposition?: string;
  contentType?: string;
  /** A snapshot of the blob rather than the blob itself. */
  snapshotTime?: string;
}

async function link(where: BlobContainerName, blobName: string, permissions: string, minutes: number, o: LinkOptions = {}) {
  const now = clock().now();
  const expiresOn = new Date(now.getTime() + minutes * 60_000);
  const key = await signer(expiresOn);
  const { BlobSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } = await sdk();
  const options = {
    containerName: BLOB_CONTAINERS[where],
    blobName,
    permissions: BlobSASPermissions.parse(permissions),
    startsOn: new Date(now.getTime() - 60_000), // small allowance for clock skew
    expiresOn,
    ...o,
  };
  const sas =
    key instanceof StorageSharedKeyCredential
      ? generateBlobSASQueryParameters(options, key)
      : generateBlobSASQueryParameters(options, key, (await blobService()).accountName);
  const blob = await candidateFile(blobName, where);
  const url = o.snapshotTime ? blob.withSnapshot(o.snapshotTime).url : blob.url;
  return { url: `${url}${url.includes("?") ? "&" : "?"}${sas.toString()}`, expiresAt: expiresOn.toISOString() };
}

/**
 * Create and write, nothing else, on one blob of the uploads container: a single PUT needs only
 * create, blocks and a block list need write as well (which also lets the holder lease the blob:
 * why verified files are copied elsewhere).
 */
export const uploadLink = (blobName: string, minutes: number) => link("candidateUploads", blobName, "cw", minutes);

/** Read only, one snapshot of an upload: the source of the server-side copy of a verified file. */
export const snapshotReadLink = (blobName: string, snapshotTime: string, minutes: number) =>
  link("candidateUploads", blobName, "r", minutes, { snapshotTime });

/** Read only, a verified file, downloaded as an attachment under a safe name. */
export const downloadLink = (blobName: string, minutes: number, fileName: string, contentType: string) =>
  link("candidateFiles", blobName, "r", minutes, {
    contentDisposition: `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    contentType,
  });
