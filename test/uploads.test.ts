import { afterEach, describe, expect, it } from "vitest";
import { registeredTimers } from "../shared/http/timers.js";
import { setClock } from "../shared/domain/clock.js";
import { blobContainer, blobInfo, candidatePrefix } from "../shared/storage/blob.js";
import { BlockBlobClient } from "@azure/storage-blob";
import { container } from "../shared/data/cosmos.js";
import { readUpload } from "../shared/data/uploads.js";
import { employerUser, newMunicipality, sharedCandidate, signedUpCandidate } from "./support/factories.js";
import { docx, DOCX_TYPE, exe, jpeg, mp4, pdf, png, zip } from "./support/files.js";
import { call } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";

afterEach(() => setClock(undefined));

async function blobsOf(m: string, id: string): Promise<string[]> {
  const names: string[] = [];
  for await (const b of (await blobContainer("candidateFiles")).listBlobsFlat({ prefix: candidatePrefix(m, id) })) names.push(b.name);
  return names;
}

describe("uploads", () => {
  it("when a candidate uploads a CV, then it is verified, attached, and a coach downloads the same bytes as an attachment", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const bytes = pdf(5000);

    const { ticket, putStatus } = await upload(c.token, "cv", "application/pdf", bytes, { fileName: '../../Mijn "CV".pdf' });
    const done = await complete(c.token, ticket.uploadId);

    expect(putStatus).toBe(201);
    expect(ticket.uploadUrl).toContain(`/${m}/${c.id}/cv/${ticket.uploadId}?`);
    expect(done.status).toBe(200);
    expect(done.body.files.cv).toMatchObject({ contentType: "application/pdf", size: 5000, fileName: "Mijn CV.pdf", uploadId: ticket.uploadId });
    // The file name travelled with the blob; the upload's own record never held it.
    expect(await readUpload(ticket.uploadId)).not.toHaveProperty("fileName");
    const link = await call("GET", `/api/candidates/${c.id}/files/cv`, { token: c.coach });
    expect(link.status).toBe(200);
    const download = await fetch(link.body.url);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="Mijn CV.pdf"/);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("when a real Word document is uploaded, then it passes; a zip passed off as one is refused and removed", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const good = await upload(c.token, "cv", DOCX_TYPE, docx());
    expect((await complete(c.token, good.ticket.uploadId)).status).toBe(200);

    const fake = await upload(c.token, "cv", DOCX_TYPE, zip({ "hello.txt": "not a document" }));
    const res = await complete(c.token, fake.ticket.uploadId);

    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/not a Word/);
    expect(await blobInfo((await readUpload(fake.ticket.uploadId))!.blobName)).toBeUndefined();
  });

  it("when a Word document carries macros, then it is refused and removed", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const macro = await upload(c.token, "cv", DOCX_TYPE, zip({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", "word/VBAProject.bin": "VBA" }));
    const res = await complete(c.token, macro.ticket.uploadId);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/macros/);
  });

  it("when a candidate starts many uploads and finishes none, then after ten more are refused with 429", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const start = () => call("POST", "/api/me/uploads", { token: c.token, body: { kind: "photo", contentType: "image/jpeg", size: 10, fileName: "a.jpg" } });
    for (let i = 0; i < 10; i++) expect((await start()).status).toBe(201);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("3600");
  });

  it("when kind, type or size are not allowed, then 400 before any URL is handed out", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const start = (body: object) => call("POST", "/api/me/uploads", { token: c.token, body: { kind: "photo", contentType: "image/jpeg", size: 10, fileName: "a.jpg", ...body } });
    expect((await start({ contentType: "image/gif" })).status).toBe(400);
    const big = await start({ kind: "video", contentType: "video/mp4", size: 600 * 1024 * 1024 });
    expect(big.status).toBe(400);
    expect(big.body.detail).toMatch(/at most 500 MB/);
    expect((await start({ kind: "spreadsheet" })).status).toBe(400);
    expect((await start({ size: 0 })).status).toBe(400);
  });

  it("when a renamed executable or a size lie arrives, then 422 names the reason and the blob is gone", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const renamed = await upload(c.token, "cv", "application/pdf", exe(), { fileName: "cv.pdf" });
    const lie = await upload(c.token, "photo", "image/png", png(3000), { declaredSize: 1000 });

    const r1 = await complete(c.token, renamed.ticket.uploadId);
    const r2 = await complete(c.token, lie.ticket.uploadId);

    expect(r1.status).toBe(422);
    expect(r1.body.detail).toMatch(/not application\/pdf/);
    expect(r2.status).toBe(422);
    expect(r2.body.detail).toMatch(/3000 bytes arrived but 1000 were declared/);
    expect(await blobsOf(m, c.id)).toEqual([]);
    expect((await call("GET", "/api/me/profile", { token: c.token })).body.files).toEqual({});
  });

  it("when nothing was uploaded yet, then 422 and the upload can still be completed later", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const start = await call("POST", "/api/me/uploads", { token: c.token, body: { kind: "photo", contentType: "image/jpeg", size: 3000, fileName: "me.jpg" } });
    expect((await complete(c.token, start.body.uploadId)).status).toBe(422);
    await fetch(start.body.uploadUrl, { method: "PUT", headers: start.body.headers, body: jpeg() });
    expect((await complete(c.token, start.body.uploadId)).status).toBe(200);
  });

  it("when the upload URL has expired, then Blob storage refuses the bytes", async () => {
    const c = await signedUpCandidate(newMunicipality());
    setClock({ now: () => new Date(Date.now() - 3600_000) });
    const start = await call("POST", "/api/me/uploads", { token: c.token, body: { kind: "cv", contentType: "application/pdf", size: 2000, fileName: "cv.pdf" } });
    setClock(undefined);
    const put = await fetch(start.body.uploadUrl, { method: "PUT", headers: start.body.headers, body: pdf() });
    expect(put.status).toBe(403);
  });

  it("when someone else's upload is completed or one is completed twice, then 404 or 409", async () => {
    const m = newMunicipality();
    const a = await signedUpCandidate(m);
    const b = await signedUpCandidate(m);
    const { ticket } = await upload(a.token, "cv", "application/pdf", pdf());
    expect((await complete(b.token, ticket.uploadId)).status).toBe(404);
    expect((await complete(a.token, ticket.uploadId)).status).toBe(200);
    expect((await complete(a.token, ticket.uploadId)).status).toBe(409);
    expect((await complete(a.token, "20261128-not-an-upload")).status).toBe(404);
  });

  it("when the still-valid upload URL is used again after completion, then the checked file cannot be changed", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const bytes = pdf();
    const { ticket } = await upload(c.token, "cv", "application/pdf", bytes);
    await complete(c.token, ticket.uploadId);

    const overwrite = await fetch(ticket.uploadUrl, { method: "PUT", headers: ticket.headers, body: exe() });

    expect(overwrite.status).toBe(412);
    const link = await call("GET", `/api/candidates/${c.id}/files/cv`, { token: c.coach });
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("when the uploader takes a lease on the blob, then refusing and deleting still work", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const lie = await upload(c.token, "cv", "application/pdf", pdf(2000), { declaredSize: 1000 });
    await new BlockBlobClient(lie.ticket.uploadUrl).getBlobLeaseClient().acquireLease(-1);
    const good = await upload(c.token, "photo", "image/jpeg", jpeg());
    await new BlockBlobClient(good.ticket.uploadUrl).getBlobLeaseClient().acquireLease(-1);

    expect((await complete(c.token, lie.ticket.uploadId)).status).toBe(422);
    expect((await complete(c.token, good.ticket.uploadId)).status).toBe(200);
    expect((await call("DELETE", "/api/me/files/photo", { token: c.token })).status).toBe(204);
    expect(await blobsOf(m, c.id)).toEqual([]);
  });

  it("when a completion was cut off before its record was updated, then the cleanup keeps the file the profile points to", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, ticket.uploadId);
    const record = (await readUpload(ticket.uploadId))!;
    await container("uploads").item(record.id, record.day).patch([{ op: "set", path: "/status", value: "pending" }]);

    setClock({ now: () => new Date(Date.now() + 2 * 86_400_000) });
    await registeredTimers.find((t) => t.name === "uploadsCleanup")!.run({} as never);

    expect(await blobsOf(m, c.id)).toEqual([`${candidatePrefix(m, c.id)}cv/${ticket.uploadId}`]);
    expect(await readUpload(ticket.uploadId)).toBeUndefined();
  });

  it("when a new photo replaces the old one, then the old blob is deleted", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const first = await upload(c.token, "photo", "image/jpeg", jpeg());
    await complete(c.token, first.ticket.uploadId);
    const second = await upload(c.token, "photo", "image/png", png());

    const res = await complete(c.token, second.ticket.uploadId);

    expect(res.body.files.photo.uploadId).toBe(second.ticket.uploadId);
    expect(await blobsOf(m, c.id)).toEqual([`${candidatePrefix(m, c.id)}photo/${second.ticket.uploadId}`]);
  });

  it("when an employer may not see the candidate, then the file link is 404; once shared, 200", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m);
    const { ticket } = await upload(c.token, "video", "video/mp4", mp4());
    await complete(c.token, ticket.uploadId);
    const employer = await employerUser(newMunicipality());

    expect((await call("GET", `/api/candidates/${c.id}/files/video`, { token: employer.token })).status).toBe(200);
    await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: false } });
    expect((await call("GET", `/api/candidates/${c.id}/files/video`, { token: employer.token })).status).toBe(404);
    expect((await call("GET", `/api/candidates/${c.id}/files/cv`, { token: c.coach })).status).toBe(404);
  });

  it("when the candidate deletes a file, then the blob and the reference are gone", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, ticket.uploadId);

    expect((await call("DELETE", "/api/me/files/cv", { token: c.token })).status).toBe(204);
    expect(await blobsOf(m, c.id)).toEqual([]);
    expect((await call("GET", "/api/me/profile", { token: c.token })).body.files).toEqual({});
    expect((await call("DELETE", "/api/me/files/cv", { token: c.token })).status).toBe(404);
  });

  it("when uploads are started and never completed, then the cleanup timer removes them after their URL expired", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const abandoned = await upload(c.token, "cv", "application/pdf", pdf());
    const kept = await upload(c.token, "photo", "image/jpeg", jpeg());
    await complete(c.token, kept.ticket.uploadId);
    const cleanup = registeredTimers.find((t) => t.name === "uploadsCleanup")!;

    const early = await cleanup.run({} as never);
    setClock({ now: () => new Date(Date.now() + 2 * 86_400_000) });
    const later = await cleanup.run({} as never);

    expect(early).toMatchObject({ removedBlobs: 0, failed: 0 });
    expect(later).toMatchObject({ removedBlobs: expect.any(Number), failed: 0 });
    expect(await readUpload(abandoned.ticket.uploadId)).toBeUndefined();
    expect(await readUpload(kept.ticket.uploadId)).toBeUndefined();
    expect(await blobsOf(m, c.id)).toEqual([`${candidatePrefix(m, c.id)}photo/${kept.ticket.uploadId}`]);
  });
});
