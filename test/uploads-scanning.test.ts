import { describe, expect, it } from "vitest";
import { readUpload } from "../shared/data/uploads.js";
import { blobContainer, blobInfo } from "../shared/storage/blob.js";
import { newMunicipality, signedUpCandidate } from "./support/factories.js";
import { pdf } from "./support/files.js";
import type { Problem } from "./support/http.js";
import { testRuntime } from "./support/runtime.js";
import { complete, upload } from "./support/uploads.js";

// This file's runtime has Defender for Storage scanning switched on.
testRuntime({ MALWARE_SCANNING: "defender" });

/** What Defender for Storage does when it has scanned a blob. */
const scanned = async (uploadId: string, result: string) => {
  const { blobName } = (await readUpload(uploadId))!;
  await (await blobContainer("candidateUploads")).getBlobClient(blobName).setTags({ "Malware Scanning scan result": result });
  return blobName;
};

describe("uploads with malware scanning", () => {
  it("when the scan has not finished, then 409 with Retry-After; once clean, the file is attached", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());

    const early = await complete(c.token, ticket.uploadId);
    await scanned(ticket.uploadId, "No threats found");
    const later = await complete(c.token, ticket.uploadId);

    expect(early.status).toBe(409);
    expect(early.headers["retry-after"]).toBe("10");
    expect(later.status).toBe(200);
    expect(later.body.files.cv?.uploadId).toBe(ticket.uploadId);
  });

  it("when the scan found malware, then 422 and the blob is deleted", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    const blobName = await scanned(ticket.uploadId, "Malicious");

    const res = await complete<Problem>(c.token, ticket.uploadId);

    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/malware scan found a threat/);
    expect(await blobInfo(blobName, "candidateUploads")).toBeUndefined();
  });
});
