import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes } from "../shared/http/routes.js";
import { ROLES, STAFF_ROLES } from "../shared/domain/roles.js";
import {
  buildAdmin,
  buildEmployer,
  employerUser,
  inviteCandidate,
  newMunicipality,
  setReach,
  sharedCandidate,
  signedUpCandidate,
  tokenFor,
} from "./support/factories.js";
import { outboxNotifier } from "../shared/services/notifier.js";
import { call, type CallOptions } from "./support/http.js";
import { badTokens } from "./support/tokens.js";
import { jpeg, pdf } from "./support/files.js";
import { complete, upload } from "./support/uploads.js";

/**
 * Part 1, every route × every caller: each role of the fixture's home municipality, each
 * role of another municipality (`@other`), no token and each kind of bad token. A cell is the
 * expected status; a caller missing from a row gets 401 (no valid token) or 403.
 */
const BAD = ["anonymous", "malformed", "expired", "notYetValid", "wrongAudience", "wrongIssuer", "noExpiry", "otherKey", "algNone", "staffWithoutMfa"] as const;
const CALLERS = [...BAD, ...ROLES, ...ROLES.map((r) => `${r}@other`)] as const;
type Caller = (typeof CALLERS)[number];

interface Fixture {
  home: string;
  other: string;
  candidateId: string;
  employerId: string;
  vacancyId: string;
}

interface Row {
  route: string;
  request: (f: Fixture, caller: Caller) => Promise<CallOptions & { path: string }>;
  allowed: Partial<Record<Caller, number>>;
}

/** The same status for a role at home and elsewhere. */
const both = (role: string, status: number, other = status): Partial<Record<Caller, number>> =>
  ({ [role]: status, [`${role}@other`]: other }) as Partial<Record<Caller, number>>;

const everyone = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;

/** Redeeming needs a fresh code (and a fresh account) for each successful cell. */
async function redeemRequest(f: Fixture, caller: Caller) {
  const at = caller.endsWith("@other") ? f.other : f.home;
  if (caller.startsWith("employer")) {
    const am = await tokenFor("accountManager", at);
    const created = await call("POST", "/api/employers", { token: am, body: buildEmployer() });
    return { path: "/api/invitations/redeem", body: { code: created.body.invitationCode } };
  }
  return { path: "/api/invitations/redeem", body: { code: (await inviteCandidate(at)).code } };
}

