import { beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes } from "../shared/http/routes.js";
import { ROLES, STAFF_ROLES, type Role } from "../shared/domain/roles.js";
import { buildAdmin, inviteCandidate, newMunicipality, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call, type CallOptions } from "./support/http.js";
import { badTokens } from "./support/tokens.js";

/**
 * The authorisation table: every route × every caller. Callers are each role in the
 * candidate's own municipality, each staff role of another municipality, no token, and
 * each kind of bad token. A cell is the expected status.
 */
type Caller = Role | `${Role}@other` | "anonymous" | keyof Awaited<ReturnType<typeof badTokens>>;

interface Fixture {
  municipality: string;
  candidateId: string;
}

interface Row {
  route: string;
  /** Builds a fresh request (some cells consume an invitation code). */
  request: (f: Fixture) => Promise<CallOptions & { path: string }>;
  allowed: Partial<Record<Caller, number>>;
}

const id = (f: Fixture) => f.candidateId;
const ROWS: Row[] = [
  { route: "GET /health", request: async () => ({ path: "/api/health" }), allowed: everyone(200) },
  { route: "GET /terms", request: async () => ({ path: "/api/terms" }), allowed: everyone(200) },
  { route: "GET /openapi.json", request: async () => ({ path: "/api/openapi.json" }), allowed: everyone(200) },
  {
    route: "POST /candidates",
    request: async () => ({ path: "/api/candidates", body: { admin: buildAdmin() } }),
    allowed: { coach: 201, "coach@other": 201 },
  },
  { route: "GET /candidates", request: async () => ({ path: "/api/candidates" }), allowed: { coach: 200, "coach@other": 200 } },
  { route: "GET /candidates/{id}", request: async (f) => ({ path: `/api/candidates/${id(f)}` }), allowed: { coach: 200, "coach@other": 404 } },
  {
    route: "PATCH /candidates/{id}",
    request: async (f) => ({ path: `/api/candidates/${id(f)}`, body: { admin: { caseManager: "T. Able" } } }),
    allowed: { coach: 200, "coach@other": 404 },
  },
  {
    route: "POST /invitations/redeem",
    request: async (f) => ({ path: "/api/invitations/redeem", body: { code: (await inviteCandidate(f.municipality)).code } }),
    allowed: { candidate: 200 },
  },
  { route: "GET /me/profile", request: async () => ({ path: "/api/me/profile" }), allowed: { candidate: 200 } },
  { route: "PATCH /me/profile", request: async () => ({ path: "/api/me/profile", body: { profile: { residence: "Ede" } } }), allowed: { candidate: 200 } },
  { route: "DELETE /me/profile", request: async () => ({ path: "/api/me/profile" }), allowed: { candidate: 204 } },
  { route: "POST /me/terms", request: async () => ({ path: "/api/me/terms", body: { version: "2026-11" } }), allowed: { candidate: 200 } },
];

function everyone(status: number): Row["allowed"] {
  return new Proxy({}, { get: () => status });
}

const BAD = ["anonymous", "malformed", "expired", "notYetValid", "wrongAudience", "wrongIssuer", "noExpiry", "otherKey", "algNone", "staffWithoutMfa"] as const;
const CALLERS: Caller[] = [...BAD, ...ROLES, ...STAFF_ROLES.map((r) => `${r}@other` as const)];

/** What a caller not named in a row gets: 401 without a valid token, else 403. */
const denied = (caller: Caller) => ((BAD as readonly string[]).includes(caller) ? 401 : 403);

let fixture: Fixture;
let tokens: Record<string, string | undefined>;

beforeAll(async () => {
  const municipality = newMunicipality();
  const other = newMunicipality();
  const candidate = await signedUpCandidate(municipality);
  fixture = { municipality, candidateId: candidate.id };
  tokens = { anonymous: undefined, ...(await badTokens(municipality)), candidate: candidate.token };
  for (const role of ROLES.filter((r) => r !== "candidate")) {
    tokens[role] = await tokenFor(role, municipality);
    if (STAFF_ROLES.includes(role)) tokens[`${role}@other`] = await tokenFor(role, other);
  }
});

describe("authorisation table", () => {
  it("lists every registered route", () => {
    expect(ROWS.map((r) => r.route).sort()).toEqual(registeredRoutes.map((r) => `${r.spec.method} /${r.spec.path}`).sort());
  });

  for (const row of ROWS) {
    describe(row.route, () => {
      for (const caller of CALLERS) {
        const expected = row.allowed[caller] ?? denied(caller);
        it(`${caller} → ${expected}`, async () => {
          // A fresh unlinked candidate account redeems; the linked one uses /me routes.
          const token = row.route === "POST /invitations/redeem" && caller === "candidate" ? await tokenFor("candidate") : tokens[caller];
          const { path, ...options } = await row.request(fixture);
          const res = await call(row.route.split(" ")[0]!, path, { ...options, ...(token ? { token } : {}) });
          expect(res.status).toBe(expected);
          if (expected >= 400) expect(res.body).toMatchObject({ status: expected, title: expect.any(String), detail: expect.any(String) });
        });
      }
    });
  }

  it("when a coach of another municipality lists candidates, then the candidate is not among them", async () => {
    const res = await call("GET", "/api/candidates", { token: tokens["coach@other"]! });
    expect(res.body.items.map((c: { id: string }) => c.id)).not.toContain(fixture.candidateId);
  });
});
