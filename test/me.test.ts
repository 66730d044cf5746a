import { describe, expect, it } from "vitest";
import { auditTrail } from "../shared/data/audit.js";
import { blobContainer, candidatePrefix } from "../shared/storage/blob.js";
import { inviteCandidate, newMunicipality, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { testClock } from "./support/runtime.js";
import { anyString, matching } from "./support/matchers.js";

describe("POST /invitations/redeem", () => {
  it("when a candidate redeems a fresh code, then the account is linked and the candidate becomes active", async () => {
    const m = newMunicipality();
    const invited = await inviteCandidate(m);
    const token = await tokenFor("candidate");

    const res = await call<Schema<"RedeemedCandidate">>("POST", "/api/invitations/redeem", { token, body: { code: invited.code } });

    expect(res.status).toBe(200);
    expect(res.body.kind).toBe("candidate");
    expect(res.body.candidate).toMatchObject({ id: invited.id, status: "active", municipalityId: m });
    const me = await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token });
    expect(me.body.id).toBe(invited.id);
    const coachView = await call<Schema<"CandidateStaffView">>("GET", `/api/candidates/${invited.id}`, { token: invited.coach });
    expect(coachView.body.status).toBe("active");
  });

  it("when the code was used already, then 409 for anyone", async () => {
    const { code } = await signedUpCandidate(newMunicipality());
    const res = await call("POST", "/api/invitations/redeem", { token: await tokenFor("candidate"), body: { code } });
    expect(res.status).toBe(409);
  });

  it("when two people redeem the same code at once, then exactly one wins", async () => {
    const { code } = await inviteCandidate(newMunicipality());
    const tokens = await Promise.all([tokenFor("candidate"), tokenFor("candidate"), tokenFor("candidate")]);

    const results = await Promise.all(tokens.map((token) => call("POST", "/api/invitations/redeem", { token, body: { code } })));

    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const linked = await Promise.all(tokens.map((token) => call("GET", "/api/me/profile", { token })));
    expect(linked.map((r) => r.status).sort()).toEqual([200, 404, 404]);
  });

  it("when the code is older than 30 days, then 410; when unknown, 404", async () => {
    const { code } = await inviteCandidate(newMunicipality());
    testClock.set(() => new Date(Date.now() + 31 * 86_400_000));
    const token = await tokenFor("candidate");

    const expired = await call("POST", "/api/invitations/redeem", { token, body: { code } });
    const unknown = await call("POST", "/api/invitations/redeem", { token, body: { code: "A".repeat(43) } });

    expect(expired.status).toBe(410);
    expect(unknown.status).toBe(404);
  });

  it("when an account that is already linked redeems another code, then 409 and the code stays usable", async () => {
    const m = newMunicipality();
    const linked = await signedUpCandidate(m);
    const other = await inviteCandidate(m);

    const res = await call("POST", "/api/invitations/redeem", { token: linked.token, body: { code: other.code } });

    expect(res.status).toBe(409);
    const fresh = await call("POST", "/api/invitations/redeem", { token: await tokenFor("candidate"), body: { code: other.code } });
    expect(fresh.status).toBe(200);
  });
});