const ROWS: Row[] = [
  { route: "GET /health", request: async () => ({ path: "/api/health" }), allowed: everyone(200) },
  { route: "GET /health/ready", request: async () => ({ path: "/api/health/ready" }), allowed: everyone(200) },
  { route: "GET /terms", request: async () => ({ path: "/api/terms" }), allowed: everyone(200) },
  { route: "GET /openapi.json", request: async () => ({ path: "/api/openapi.json" }), allowed: everyone(200) },
  { route: "POST /candidates", request: async () => ({ path: "/api/candidates", body: { admin: buildAdmin() } }), allowed: both("coach", 201) },
  { route: "GET /candidates", request: async () => ({ path: "/api/candidates" }), allowed: both("coach", 200) },
  {
    route: "GET /candidates/{id}",
    request: async (f) => ({ path: `/api/candidates/${f.candidateId}` }),
    // The fixture candidate shares its profile; part 2 covers every visibility state.
    allowed: { ...both("coach", 200, 404), ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "PATCH /candidates/{id}",
    request: async (f) => ({ path: `/api/candidates/${f.candidateId}`, body: { admin: { caseManager: "T. Able" } } }),
    allowed: both("coach", 200, 404),
  },
  {
    route: "PUT /candidates/{id}/employer-visibility",
    request: async (f) => ({ path: `/api/candidates/${f.candidateId}/employer-visibility`, body: { hidden: false } }),
    allowed: both("coach", 200, 404),
  },
  {
    route: "PUT /candidates/{id}/status",
    request: async (f) => ({ path: `/api/candidates/${f.candidateId}/status`, body: { status: "active" } }),
    allowed: { ...both("coach", 200, 404), ...both("admin", 200, 404) },
  },
  { route: "POST /invitations/redeem", request: redeemRequest, allowed: { ...both("candidate", 200), ...both("employer", 200) } },
  { route: "GET /me/profile", request: async () => ({ path: "/api/me/profile" }), allowed: both("candidate", 200) },
  { route: "PATCH /me/profile", request: async () => ({ path: "/api/me/profile", body: { profile: { residence: "Ede" } } }), allowed: both("candidate", 200) },
  { route: "DELETE /me/profile", request: async () => ({ path: "/api/me/profile" }), allowed: both("candidate", 204) },
  { route: "POST /me/terms", request: async () => ({ path: "/api/me/terms", body: { version: "2026-11" } }), allowed: both("candidate", 200) },
  { route: "PUT /me/sharing", request: async () => ({ path: "/api/me/sharing", body: { withEmployers: true } }), allowed: both("candidate", 200) },
  { route: "PUT /me/notifications", request: async () => ({ path: "/api/me/notifications", body: { tips: false, vacancyAlerts: true } }), allowed: both("candidate", 200) },
  {
    route: "GET /search/candidates",
    request: async () => ({ path: "/api/search/candidates?skill=lassen" }),
    allowed: { ...both("accountManager", 200), ...both("employer", 200) },
  },
  { route: "POST /employers", request: async () => ({ path: "/api/employers", body: buildEmployer() }), allowed: both("accountManager", 201) },
  { route: "GET /employers", request: async () => ({ path: "/api/employers" }), allowed: both("accountManager", 200) },
  {
    route: "GET /employers/{id}",
    request: async (f) => ({ path: `/api/employers/${f.employerId}` }),
    allowed: { ...both("accountManager", 200, 404), ...both("employer", 200, 404) },
  },
  {
    route: "PATCH /employers/{id}",
    request: async (f) => ({ path: `/api/employers/${f.employerId}`, body: { contact: { phone: "030 7654321" } } }),
    allowed: both("accountManager", 200, 404),
  },
  { route: "GET /kvk/{kvkNumber}", request: async () => ({ path: "/api/kvk/69599084" }), allowed: both("accountManager", 200) },
  {
    route: "POST /vacancies",
    request: async (f) => ({
      path: "/api/vacancies",
      body: { employerId: f.employerId, title: "Lasser", description: "Lassen in de werkplaats", occupation: "lasser", sector: "metaal" },
    }),
    // Elsewhere the employer is not one of the manager's municipality.
    allowed: both("accountManager", 201, 422),
  },
  {
    route: "GET /vacancies",
    request: async () => ({ path: "/api/vacancies" }),
    allowed: { ...both("candidate", 200), ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "GET /vacancies/{id}",
    request: async (f) => ({ path: `/api/vacancies/${f.vacancyId}` }),
    allowed: { ...both("candidate", 200, 404), ...both("accountManager", 200, 404), ...both("employer", 200, 404) },
  },
  {
    route: "PATCH /vacancies/{id}",
    request: async (f) => ({ path: `/api/vacancies/${f.vacancyId}`, body: { location: "Utrecht" } }),
    allowed: both("accountManager", 200, 404),
  },
  {
    route: "GET /vacancies/{id}/matches",
    // The fixture employer owns the vacancy; elsewhere it is not found. Part 2 covers which candidates come back.
    request: async (f) => ({ path: `/api/vacancies/${f.vacancyId}/matches` }),
    allowed: { ...both("accountManager", 200, 404), ...both("employer", 200, 404) },
  },
  { route: "GET /me/matches", request: async () => ({ path: "/api/me/matches" }), allowed: both("candidate", 200) },
  {
    route: "GET /me/saved-searches",
    request: async () => ({ path: "/api/me/saved-searches" }),
    allowed: { ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "POST /me/saved-searches",
    request: async () => ({ path: "/api/me/saved-searches", body: { name: "Lassers", filters: { skill: "lassen" } } }),
    allowed: { ...both("accountManager", 201), ...both("employer", 201) },
  },
  {
    route: "DELETE /me/saved-searches/{id}",
    // Those who may save searches delete one of their own; part 3 of test/saved-searches.test.ts tries others' ones.
    request: async (_f, caller) => {
      if (!caller.startsWith("accountManager") && !caller.startsWith("employer")) return { path: `/api/me/saved-searches/${randomUUID()}` };
      const created = await call("POST", "/api/me/saved-searches", { token: tokens[caller]!, body: { name: "Weg", filters: {} } });
      return { path: `/api/me/saved-searches/${created.body.id}` };
    },
    allowed: { ...both("accountManager", 204), ...both("employer", 204) },
  },
  {
    route: "POST /me/uploads",
    request: async () => ({ path: "/api/me/uploads", body: { kind: "cv", contentType: "application/pdf", size: 2000, fileName: "cv.pdf" } }),
    allowed: both("candidate", 201),
  },
  {
    route: "POST /me/uploads/{uploadId}/complete",
    // A candidate completes their own upload; everyone else tries the fixture candidate's.
    request: async (_f, caller) => {
      if (caller.startsWith("candidate")) {
        const { ticket } = await upload(tokens[caller]!, "cv", "application/pdf", pdf());
        return { path: `/api/me/uploads/${ticket.uploadId}/complete` };
      }
      // Nobody else can complete it, so one pending upload serves every other cell.
      foreignUpload ??= (await upload(tokens.candidate!, "cv", "application/pdf", pdf())).ticket.uploadId;
      return { path: `/api/me/uploads/${foreignUpload}/complete` };
    },
    allowed: both("candidate", 200),
  },
  {
    route: "DELETE /me/files/{kind}",
    request: async (_f, caller) => {
      if (caller.startsWith("candidate")) {
        const { ticket } = await upload(tokens[caller]!, "photo", "image/jpeg", jpeg());
        await complete(tokens[caller]!, ticket.uploadId);
      }
      return { path: "/api/me/files/photo" };
    },
    allowed: both("candidate", 204),
  },
  {
    route: "GET /candidates/{id}/files/{kind}",
    // Other rows erase the fixture's files (DELETE /me/profile): give it a CV for each cell.
    request: async (f) => {
      const { ticket } = await upload(tokens.candidate!, "cv", "application/pdf", pdf());
      await complete(tokens.candidate!, ticket.uploadId);
      return { path: `/api/candidates/${f.candidateId}/files/cv` };
    },
    allowed: { ...both("coach", 200, 404), ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "POST /candidates/{id}/service-end",
    // A fresh candidate each cell: ending the service makes it inactive.
    request: async (f) => ({ path: `/api/candidates/${(await inviteCandidate(f.home)).id}/service-end`, body: { endedOn: "2026-01-15", reason: "completed" } }),
    allowed: both("coach", 200, 404),
  },
  {
    route: "PUT /candidates/{id}/legal-hold",
    request: async (f) => ({ path: `/api/candidates/${f.candidateId}/legal-hold`, body: { hold: false } }),
    allowed: both("admin", 200, 404),
  },
  {
    route: "DELETE /candidates/{id}",
    request: async (f) => ({ path: `/api/candidates/${(await inviteCandidate(f.home)).id}` }),
    allowed: { ...both("coach", 204, 404), ...both("admin", 204, 404) },
  },
  {
    route: "POST /integrations/service-ends",
    request: async () => ({ path: "/api/integrations/service-ends", body: { items: [{ clientNumber: "NOT-KNOWN", endedOn: "2026-01-15", reason: "aborted" }] } }),
    allowed: both("integration", 200),
  },
  {
    route: "POST /employers/{id}/end",
    request: async (f) => {
      const am = await tokenFor("accountManager", f.home);
      const created = await call("POST", "/api/employers", { token: am, body: buildEmployer() });
      return { path: `/api/employers/${created.body.id}/end`, body: {} };
    },
    allowed: both("accountManager", 200, 404),
  },
  { route: "GET /me/export", request: async () => ({ path: "/api/me/export" }), allowed: both("candidate", 200) },
  { route: "GET /me/access-log", request: async () => ({ path: "/api/me/access-log" }), allowed: both("candidate", 200) },
  {
    route: "GET /candidates/{id}/export",
    request: async (f) => ({ path: `/api/candidates/${f.candidateId}/export` }),
    allowed: { ...both("coach", 200, 404), ...both("admin", 200, 404) },
  },
  {
    route: "GET /candidates/{id}/access-log",
    request: async (f) => ({ path: `/api/candidates/${f.candidateId}/access-log` }),
    allowed: { ...both("coach", 200, 404), ...both("admin", 200, 404) },
  },
  { route: "GET /signals", request: async () => ({ path: "/api/signals" }), allowed: { ...both("coach", 200), ...both("accountManager", 200) } },
  {
    route: "POST /signals/{id}/read",
    // A signal in the home municipality's outbox for each cell: the account managers' kind for them, the coaches' for everyone else.
    request: async (f, caller) => {
      const id = `signal-${randomUUID()}`;
      const base = { id, municipalityId: f.home, createdAt: new Date().toISOString() };
      await outboxNotifier.send(
        caller.startsWith("accountManager")
          ? { ...base, audience: "accountManager", type: "viewLimitNear", employerId: f.employerId, day: "2026-11-28", candidatesShown: 400, limit: 500 }
          : { ...base, audience: "coach", type: "retentionDue", candidateId: f.candidateId, deleteOn: "2027-01-01" },
      );
      return { path: `/api/signals/${id}/read` };
    },
    allowed: { ...both("coach", 200, 404), ...both("accountManager", 200, 404) },
  },
  { route: "GET /admin/retention/preview", request: async () => ({ path: "/api/admin/retention/preview?withinDays=30" }), allowed: both("admin", 200) },
  { route: "POST /admin/retention/run", request: async () => ({ path: "/api/admin/retention/run", body: { dryRun: true } }), allowed: both("admin", 200) },
  {
    route: "POST /admin/retention/replay-deletions",
    request: async () => ({ path: "/api/admin/retention/replay-deletions", body: { since: new Date(Date.now() - 3_600_000).toISOString() } }),
    allowed: both("admin", 200),
  },
  {
    route: "GET /reports/summary",
    request: async () => ({ path: "/api/reports/summary" }),
    // Each staff member sees their own municipality's figures, wherever the fixture lives.
    allowed: { ...both("teamLead", 200), ...both("admin", 200) },
  },
  { route: "GET /municipality/settings", request: async () => ({ path: "/api/municipality/settings" }), allowed: both("admin", 200) },
  {
    route: "PUT /municipality/settings",
    request: async () => ({ path: "/api/municipality/settings", body: { employerReach: "all" } }),
    allowed: both("admin", 200),
  },
];

let foreignUpload: string | undefined;

const denied = (caller: Caller) => ((BAD as readonly string[]).includes(caller) ? 401 : 403);

let fixture: Fixture;
const tokens: Partial<Record<Caller, string>> = {};

beforeAll(async () => {
  const home = newMunicipality("home");
  const other = newMunicipality("other");
  const candidate = await sharedCandidate(home);
  const employer = await employerUser(home);
  const am = await tokenFor("accountManager", home);
  const vacancy = await call("POST", "/api/vacancies", {
    token: am,
    body: { employerId: employer.id, title: "Lasser", description: "Lassen", occupation: "lasser", sector: "metaal" },
  });
  fixture = { home, other, candidateId: candidate.id, employerId: employer.id, vacancyId: vacancy.body.id };
  Object.assign(tokens, await badTokens(home), {
    candidate: candidate.token,
    employer: employer.token,
    "candidate@other": (await signedUpCandidate(other)).token,
    "employer@other": (await employerUser(other)).token,
  });
  for (const role of [...STAFF_ROLES, "integration" as const]) {
    tokens[role] = await tokenFor(role, home);
    tokens[`${role}@other`] = await tokenFor(role, other);
  }
});

describe("authorisation table: route × caller", () => {
  it("covers every registered route", () => {
    expect(ROWS.map((r) => r.route).sort()).toEqual(registeredRoutes.map((r) => `${r.spec.method} /${r.spec.path}`).sort());
  });

  for (const row of ROWS) {
    describe(row.route, () => {
      for (const caller of CALLERS) {
        const expected = row.allowed[caller] ?? denied(caller);
        it(`${caller} → ${expected}`, async () => {
          const method = row.route.split(" ")[0]!;
          // Redeeming links an account: a fresh, unlinked one for each cell.
          const fresh = method === "POST" && row.route.includes("redeem") && (caller.startsWith("candidate") || caller.startsWith("employer"));
          const token = fresh ? await tokenFor(caller.startsWith("employer") ? "employer" : "candidate", undefined, { sub: randomUUID() }) : tokens[caller];
          const { path, ...options } = await row.request(fixture, caller);
          const res = await call(method, path, { ...options, ...(token ? { token } : {}) });
          expect(res.status, JSON.stringify(res.body)).toBe(expected);
          if (expected >= 400) expect(res.body).toMatchObject({ status: expected, title: expect.any(String), detail: expect.any(String) });
        });
      }
    });
  }
});

/**
 * Part 2, who sees which candidate: every reader × own/other municipality × the candidate
 * shared / not shared / hidden / inactive × the candidate's municipality reaching all or only
 * its own. Each 200 cell names the exact fields; the same cells decide whether the candidate
 * turns up in a search, and among the matches of the reader's own vacancy.
 */
const STATES = ["shared", "notShared", "hidden", "inactive"] as const;
const REACHES = ["all", "ownMunicipality"] as const;
const READERS = ["coach", "coach@other", "accountManager", "accountManager@other", "employer", "employer@other"] as const;
type Reader = (typeof READERS)[number];

const STAFF_FIELDS = ["admin", "createdAt", "employerVisibility", "files", "id", "municipalityId", "profile", "sharing", "status", "terms", "updatedAt"];
const EMPLOYER_FIELDS = ["admin", "files", "id", "municipalityId", "profile", "status", "updatedAt"];
const EMPLOYER_ADMIN_FIELDS = ["directlyReachable", "email", "firstName", "lastName", "phone", "targetGroups"];

function expectedSight(reader: Reader, state: (typeof STATES)[number], reach: (typeof REACHES)[number]): "staff" | "employer" | 404 {
  const atHome = !reader.endsWith("@other");
  if (reader.startsWith("coach")) return atHome ? "staff" : 404;
  if (reader === "accountManager") return "staff";
  const visible = state === "shared" && (atHome || reach === "all");
  return visible ? "employer" : 404;
}

describe("authorisation table: who sees which candidate", () => {
  const setups: Record<string, { candidateId: string; word: string; home: string; vacancies: { home: string; other: string } }> = {};
  const readers: Record<string, Record<Reader, string>> = {};

  beforeAll(async () => {
    const other = newMunicipality("other");
    for (const reach of REACHES) {
      const home = newMunicipality(reach === "all" ? "open" : "closed");
      await setReach(home, reach);
      const employers = { home: await employerUser(home), other: await employerUser(other) };
      readers[reach] = {
        coach: await tokenFor("coach", home),
        "coach@other": await tokenFor("coach", other),
        accountManager: await tokenFor("accountManager", home),
        "accountManager@other": await tokenFor("accountManager", other),
        employer: employers.home.token,
        "employer@other": employers.other.token,
      };
      // A vacancy requiring the state's word as a skill, at home and elsewhere: only that candidate can match it.
      const vacancy = async (employer: { id: string; accountManager: string }, word: string) =>
        (await call("POST", "/api/vacancies", {
          token: employer.accountManager,
          body: { employerId: employer.id, title: "Lasser", description: "Lassen", occupation: "lasser", sector: "metaal", requiredSkills: [word] },
        })).body.id as string;
      for (const state of STATES) {
        const word = `woord${randomUUID().slice(0, 8)}`;
        const c = await sharedCandidate(home, { description: `Kandidaat ${word}`, skills: [word] }, { caseManager: "K. Manager" });
        if (state === "notShared") await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: false } });
        if (state === "hidden") {
          await call("PUT", `/api/candidates/${c.id}/employer-visibility`, { token: c.coach, body: { hidden: true, reason: "onjuist profiel" } });
        }
        if (state === "inactive") await call("PUT", `/api/candidates/${c.id}/status`, { token: c.coach, body: { status: "inactive" } });
        setups[`${reach}/${state}`] = { candidateId: c.id, word, home, vacancies: { home: await vacancy(employers.home, word), other: await vacancy(employers.other, word) } };
      }
    }
  });

  for (const reach of REACHES) {
    for (const state of STATES) {
      for (const reader of READERS) {
        const sight = expectedSight(reader, state, reach);
        it(`reach ${reach}, ${state}, ${reader} → ${sight === 404 ? 404 : `200 ${sight} fields`}`, async () => {
          const { candidateId, word } = setups[`${reach}/${state}`]!;
          const token = readers[reach]![reader];

          const res = await call("GET", `/api/candidates/${candidateId}`, { token });

          if (sight === 404) {
            expect(res.status).toBe(404);
            expect(res.body.admin).toBeUndefined();
          } else {
            expect(res.status).toBe(200);
            expect(Object.keys(res.body).sort()).toEqual(sight === "staff" ? STAFF_FIELDS : EMPLOYER_FIELDS);
            if (sight === "employer") expect(Object.keys(res.body.admin).sort()).toEqual(EMPLOYER_ADMIN_FIELDS);
            else expect(res.body.admin).toMatchObject({ clientNumber: expect.any(String), caseManager: "K. Manager" });
          }
          if (reader.startsWith("coach")) return; // coaches do not search
          const found = await call("GET", `/api/search/candidates?q=${word}`, { token });
          expect(found.status).toBe(200);
          expect(found.body.items.map((c: { id: string }) => c.id)).toEqual(sight === 404 ? [] : [candidateId]);
          // Matches follow search exactly: the caller's own vacancy requiring the word finds the candidate only where search does.
          const vacancyId = setups[`${reach}/${state}`]!.vacancies[reader.endsWith("@other") ? "other" : "home"];
          const matched = await call("GET", `/api/vacancies/${vacancyId}/matches`, { token });
          expect(matched.status).toBe(200);
          expect(matched.body.items.map((c: { id: string }) => c.id)).toEqual(sight === 404 ? [] : [candidateId]);
          if (sight === "employer") expect(Object.keys(matched.body.items[0].admin).sort()).toEqual(EMPLOYER_ADMIN_FIELDS);
        });
      }
    }
  }
});
