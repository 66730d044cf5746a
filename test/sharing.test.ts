import { describe, expect, it } from "vitest";
import { auditTrail } from "../shared/data/audit.js";
import { inviteCandidate, newMunicipality, sharedCandidate, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { anyString } from "./support/matchers.js";

describe("PUT /me/sharing", () => {
  it("when the candidate has not accepted the current terms, then 409 and nothing is shared", async () => {
    const c = await signedUpCandidate(newMunicipality());
    const res = await call<Problem>("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: true } });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/terms/);
    expect((await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.sharing).toEqual({
      withEmployers: false,
    });
  });

  it("when the candidate shares and withdraws, then the record says so with a since date, and both are audited", async () => {
    const c = await sharedCandidate(newMunicipality());
    const shared = (await call<Schema<"CandidateOwnView">>("GET", "/api/me/profile", { token: c.token })).body.sharing;
    expect(shared).toEqual({ withEmployers: true, since: anyString });

    const off = await call<Schema<"CandidateOwnView">>("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: false } });

    expect(off.body.sharing).toEqual({ withEmployers: false });
    expect((await auditTrail(c.id)).filter((e) => e.action === "sharing")).toHaveLength(2);
  });
});

describe("PUT /candidates/{id}/employer-visibility and /status", () => {
  it("when a coach hides without a reason, then 400; with one, the reason is kept for staff", async () => {
    const c = await sharedCandidate(newMunicipality());
    const noReason = await call<Schema<"ValidationProblem">>("PUT", `/api/candidates/${c.id}/employer-visibility`, {
      token: c.coach,
      body: { hidden: true },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors?.[0]?.path).toBe("reason");

    const hidden = await call<Schema<"CandidateStaffView">>("PUT", `/api/candidates/${c.id}/employer-visibility`, {
      token: c.coach,
      body: { hidden: true, reason: "onjuiste gegevens" },
    });

    expect(hidden.status).toBe(200);
    expect(hidden.body.employerVisibility).toEqual({ hidden: true, reason: "onjuiste gegevens" });
    // The candidate's own choice is untouched.
    expect(hidden.body.sharing.withEmployers).toBe(true);
  });

  it("when staff set status, then inactive and active work; activating someone who never redeemed is 409", async () => {
    const m = newMunicipality();
    const c = await signedUpCandidate(m);
    const admin = await tokenFor("admin", m);
    expect(
      (await call<Schema<"CandidateStaffView">>("PUT", `/api/candidates/${c.id}/status`, { token: admin, body: { status: "inactive" } }))
        .body.status,
    ).toBe("inactive");
    expect(
      (await call<Schema<"CandidateStaffView">>("PUT", `/api/candidates/${c.id}/status`, { token: c.coach, body: { status: "active" } }))
        .body.status,
    ).toBe("active");
    const invited = await inviteCandidate(m);
    expect((await call("PUT", `/api/candidates/${invited.id}/status`, { token: invited.coach, body: { status: "active" } })).status).toBe(
      409,
    );
    expect((await call("PUT", `/api/candidates/${c.id}/status`, { token: c.coach, body: { status: "invited" } })).status).toBe(400);
  });
});