describe("/me/profile", () => {
  it("when not linked yet, then 404 telling to redeem the code", async () => {
    const res = await call<Problem>("GET", "/api/me/profile", { token: await tokenFor("candidate") });
    expect(res.status).toBe(404);
    expect(res.body.detail).toMatch(/redeem/);
  });

  it("when the candidate reads their record, then it includes the target groups staff recorded", async () => {
    const { token } = await signedUpCandidate(newMunicipality(), { targetGroups: { bbl: true } });
    const res = await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token });
    expect(res.status).toBe(200);
    expect(res.body.admin.targetGroups?.bbl).toBe(true);
    expect(res.headers.etag).toMatch(/^".+"$/);
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("when the candidate patches the profile, then fields merge and are audited, without IP for candidates", async () => {
    const { token, id } = await signedUpCandidate(newMunicipality());
    await call("PATCH", "/api/me/profile", {
      token,
      body: { profile: { skills: ["koken"], availability: { hoursPerWeek: 24 }, physical: { lifting: "limited" } } },
    });

    const res = await call<Schema<"CandidateOwnView">>("PATCH", "/api/me/profile", {
      token,
      body: { profile: { availability: { days: ["mon", "tue"] }, skills: null, description: "Ik ben kok." } },
    });

    expect(res.status).toBe(200);
    expect(res.body.profile).toEqual({
      availability: { hoursPerWeek: 24, days: ["mon", "tue"] },
      physical: { lifting: "limited" },
      description: "Ik ben kok.",
    });
    const updates = (await auditTrail(id)).filter((e) => e.action === "update");
    expect(updates).toHaveLength(2);
    expect(updates[0]!.actor).toEqual({ sub: anyString, role: "candidate" });
  });

  it("when free text holds a BSN, then 400 telling not to enter it, and nothing is stored", async () => {
    const { token } = await signedUpCandidate(newMunicipality());

    const res = await call<Schema<"ValidationProblem">>("PATCH", "/api/me/profile", {
      token,
      body: {
        profile: {
          description: "Mijn BSN is 1112.22.333",
          workExperience: [{ employer: "Bakkerij", position: "hulp", description: "pas 123456782" }],
        },
      },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.path).sort()).toEqual(["profile.description", "profile.workExperience.0.description"]);
    expect(res.body.errors![0]!.message).toMatch(/citizen service number/);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token })).body.profile).toEqual({});
  });

  it("when a BSN is typed into any field (a list item, a nested item, spaced, dotted, dashed or fullwidth), then 400 names each path and nothing is stored", async () => {
    const { token } = await signedUpCandidate(newMunicipality());

    const res = await call<Schema<"ValidationProblem">>("PATCH", "/api/me/profile", {
      token,
      body: {
        profile: {
          residence: "111222333",
          sectors: ["zorg", "111 222 333"],
          preferredOccupations: ["111.222.333"],
          languages: [{ language: "111-222-333", level: "B1" }],
          education: [{ institution: "ROC", programme: "Zorg", level: "１１１２２２３３３" }],
          description: "mijn nummer: １１１２２２３３３",
        },
      },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.path).sort()).toEqual([
      "profile.description",
      "profile.education.0.level",
      "profile.languages.0.language",
      "profile.preferredOccupations.0",
      "profile.residence",
      "profile.sectors.1",
    ]);
    expect(res.body.errors!.every((e) => /citizen service number/.test(e.message))).toBe(true);
    const one = await call<Schema<"ValidationProblem">>("PATCH", "/api/me/profile", {
      token,
      body: { profile: { sectors: ["111222333"] } },
    });
    expect(one.status).toBe(400);
    expect(one.body.errors).toEqual([{ path: "profile.sectors.0", message: matching(/citizen service number/) }]);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token })).body.profile).toEqual({});
  });

  it("when nine digits in a list item fail the 11-check, then they are accepted", async () => {
    const { token } = await signedUpCandidate(newMunicipality());
    const res = await call<Schema<"CandidateOwnView">>("PATCH", "/api/me/profile", {
      token,
      body: { profile: { sectors: ["123456789"], residence: "123 456 789" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.profile).toEqual({ sectors: ["123456789"], residence: "123 456 789" });
  });

  it("when nine digits fail the 11-check (a phone-like number), then the text is accepted", async () => {
    const { token } = await signedUpCandidate(newMunicipality());
    const res = await call("PATCH", "/api/me/profile", { token, body: { profile: { freeText: "bel 123456789 of 0612345678" } } });
    expect(res.status).toBe(200);
  });

  it("when the candidate touches administrative fields or unknown ones, then it is refused and nothing changes", async () => {
    const { token, body } = await signedUpCandidate(newMunicipality());

    const admin = await call("PATCH", "/api/me/profile", { token, body: { admin: { firstName: "X" }, profile: { residence: "Ede" } } });
    const unknown = await call<Schema<"ValidationProblem">>("PATCH", "/api/me/profile", {
      token,
      body: { profile: { residence: "Ede", salary: 1 } },
    });
    const status = await call("PATCH", "/api/me/profile", { token, body: { status: "inactive" } });

    expect([admin.status, unknown.status, status.status]).toEqual([403, 400, 400]);
    expect(unknown.body.errors).toEqual([{ path: "profile.salary", message: "unknown field; remove it" }]);
    const after = await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token });
    expect(after.body.profile).toEqual({});
    expect(after.body.admin.firstName).toBe(body.admin.firstName);
    expect(after.body.status).toBe("active");
  });

  it("when If-Match is stale, then 412", async () => {
    const { token } = await signedUpCandidate(newMunicipality());
    const before = await call("GET", "/api/me/profile", { token });
    await call("PATCH", "/api/me/profile", { token, body: { profile: { residence: "Ede" } } });
    const res = await call("PATCH", "/api/me/profile", {
      token,
      headers: { "if-match": before.headers.etag! },
      body: { profile: { residence: "Zeist" } },
    });
    expect(res.status).toBe(412);
  });

  it("when the candidate erases the profile, then profile fields and every file under their prefix are gone, staff data stays", async () => {
    const m = newMunicipality();
    const { token, id, body } = await signedUpCandidate(m);
    await call("PATCH", "/api/me/profile", { token, body: { profile: { description: "over mij", skills: ["lassen"] } } });
    const files = await blobContainer("candidateFiles");
    await files.uploadBlockBlob(`${candidatePrefix(m, id)}cv/1`, "pdf bytes", 9);
    await files.uploadBlockBlob(`${candidatePrefix(m, id)}photo/2`, "jpg bytes", 9);
    const neighbour = await signedUpCandidate(m);
    await files.uploadBlockBlob(`${candidatePrefix(m, neighbour.id)}cv/3`, "keep me", 7);

    const res = await call("DELETE", "/api/me/profile", { token });

    expect(res.status).toBe(204);
    const after = await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token });
    expect(after.body.profile).toEqual({});
    expect(after.body.files).toEqual({});
    expect(after.body.admin).toEqual(body.admin);
    const left: string[] = [];
    for await (const blob of files.listBlobsFlat({ prefix: m })) left.push(blob.name);
    expect(left).toEqual([`${candidatePrefix(m, neighbour.id)}cv/3`]);
    expect((await auditTrail(id)).some((e) => e.action === "erase")).toBe(true);
  });
});

describe("terms", () => {
  it("when anyone asks, then the current version and its URL come back", async () => {
    const res = await call("GET", "/api/terms");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: anyString, url: matching(/^https:/) });
  });

  it("when the candidate accepts the current version, then it is recorded; another version is 409", async () => {
    const { token } = await signedUpCandidate(newMunicipality());
    const { version } = (await call<Schema<"Terms">>("GET", "/api/terms")).body;

    const old = await call("POST", "/api/me/terms", { token, body: { version: "1999-01" } });
    const ok = await call<Schema<"CandidateOwnView">>("POST", "/api/me/terms", { token, body: { version } });

    expect(old.status).toBe(409);
    expect(ok.status).toBe(200);
    expect(ok.body.terms).toEqual({ version, acceptedAt: anyString });
  });
});
