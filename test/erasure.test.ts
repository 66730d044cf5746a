import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONTAINERS } from "../shared/data/containers.js";
import { container } from "../shared/data/cosmos.js";
import { runRetention } from "../shared/services/retention.js";
import { cleanupUploads } from "../shared/services/uploads.js";
import { blobService } from "../shared/storage/blob.js";
import { employerUser, newMunicipality, sharedCandidate, tokenFor } from "./support/factories.js";
import { exe, jpeg, pdf } from "./support/files.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";
import { testClock } from "./support/runtime.js";

// This file keeps the default notifier (the `outbox` container), so retention signals are documents too.

/** Every document of every Cosmos container, and every blob (name and metadata, snapshots too), as text. */
async function everythingStored(): Promise<{ where: string; text: string }[]> {
  const found: { where: string; text: string }[] = [];
  for (const name of Object.keys(CONTAINERS) as (keyof typeof CONTAINERS)[]) {
    const { resources } = await container(name).items.readAll().fetchAll();
    for (const doc of resources) found.push({ where: `cosmos ${name}/${doc.id}`, text: JSON.stringify(doc) });
  }
  for await (const c of (await blobService()).listContainers()) {
    for await (const b of (await blobService())
      .getContainerClient(c.name)
      .listBlobsFlat({ includeMetadata: true, includeSnapshots: true })) {
      found.push({ where: `blob ${c.name}/${b.name}`, text: `${b.name} ${JSON.stringify(b.metadata ?? {})}` });
    }
  }
  return found;
}

describe("erasure", () => {
  it("when a candidate is erased, then no raw id of theirs is left in any container or blob once the cleanup ran, even after a still-valid upload URL is used", async () => {
    const m = newMunicipality();
    const skill = `spoor${randomUUID().slice(0, 8)}`;
    const clientNumber = `KL-ERASE-${randomUUID().slice(0, 8)}`;
    const c = await sharedCandidate(m, { skills: [skill] }, { clientNumber });
    const uuid = c.id.slice(c.id.indexOf(".") + 1);
    // A verified CV, and a photo upload under way (its URL still valid after the erasure).
    const cv = await upload(c.token, "cv", "application/pdf", pdf());
    expect((await complete(c.token, cv.ticket.uploadId)).status).toBe(200);
    const pending = await call<Schema<"UploadTicket">>("POST", "/api/me/uploads", {
      token: c.token,
      body: { kind: "photo", contentType: "image/jpeg", size: 3000, fileName: "ik.jpg" },
    });
    expect(pending.status).toBe(201);
    // An employer found and opened them (search events, usage log); their coaches were signalled (outbox).
    const employer = await employerUser(newMunicipality());
    const found = await call<Schema<"CandidateSearchPage">>("GET", `/api/search/candidates?skill=${skill}`, { token: employer.token });
    expect(found.body.items.map((i) => i.id)).toEqual([c.id]);
    expect((await call("GET", `/api/candidates/${c.id}`, { token: employer.token })).status).toBe(200);
    const ended = await call("POST", `/api/candidates/${c.id}/service-end`, {
      token: c.coach,
      body: { endedOn: "2020-01-01", reason: "aborted" },
    });
    expect(ended.status).toBe(200);
    expect((await runRetention({ dryRun: false, municipalities: [m] })).municipalities[m]).toMatchObject({ signalled: 1 });
    const before = (await everythingStored()).filter((s) => s.text.includes(uuid)).map((s) => s.where.split(" ")[1]!.split("/")[0]);
    expect(before).toEqual(
      expect.arrayContaining(["candidates", "uploads", "outbox", "accounts", "invitations", "audit", "candidate-files"]),
    );

    const raw = [c.id, uuid, clientNumber, c.sub];
    const leftovers = async () => (await everythingStored()).filter((s) => raw.some((r) => s.text.includes(r))).map((s) => s.where);

    expect((await call("DELETE", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(204);
    const atErasure = await leftovers();
    // Still-valid upload URLs (the photo's, and the CV's) write again under the erased candidate's prefix.
    const put = await fetch(pending.body.uploadUrl, { method: "PUT", headers: pending.body.headers, body: jpeg() });
    const overwrite = await fetch(cv.ticket.uploadUrl, { method: "PUT", headers: cv.ticket.headers, body: exe() });
    const late = await complete(c.token, pending.body.uploadId);
    const written = await leftovers();
    testClock.set(() => new Date(Date.now() + 2 * 86_400_000));
    await cleanupUploads({ municipalityId: m });
    const afterCleanup = await leftovers();

    expect(atErasure).toEqual([]);
    expect([put.status, overwrite.status]).toEqual([201, 201]);
    expect(written).toHaveLength(2);
    expect(written.every((w) => w.startsWith("blob candidate-uploads/"))).toBe(true);
    expect(late.status).toBe(404);
    expect(afterCleanup).toEqual([]);
    // The client number is free again, the unique key with it.
    expect((await call("POST", "/api/candidates", { token: c.coach, body: { admin: { ...c.body.admin, clientNumber } } })).status).toBe(
      201,
    );
  });
});

describe("legal hold", () => {
  it("when a legal hold applies, then neither the candidate nor a coach can erase (409 with the reason), and withdrawing sharing still works", async () => {
    const m = newMunicipality();
    const c = await sharedCandidate(m);
    const cv = await upload(c.token, "cv", "application/pdf", pdf());
    await complete(c.token, cv.ticket.uploadId);
    const admin = await tokenFor("admin", m);
    const held = await call("PUT", `/api/candidates/${c.id}/legal-hold`, {
      token: admin,
      body: { hold: true, reason: "lopende bezwaarprocedure" },
    });
    expect(held.status).toBe(200);

    const self = await call<Problem>("DELETE", "/api/me/profile", { token: c.token });
    const byCoach = await call<Problem>("DELETE", `/api/candidates/${c.id}`, { token: c.coach });
    const withdrawn = await call<Schema<"CandidateOwnView">>("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: false } });

    for (const refused of [self, byCoach]) {
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/legal hold.*lopende bezwaarprocedure.*Art\. 17\(3\)\(e\)/);
    }
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.sharing).toEqual({ withEmployers: false });
    const record = await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${c.id}`, { token: c.coach });
    expect(record.body.profile.skills).toEqual(["lassen"]);
    expect(record.body.files.cv?.uploadId).toBe(cv.ticket.uploadId);
    const link = await call<Schema<"FileLink">>("GET", `/api/candidates/${c.id}/files/cv`, { token: c.coach });
    expect((await fetch(link.body.url)).status).toBe(200);

    await call("PUT", `/api/candidates/${c.id}/legal-hold`, { token: admin, body: { hold: false } });
    expect((await call("DELETE", "/api/me/profile", { token: c.token })).status).toBe(204);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.files).toEqual({});
  });
});
