import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditTrail } from "../shared/data/audit.js";
import { container } from "../shared/data/cosmos.js";
import type { InvitationDoc } from "../shared/data/invitations.js";
import type { CandidateDoc } from "../shared/domain/candidate.js";
import { buildAdmin, inviteCandidate, newMunicipality, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { matching } from "./support/matchers.js";

describe("POST /candidates", () => {
  it("when a coach invites a candidate, then it is stored invited in the coach's municipality with a one-time code", async () => {
    const m = newMunicipality();
    const coach = await tokenFor("coach", m);
    const admin = buildAdmin({ postcode: "3511ab" });

    const res = await call<Schema<"CandidateCreated">>("POST", "/api/candidates", { token: coach, body: { admin } });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/candidates/${res.body.id}`);
    expect(res.headers.etag).toMatch(/^".+"$/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toMatchObject({ municipalityId: m, status: "invited", admin: { ...admin, postcode: "3511 AB" } });
    // 256 random bits, base64url
    expect(res.body.invitationCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { resource: stored } = await container("candidates").item(res.body.id, m).read<CandidateDoc>();
    expect(stored).toMatchObject({ type: "candidate", admin: { clientNumber: admin.clientNumber } });
    // only the hash of the code is stored
    const hash = createHash("sha256").update(res.body.invitationCode).digest("hex");
    const { resource: invitation } = await container("invitations").item(hash, hash).read<InvitationDoc>();
    expect(invitation).toMatchObject({ recordId: res.body.id, municipalityId: m });
    expect(JSON.stringify(invitation)).not.toContain(res.body.invitationCode);
  });

  it("when fields are missing, malformed or unknown, then 400 names each one and nothing is stored", async () => {
    const m = newMunicipality();
    const coach = await tokenFor("coach", m);

    const res = await call<Schema<"ValidationProblem">>("POST", "/api/candidates", {
      token: coach,
      body: { admin: { firstName: "", email: "not-an-email", postcode: "1234 SA", gender: "x", phone: "12", shoeSize: 44 } },
    });

    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/problem+json");
    const paths = res.body.errors!.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "admin.clientNumber",
        "admin.firstName",
        "admin.lastName",
        "admin.email",
        "admin.postcode",
        "admin.gender",
        "admin.phone",
        "admin.shoeSize",
      ]),
    );
    const list = await call<Schema<"CandidateListPage">>("GET", "/api/candidates", { token: coach });
    expect(list.body.items).toEqual([]);
  });

  it("when the body is not JSON, then 400 or 415 with a message, never 500", async () => {
    const coach = await tokenFor("coach", newMunicipality());
    const bad = await call<Problem>("POST", "/api/candidates", {
      token: coach,
      rawBody: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/not valid JSON/);
    const text = await call("POST", "/api/candidates", { token: coach, rawBody: "a=b", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
  });

  it("when a JSON body is over 256 KB, then 413 whether or not its length is declared, and only the first 256 KB are read", async () => {
    const coach = await tokenFor("coach", newMunicipality());
    const big = JSON.stringify({ admin: { ...buildAdmin(), notes: "x".repeat(300 * 1024) } });
    const headers = { "content-type": "application/json" };
    const declared = await call<Problem>("POST", "/api/candidates", {
      token: coach,
      rawBody: big,
      headers: { ...headers, "content-length": String(big.length) },
    });
    const undeclared = await call<Problem>("POST", "/api/candidates", { token: coach, rawBody: big, headers });
    // A client that streams without end: the handler stops pulling once past the limit.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const streamed = await call<Problem>("POST", "/api/candidates", { token: coach, bodyStream: endless, headers });

    for (const res of [declared, undeclared, streamed]) {
      expect(res.status).toBe(413);
      expect(res.body.detail).toBe("JSON bodies are limited to 256 KB");
    }
    expect(pulled).toBeLessThanOrEqual(256 * 1024 + 2 * 64 * 1024);
    expect((await call<Schema<"CandidateListPage">>("GET", "/api/candidates", { token: coach })).body.items).toEqual([]);
  });

  it("when the body declares a charset other than UTF-8 or a type that is not JSON, then 415 as problem+json and nothing is stored", async () => {
    const coach = await tokenFor("coach", newMunicipality());
    const body = JSON.stringify({ admin: buildAdmin() });
    for (const type of [
      "application/json; charset=iso-8859-1",
      'application/json;charset="windows-1252"',
      "application/jsonp",
      "text/json",
      "application/x-www-form-urlencoded",
    ]) {
      const res = await call<Problem>("POST", "/api/candidates", { token: coach, rawBody: body, headers: { "content-type": type } });
      expect(res.status, type).toBe(415);
      expect(res.headers["content-type"], type).toBe("application/problem+json");
      expect(res.body.detail, type).toMatch(/JSON/);
    }
    expect((await call<Schema<"CandidateListPage">>("GET", "/api/candidates", { token: coach })).body.items).toEqual([]);
    for (const type of ["application/json; charset=UTF-8", 'application/json; charset="utf-8"', "application/merge-patch+json"]) {
      const res = await call("POST", "/api/candidates", {
        token: coach,
        rawBody: JSON.stringify({ admin: buildAdmin() }),
        headers: { "content-type": type },
      });
      expect(res.status, type).toBe(201);
    }
  });

  it("when a JSON body holds a __proto__ or constructor key at any depth, then 400 names where and nothing is stored", async () => {
    const coach = await tokenFor("coach", newMunicipality());
    const admin = JSON.stringify(buildAdmin()).slice(1, -1);
    const bodies: [string, string][] = [
      [`{"admin":{${admin}},"__proto__":{"isAdmin":true}}`, "__proto__"],
      [`{"admin":{${admin},"targetGroups":{"constructor":{"prototype":{"x":1}}}}}`, "admin.targetGroups.constructor"],
      [`{"admin":{${admin}},"list":[{"a":1},{"__proto__":null}]}`, "list.1.__proto__"],
    ];
    for (const [rawBody, path] of bodies) {
      const res = await call<Schema<"ValidationProblem">>("POST", "/api/candidates", {
        token: coach,
        rawBody,
        headers: { "content-type": "application/json" },
      });
      expect(res.status, rawBody).toBe(400);
      expect(res.body.errors, rawBody).toEqual([{ path, message: matching(/not accepted as keys/) }]);
    }
    expect((await call<Schema<"CandidateListPage">>("GET", "/api/candidates", { token: coach })).body.items).toEqual([]);
  });

  it("when a request has thousands of bad fields, then 20 are listed with the count of all", async () => {
    const coach = await tokenFor("coach", newMunicipality());
    const query = Array.from({ length: 2000 }, (_, i) => `unknown${i}=1`).join("&");

    const res = await call<Schema<"ValidationProblem">>("GET", `/api/candidates?${query}`, { token: coach });

    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(20);
    expect(res.body.errors![0]).toEqual({ path: "unknown0", message: "unknown field; remove it" });
    expect(res.body.errorCount).toBe(2000);
    expect(res.body.detail).toMatch(/2000 problems; the first 20 are listed/);
    expect(JSON.stringify(res.body).length).toBeLessThan(3000);
    // A few bad fields are listed in full, with their count.
    const few = await call<Schema<"ValidationProblem">>("POST", "/api/candidates", { token: coach, body: { admin: { firstName: "" } } });
    expect(few.body.errorCount).toBe(few.body.errors!.length);
    expect(few.body.detail).not.toMatch(/are listed/);
  });

  it("when the client number is already used in the municipality, then 409", async () => {
    const m = newMunicipality();
    const first = await inviteCandidate(m, { clientNumber: "KL-DUP-1" });

    const res = await call("POST", "/api/candidates", { token: first.coach, body: { admin: buildAdmin({ clientNumber: "KL-DUP-1" }) } });

    expect(res.status).toBe(409);
    // another municipality may use the same number
    const other = await inviteCandidate(newMunicipality(), { clientNumber: "KL-DUP-1" });
    expect(other.id).toBeTruthy();
  });

  it("when a coach sends profile fields, then 403 and nothing is stored", async () => {
    const m = newMunicipality();
    const coach = await tokenFor("coach", m);
    const res = await call<Schema<"ValidationProblem">>("POST", "/api/candidates", {
      token: coach,
      body: { admin: buildAdmin(), profile: { description: "x" } },
    });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([{ path: "profile", message: "you may not change profile fields" }]);
    expect((await call<Schema<"CandidateListPage">>("GET", "/api/candidates", { token: coach })).body.items).toEqual([]);
  });
});

describe("GET /candidates", () => {
  it("when a coach lists, then pages of their own municipality come sorted by name, each candidate once", async () => {
    const m = newMunicipality();
    const names = ["Visser", "Bakker", "de Jong", "Smit", "Mulder"];
    for (const lastName of names) await inviteCandidate(m, { lastName });
    await inviteCandidate(newMunicipality(), { lastName: "Elders" });
    const coach = await tokenFor("coach", m);

    const seen: string[] = [];
    let continuation: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/candidates?pageSize=2${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ""}`;
      const res = await call<Schema<"CandidateListPage">>("GET", url, { token: coach });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((c) => c.admin.lastName));
      continuation = res.body.continuation;
      pages++;
    } while (continuation && pages < 10);

    expect(seen).toEqual(["Bakker", "de Jong", "Mulder", "Smit", "Visser"]);
    expect(pages).toBe(3);
  });

  it("when filtered by status or a name word, then only matching candidates come back, accents folded", async () => {
    const m = newMunicipality();
    await inviteCandidate(m, { firstName: "Zoë", lastName: "Çelik" });
    await inviteCandidate(m, { firstName: "Piet", lastName: "Hein", clientNumber: "KL-77" });
    const coach = await tokenFor("coach", m);

    const byName = await call<Schema<"CandidateListPage">>("GET", "/api/candidates?q=celik", { token: coach });
    const byClient = await call<Schema<"CandidateListPage">>("GET", "/api/candidates?q=kl-77", { token: coach });
    const active = await call<Schema<"CandidateListPage">>("GET", "/api/candidates?status=active", { token: coach });

    expect(byName.body.items.map((c) => c.admin.firstName)).toEqual(["Zoë"]);
    expect(byClient.body.items.map((c) => c.admin.firstName)).toEqual(["Piet"]);
    expect(active.body.items).toEqual([]);
  });

  it("when the query string is wrong or a continuation belongs to another query, then 400", async () => {
    const m = newMunicipality();
    for (let i = 0; i < 3; i++) await inviteCandidate(m);
    const coach = await tokenFor("coach", m);
    const first = await call<Schema<"CandidateListPage">>("GET", "/api/candidates?pageSize=1", { token: coach });

    const otherQuery = await call("GET", `/api/candidates?pageSize=1&status=invited&continuation=${first.body.continuation!}`, {
      token: coach,
    });
    const tampered = await call("GET", "/api/candidates?continuation=eyJ4IjoxfQ", { token: coach });
    const tooBig = await call<Schema<"ValidationProblem">>("GET", "/api/candidates?pageSize=500", { token: coach });
    const unknown = await call<Schema<"ValidationProblem">>("GET", "/api/candidates?stauts=active", { token: coach });

    expect([otherQuery.status, tampered.status, tooBig.status, unknown.status]).toEqual([400, 400, 400, 400]);
    expect(tooBig.body.errors![0]!.path).toBe("pageSize");
    expect(unknown.body.errors![0]!.path).toBe("stauts");
  });
});

