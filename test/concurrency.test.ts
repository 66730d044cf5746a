import { describe, expect, it } from "vitest";
import { buildAdmin, buildEmployer, inviteCandidate, newMunicipality, randomKvk, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";

describe("If-Match on settings and legal hold", () => {
  it("when two administrators change the settings from the same read, then the second gets 412 and the reach restriction stays", async () => {
    const m = newMunicipality();
    const [first, second] = [await tokenFor("admin", m), await tokenFor("admin", m)];
    const read = await call("GET", "/api/municipality/settings", { token: first });
    expect(read.status).toBe(200);
    expect(read.headers.etag).toMatch(/^"[^"]+"$/);

    const restrict = await call("PUT", "/api/municipality/settings", {
      token: first,
      headers: { "if-match": read.headers.etag! },
      body: { employerReach: "ownMunicipality" },
    });
    const undo = await call("PUT", "/api/municipality/settings", {
      token: second,
      headers: { "if-match": read.headers.etag! },
      body: { employerReach: "all" },
    });
    const bogus = await call("PUT", "/api/municipality/settings", {
      token: second,
      headers: { "if-match": '"bogus"' },
      body: { employerReach: "all" },
    });

    expect(restrict.status).toBe(200);
    expect(restrict.headers.etag).toMatch(/^"[^"]+"$/);
    expect(restrict.headers.etag).not.toBe(read.headers.etag);
    expect([undo.status, bogus.status]).toEqual([412, 412]);
    const now = await call<Schema<"MunicipalitySettings">>("GET", "/api/municipality/settings", { token: second });
    expect(now.body.employerReach).toBe("ownMunicipality");
    expect(now.headers.etag).toBe(restrict.headers.etag);
    // With the current version, or without If-Match at all, a change goes through.
    expect(
      (
        await call("PUT", "/api/municipality/settings", {
          token: second,
          headers: { "if-match": now.headers.etag! },
          body: { employerReach: "all" },
        })
      ).status,
    ).toBe(200);
    expect((await call("PUT", "/api/municipality/settings", { token: second, body: { employerReach: "ownMunicipality" } })).status).toBe(
      200,
    );
  });

  it("when a legal hold is set or lifted with a stale or bogus If-Match, then 412 and the hold stays as it was", async () => {
    const m = newMunicipality();
    const c = await inviteCandidate(m);
    const [first, second] = [await tokenFor("admin", m), await tokenFor("admin", m)];
    const read = await call("GET", `/api/candidates/${c.id}`, { token: c.coach }); // admins change the hold, coaches read
    expect(read.headers.etag).toMatch(/^"[^"]+"$/);

    const bogus = await call("PUT", `/api/candidates/${c.id}/legal-hold`, {
      token: first,
      headers: { "if-match": '"bogus"' },
      body: { hold: true, reason: "bezwaar" },
    });
    const held = await call("PUT", `/api/candidates/${c.id}/legal-hold`, {
      token: first,
      headers: { "if-match": read.headers.etag! },
      body: { hold: true, reason: "bezwaar" },
    });
    const lifted = await call("PUT", `/api/candidates/${c.id}/legal-hold`, {
      token: second,
      headers: { "if-match": read.headers.etag! },
      body: { hold: false },
    });

    expect(bogus.status).toBe(412);
    expect(held.status).toBe(200);
    expect(held.headers.etag).toMatch(/^"[^"]+"$/);
    expect(lifted.status).toBe(412);
    expect((await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${c.id}`, { token: c.coach })).body.legalHold).toMatchObject({
      reason: "bezwaar",
    });
  });
});

describe("uniqueness under concurrency", () => {
  it("when 20 coaches create a candidate with one client number at once, then exactly one 201 and 19 409s; a batch then ends that one", async () => {
    const m = newMunicipality();
    const admin = buildAdmin();
    const coaches = await Promise.all(Array.from({ length: 20 }, () => tokenFor("coach", m)));

    // Only the refusals' bodies are read.
    const answers = await Promise.all(coaches.map((token) => call<Problem>("POST", "/api/candidates", { token, body: { admin } })));

    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    expect(answers.find((a) => a.status === 409)!.body.detail).toMatch(/client number already exists/);
    const list = await call<Schema<"CandidateListPage">>("GET", `/api/candidates?q=${admin.clientNumber}`, { token: coaches[0] });
    expect(list.body.items).toHaveLength(1);
    const batch = await call<Schema<"ServiceEndBatchResult">>("POST", "/api/integrations/service-ends", {
      token: await tokenFor("integration", m),
      body: { items: [{ clientNumber: admin.clientNumber, endedOn: "2026-01-15", reason: "completed" }] },
    });
    expect(batch.body.results).toEqual([expect.objectContaining({ status: "recorded", candidateId: list.body.items[0]!.id })]);
  });

  it("when a client number changes, then the old one is free and the new one taken, also when two changes race", async () => {
    const m = newMunicipality();
    const a = await inviteCandidate(m);
    const b = await inviteCandidate(m);
    const c = await inviteCandidate(m);
    const old = a.body.admin.clientNumber;
    const wanted = `KL-NEW-${randomKvk()}`;

    const changed = await call("PATCH", `/api/candidates/${a.id}`, { token: a.coach, body: { admin: { clientNumber: wanted } } });
    const race = await Promise.all(
      [b, c].map((x) => call("PATCH", `/api/candidates/${x.id}`, { token: x.coach, body: { admin: { clientNumber: old } } })),
    );

    expect(changed.status).toBe(200);
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await call("PATCH", `/api/candidates/${b.id}`, { token: b.coach, body: { admin: { clientNumber: wanted } } })).status).toBe(
      409,
    );
    expect((await call<Schema<"CandidateListPage">>("GET", `/api/candidates?q=${old}`, { token: a.coach })).body.items).toHaveLength(1);
  });

  it("when 20 account managers register one KvK number at once, then exactly one 201 and 19 409s", async () => {
    const m = newMunicipality();
    const employer = buildEmployer();
    const managers = await Promise.all(Array.from({ length: 20 }, () => tokenFor("accountManager", m)));

    // Only the refusals' bodies are read.
    const answers = await Promise.all(managers.map((token) => call<Problem>("POST", "/api/employers", { token, body: employer })));

    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    expect(answers.find((a) => a.status === 409)!.body.detail).toMatch(/KvK number is already registered/);
    const other = await call<Schema<"EmployerCreated">>("POST", "/api/employers", { token: managers[0], body: buildEmployer() });
    const clash = await call("PATCH", `/api/employers/${other.body.id}`, { token: managers[0], body: { kvkNumber: employer.kvkNumber } });
    expect(clash.status).toBe(409);
  });
});

describe("what storage refuses, as the client reads it", () => {
  it("when If-Match is *, lists the current tag, or is stale, and a continuation is foreign, then 200, 200, and problems that say what to do", async () => {
    const { id, coach, etag } = await inviteCandidate(newMunicipality());
    const patch = (ifMatch: string, caseManager: string) =>
      call("PATCH", `/api/candidates/${id}`, { token: coach, headers: { "if-match": ifMatch }, body: { admin: { caseManager } } });

    const any = await patch("*", "A");
    const listed = await patch(`"other", ${any.headers.etag}`, "B");
    const stale = await patch(etag, "C");
    const foreign = await call("GET", "/api/candidates?continuation=eyJ4IjoxfQ.AAAA", { token: coach });

    expect([any.status, listed.status]).toEqual([200, 200]);
    expect(stale.body).toMatchObject({
      status: 412,
      title: "Precondition Failed",
      detail: "the candidate was changed since you read it; read it again and reapply your change",
    });
    expect(foreign.body).toMatchObject({
      status: 400,
      title: "Bad Request",
      detail: "the continuation token does not belong to this query; start again without it",
      errors: [{ path: "continuation", message: "not a token this query returned, or altered" }],
    });
    expect((await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${id}`, { token: coach })).body.admin.caseManager).toBe("B");
  });
});