describe("GET /candidates/{id}", () => {
  it("when a coach reads a candidate, then the whole record comes with an ETag and the read is audited with the IP", async () => {
    const m = newMunicipality();
    const { id, coach } = await inviteCandidate(m);

    const res = await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${id}`, { token: coach });

    expect(res.status).toBe(200);
    expect(res.headers.etag).toMatch(/^".+"$/);
    expect(Object.keys(res.body).sort()).toEqual([
      "admin",
      "createdAt",
      "employerVisibility",
      "files",
      "id",
      "municipalityId",
      "profile",
      "sharing",
      "status",
      "updatedAt",
    ]);
    const trail = await auditTrail(id);
    expect(trail.map((e) => e.action).sort()).toEqual(["create", "read"]);
    const read = trail.find((e) => e.action === "read")!;
    expect(read.actor).toMatchObject({ role: "coach", municipalityId: m, ip: "203.0.113.7" });
    expect(JSON.stringify(trail)).not.toContain("Fatima");
  });

  it("when the candidate is of another municipality, then 404 as if it did not exist", async () => {
    const { id } = await inviteCandidate(newMunicipality());
    const otherCoach = await tokenFor("coach", newMunicipality());
    const res = await call("GET", `/api/candidates/${id}`, { token: otherCoach });
    expect(res.status).toBe(404);
    expect(res.body).not.toHaveProperty("admin");
  });
});

describe("PATCH /candidates/{id}", () => {
  it("when a coach changes administrative data, then it merges, validates and is audited by field name", async () => {
    const m = newMunicipality();
    const { id, coach, etag } = await inviteCandidate(m);

    const res = await call<Schema<"CandidateStaffView">>("PATCH", `/api/candidates/${id}`, {
      token: coach,
      headers: { "if-match": etag },
      body: { admin: { postcode: "1012ab", caseManager: null, targetGroups: { bbl: true } } },
    });

    expect(res.status).toBe(200);
    expect(res.body.admin.postcode).toBe("1012 AB");
    expect(res.body.admin).not.toHaveProperty("caseManager");
    expect(res.body.admin.targetGroups).toEqual({ jobAgreement: true, practiceRoute: false, bbl: true, tozo: false });
    expect(res.headers.etag).not.toBe(etag);
    const update = (await auditTrail(id)).find((e) => e.action === "update")!;
    expect(update.fields?.sort()).toEqual(["admin.caseManager", "admin.postcode", "admin.targetGroups"]);
  });

  it("when a required field is removed or a value is bad, then 400 and nothing changes", async () => {
    const m = newMunicipality();
    const { id, coach, body } = await inviteCandidate(m);

    const res = await call<Schema<"ValidationProblem">>("PATCH", `/api/candidates/${id}`, {
      token: coach,
      body: { admin: { firstName: null, birthDate: "2999-01-01" } },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.path).sort()).toEqual(["admin.birthDate", "admin.firstName"]);
    const after = await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${id}`, { token: coach });
    expect(after.body.admin).toEqual(body.admin);
  });

  it("when a coach touches profile fields, then 403 and nothing changes", async () => {
    const { id, coach, body } = await inviteCandidate(newMunicipality());
    const res = await call("PATCH", `/api/candidates/${id}`, {
      token: coach,
      body: { admin: { firstName: "X" }, profile: { description: "y" } },
    });
    expect(res.status).toBe(403);
    const after = await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${id}`, { token: coach });
    expect(after.body.admin.firstName).toBe(body.admin.firstName);
    expect(after.body.profile).toEqual({});
  });

  it("when If-Match is stale, then 412 and the newer change stays", async () => {
    const { id, coach, etag } = await inviteCandidate(newMunicipality());
    await call("PATCH", `/api/candidates/${id}`, { token: coach, headers: { "if-match": etag }, body: { admin: { caseManager: "A" } } });

    const stale = await call("PATCH", `/api/candidates/${id}`, {
      token: coach,
      headers: { "if-match": etag },
      body: { admin: { caseManager: "B" } },
    });

    expect(stale.status).toBe(412);
    expect((await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${id}`, { token: coach })).body.admin.caseManager).toBe("A");
  });

  it("when many coaches change different fields at once without If-Match, then no change is lost", async () => {
    const { id, coach } = await inviteCandidate(newMunicipality());
    const changes = [
      { caseManager: "C1" },
      { phone: "06 87654321" },
      { postcode: "9711 AA" },
      { directlyReachable: false },
      { serviceType: "forYou" },
      { targetGroups: { tozo: true } },
    ];

    const results = await Promise.all(changes.map((admin) => call("PATCH", `/api/candidates/${id}`, { token: coach, body: { admin } })));

    expect(results.map((r) => r.status)).toEqual(changes.map(() => 200));
    const after = (await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${id}`, { token: coach })).body.admin;
    expect(after).toMatchObject({
      caseManager: "C1",
      phone: "06 87654321",
      postcode: "9711 AA",
      directlyReachable: false,
      serviceType: "forYou",
    });
    expect(after.targetGroups?.tozo).toBe(true);
  });

  it("when the new client number is taken, then 409", async () => {
    const m = newMunicipality();
    await inviteCandidate(m, { clientNumber: "KL-TAKEN" });
    const { id, coach } = await inviteCandidate(m);
    const res = await call("PATCH", `/api/candidates/${id}`, { token: coach, body: { admin: { clientNumber: "KL-TAKEN" } } });
    expect(res.status).toBe(409);
  });
});
