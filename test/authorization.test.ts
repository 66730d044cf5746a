import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes } from "../shared/http/routes.js";
import { ROLES, STAFF_ROLES } from "../shared/domain/roles.js";
import {
  buildAdmin,
  buildEmployer,
  buildVacancy,
  employerUser,
  inviteCandidate,
  newMunicipality,
  setReach,
  sharedCandidate,
  signedUpCandidate,
  tokenFor,
} from "./support/factories.js";
import { outboxNotifier } from "../shared/services/notifier.js";
import { call, type CallOptions, type Problem, type Schema } from "./support/http.js";
import { badTokens } from "./support/tokens.js";
import { jpeg, pdf } from "./support/files.js";
import { complete, upload } from "./support/uploads.js";
import { anyString } from "./support/matchers.js";

/**
 * Part 1, every route × every caller: each role of the fixture's home municipality, each
 * role of another municipality (`@other`), no token and each kind of bad token. A cell is the
 * expected status; a caller missing from a row gets 401 (no valid token) or 403.
 *
 * Cells run in any order: the fixture is made once and nothing changes it. A cell that changes
 * something (one expecting 2xx) gets fresh records of its own; refused cells change nothing.
 */
const BAD = [
  "anonymous",
  "malformed",
  "expired",
  "notYetValid",
  "wrongAudience",
  "wrongIssuer",
  "noExpiry",
  "otherKey",
  "algNone",
  "staffWithoutMfa",
] as const;
const CALLERS = [...BAD, ...ROLES, ...ROLES.map((r) => `${r}@other`)] as const;
type Caller = (typeof CALLERS)[number];

interface Fixture {
  readonly home: string;
  readonly other: string;
  /** A shared candidate of home, with a CV. */
  readonly candidateId: string;
  readonly employerId: string;
  /** The employer's vacancy. */
  readonly vacancyId: string;
  /** An upload of the fixture candidate that nobody else can complete. */
  readonly pendingUploadId: string;
  /** Each caller's token; the candidate's and employer's are the fixture's own. */
  readonly tokens: Readonly<Partial<Record<Caller, string>>>;
}

type Request = CallOptions & { path: string };

interface Row {
  route: string;
  /** The request of one cell; `changes`: the cell expects 2xx, so whatever it changes must be its own (a `token` here replaces the caller's). */
  request: (f: Fixture, caller: Caller, changes: boolean) => Request | Promise<Request>;
  allowed: Partial<Record<Caller, number>>;
}

/** The same status for a role at home and elsewhere. */
const both = (role: string, status: number, other = status): Partial<Record<Caller, number>> => ({
  [role]: status,
  [`${role}@other`]: other,
});

const everyone = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;

const municipalityOf = (f: Fixture, caller: Caller) => (caller.endsWith("@other") ? f.other : f.home);

/** An employer an account manager of `municipality` registers: its id and invitation code. */
async function newEmployer(municipality: string): Promise<{ id: string; invitationCode: string }> {
  const created = await call<Schema<"EmployerCreated">>("POST", "/api/employers", {
    token: await tokenFor("accountManager", municipality),
    body: buildEmployer(),
  });
  return created.body;
}

/** A vacancy of the employer, as its account manager posts it. */
async function newVacancy(municipality: string, employerId: string): Promise<string> {
  const created = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
    token: await tokenFor("accountManager", municipality),
    body: buildVacancy(employerId),
  });
  return created.body.id;
}

/** Redeeming needs a fresh code, and links an account: a fresh, unlinked one for each candidate or employer cell. */
async function redeemRequest(f: Fixture, caller: Caller) {
  const at = municipalityOf(f, caller);
  const path = "/api/invitations/redeem";
  if (caller.startsWith("employer")) {
    const { invitationCode } = await newEmployer(at);
    return { path, body: { code: invitationCode }, token: await tokenFor("employer", undefined, { sub: randomUUID() }) };
  }
  const { code } = await inviteCandidate(at);
  return {
    path,
    body: { code },
    ...(caller.startsWith("candidate") ? { token: await tokenFor("candidate", undefined, { sub: randomUUID() }) } : {}),
  };
}

/** The candidate a cell changes: a fresh one like the fixture's when it may change it, else the fixture's. */
const candidateToChange = async (f: Fixture, changes: boolean) => (changes ? (await sharedCandidate(f.home)).id : f.candidateId);

/** A candidate caller's own fresh record, as its token: one who accepted the terms and shares, like the fixture's. */
async function ownCandidate(f: Fixture, caller: Caller): Promise<{ token?: string }> {
  return caller.startsWith("candidate") ? { token: (await sharedCandidate(municipalityOf(f, caller))).token } : {};
}

const ROWS: Row[] = [
  { route: "GET /health", request: () => ({ path: "/api/health" }), allowed: everyone(200) },
  { route: "GET /health/ready", request: () => ({ path: "/api/health/ready" }), allowed: everyone(200) },
  { route: "GET /terms", request: () => ({ path: "/api/terms" }), allowed: everyone(200) },
  { route: "GET /openapi.json", request: () => ({ path: "/api/openapi.json" }), allowed: everyone(200) },
  {
    route: "POST /candidates",
    request: () => ({ path: "/api/candidates", body: { admin: buildAdmin() } }),
    allowed: both("coach", 201),
  },
  { route: "GET /candidates", request: () => ({ path: "/api/candidates" }), allowed: both("coach", 200) },
  {
    route: "GET /candidates/{id}",
    request: (f) => ({ path: `/api/candidates/${f.candidateId}` }),
    // The fixture candidate shares its profile; part 2 covers every visibility state.
    allowed: { ...both("coach", 200, 404), ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "PATCH /candidates/{id}",
    request: async (f, _caller, changes) => ({
      path: `/api/candidates/${await candidateToChange(f, changes)}`,
      body: { admin: { caseManager: "T. Able" } },
    }),
    allowed: both("coach", 200, 404),
  },
  {
    route: "PUT /candidates/{id}/employer-visibility",
    request: async (f, _caller, changes) => ({
      path: `/api/candidates/${await candidateToChange(f, changes)}/employer-visibility`,
      body: { hidden: false },
    }),
    allowed: both("coach", 200, 404),
  },
  {
    route: "PUT /candidates/{id}/status",
    request: async (f, _caller, changes) => ({
      path: `/api/candidates/${await candidateToChange(f, changes)}/status`,
      body: { status: "active" },
    }),
    allowed: { ...both("coach", 200, 404), ...both("admin", 200, 404) },
  },
  { route: "POST /invitations/redeem", request: redeemRequest, allowed: { ...both("candidate", 200), ...both("employer", 200) } },
  { route: "GET /me/profile", request: () => ({ path: "/api/me/profile" }), allowed: both("candidate", 200) },
  {
    route: "PATCH /me/profile",
    request: async (f, caller) => ({
      ...(await ownCandidate(f, caller)),
      path: "/api/me/profile",
      body: { profile: { residence: "Ede" } },
    }),
    allowed: both("candidate", 200),
  },
  {
    route: "DELETE /me/profile",
    request: async (f, caller) => ({ ...(await ownCandidate(f, caller)), path: "/api/me/profile" }),
    allowed: both("candidate", 204),
  },
  {
    route: "POST /me/terms",
    request: async (f, caller) => ({ ...(await ownCandidate(f, caller)), path: "/api/me/terms", body: { version: "2026-11" } }),
    allowed: both("candidate", 200),
  },
  {
    route: "PUT /me/sharing",
    request: async (f, caller) => ({ ...(await ownCandidate(f, caller)), path: "/api/me/sharing", body: { withEmployers: true } }),
    allowed: both("candidate", 200),
  },
  {
    route: "PUT /me/notifications",
    request: async (f, caller) => ({
      ...(await ownCandidate(f, caller)),
      path: "/api/me/notifications",
      body: { tips: false, vacancyAlerts: true },
    }),
    allowed: both("candidate", 200),
  },
  {
    route: "GET /search/candidates",
    request: () => ({ path: "/api/search/candidates?skill=lassen" }),
    allowed: { ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "POST /employers",
    request: () => ({ path: "/api/employers", body: buildEmployer() }),
    allowed: both("accountManager", 201),
  },
  { route: "GET /employers", request: () => ({ path: "/api/employers" }), allowed: both("accountManager", 200) },
  {
    route: "GET /employers/{id}",
    request: (f) => ({ path: `/api/employers/${f.employerId}` }),
    allowed: { ...both("accountManager", 200, 404), ...both("employer", 200, 404) },
  },
  {
    route: "PATCH /employers/{id}",
    request: async (f, _caller, changes) => ({
      path: `/api/employers/${changes ? (await newEmployer(f.home)).id : f.employerId}`,
      body: { contact: { phone: "030 7654321" } },
    }),
    allowed: both("accountManager", 200, 404),
  },
  { route: "GET /kvk/{kvkNumber}", request: () => ({ path: "/api/kvk/69599084" }), allowed: both("accountManager", 200) },
  {
    route: "POST /vacancies",
    request: (f) => ({
      path: "/api/vacancies",
      body: buildVacancy(f.employerId),
    }),
    // Elsewhere the employer is not one of the manager's municipality.
    allowed: both("accountManager", 201, 422),
  },
  {
    route: "GET /vacancies",
    request: () => ({ path: "/api/vacancies" }),
    allowed: { ...both("candidate", 200), ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "GET /vacancies/{id}",
    request: (f) => ({ path: `/api/vacancies/${f.vacancyId}` }),
    allowed: { ...both("candidate", 200, 404), ...both("accountManager", 200, 404), ...both("employer", 200, 404) },
  },
  {
    route: "PATCH /vacancies/{id}",
    request: async (f, _caller, changes) => ({
      path: `/api/vacancies/${changes ? await newVacancy(f.home, f.employerId) : f.vacancyId}`,
      body: { location: "Utrecht" },
    }),
    allowed: both("accountManager", 200, 404),
  },
  {
    route: "GET /vacancies/{id}/matches",
    // The fixture employer owns the vacancy; elsewhere it is not found. Part 2 covers which candidates come back.
    request: (f) => ({ path: `/api/vacancies/${f.vacancyId}/matches` }),
    allowed: { ...both("accountManager", 200, 404), ...both("employer", 200, 404) },
  },
  { route: "GET /me/matches", request: () => ({ path: "/api/me/matches" }), allowed: both("candidate", 200) },
  {
    route: "GET /me/saved-searches",
    request: () => ({ path: "/api/me/saved-searches" }),
    allowed: { ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "POST /me/saved-searches",
    request: () => ({ path: "/api/me/saved-searches", body: { name: "Lassers", filters: { skill: "lassen" } } }),
    allowed: { ...both("accountManager", 201), ...both("employer", 201) },
  },
  {
    route: "DELETE /me/saved-searches/{id}",
    // Those who may save searches delete one of their own; part 3 of test/saved-searches.test.ts tries others' ones.
    request: async (f, caller) => {
      if (!caller.startsWith("accountManager") && !caller.startsWith("employer")) return { path: `/api/me/saved-searches/${randomUUID()}` };
      const created = await call<Schema<"SavedSearch">>("POST", "/api/me/saved-searches", {
        token: f.tokens[caller]!,
        body: { name: "Weg", filters: {} },
      });
      return { path: `/api/me/saved-searches/${created.body.id}` };
    },
    allowed: { ...both("accountManager", 204), ...both("employer", 204) },
  },
  {
    route: "POST /me/uploads",
    request: async (f, caller) => ({
      ...(await ownCandidate(f, caller)),
      path: "/api/me/uploads",
      body: { kind: "cv", contentType: "application/pdf", size: 2000, fileName: "cv.pdf" },
    }),
    allowed: both("candidate", 201),
  },
  {
    route: "POST /me/uploads/{uploadId}/complete",
    // A candidate completes their own upload; everyone else tries the fixture candidate's.
    request: async (f, caller) => {
      const { token } = await ownCandidate(f, caller);
      if (!token) return { path: `/api/me/uploads/${f.pendingUploadId}/complete` };
      const { ticket } = await upload(token, "cv", "application/pdf", pdf());
      return { token, path: `/api/me/uploads/${ticket.uploadId}/complete` };
    },
    allowed: both("candidate", 200),
  },
  {
    route: "DELETE /me/files/{kind}",
    request: async (f, caller) => {
      const { token } = await ownCandidate(f, caller);
      if (!token) return { path: "/api/me/files/photo" };
      const { ticket } = await upload(token, "photo", "image/jpeg", jpeg());
      await complete(token, ticket.uploadId);
      return { token, path: "/api/me/files/photo" };
    },
    allowed: both("candidate", 204),
  },
  {
    route: "GET /candidates/{id}/files/{kind}",
    request: (f) => ({ path: `/api/candidates/${f.candidateId}/files/cv` }),
    allowed: { ...both("coach", 200, 404), ...both("accountManager", 200), ...both("employer", 200) },
  },
  {
    route: "POST /candidates/{id}/service-end",
    // A fresh candidate each cell: ending the service makes it inactive.
    request: async (f) => ({
      path: `/api/candidates/${(await inviteCandidate(f.home)).id}/service-end`,
      body: { endedOn: "2026-01-15", reason: "completed" },
    }),
    allowed: both("coach", 200, 404),
  },
  {
    route: "PUT /candidates/{id}/legal-hold",
    request: async (f, _caller, changes) => ({
      path: `/api/candidates/${await candidateToChange(f, changes)}/legal-hold`,
      body: { hold: false },
    }),
    allowed: both("admin", 200, 404),
  },
  {
    route: "DELETE /candidates/{id}",
    request: async (f) => ({ path: `/api/candidates/${(await inviteCandidate(f.home)).id}` }),
    allowed: { ...both("coach", 204, 404), ...both("admin", 204, 404) },
  },
  {
    route: "POST /integrations/service-ends",
    request: () => ({
      path: "/api/integrations/service-ends",
      body: { items: [{ clientNumber: "NOT-KNOWN", endedOn: "2026-01-15", reason: "aborted" }] },
    }),
    allowed: both("integration", 200),
  },
  {
    route: "POST /employers/{id}/end",
    request: async (f) => ({ path: `/api/employers/${(await newEmployer(f.home)).id}/end`, body: {} }),
    allowed: both("accountManager", 200, 404),
  },
  { route: "GET /me/export", request: () => ({ path: "/api/me/export" }), allowed: both("candidate", 200) },
  { route: "GET /me/access-log", request: () => ({ path: "/api/me/access-log" }), allowed: both("candidate", 200) },
  {
    route: "GET /candidates/{id}/export",
    request: (f) => ({ path: `/api/candidates/${f.candidateId}/export` }),
    allowed: { ...both("coach", 200, 404), ...both("admin", 200, 404) },
  },
  {
    route: "GET /candidates/{id}/access-log",
    request: (f) => ({ path: `/api/candidates/${f.candidateId}/access-log` }),
    allowed: { ...both("coach", 200, 404), ...both("admin", 200, 404) },
  },
  {
    route: "GET /signals",
    request: () => ({ path: "/api/signals" }),
    allowed: { ...both("coach", 200), ...both("accountManager", 200) },
  },
  {
    route: "POST /signals/{id}/read",
    // A signal in the home municipality's outbox for each cell: the account managers' kind for them, the coaches' for everyone else.
    request: async (f, caller) => {
      const id = `signal-${randomUUID()}`;
      const base = { id, municipalityId: f.home, createdAt: new Date().toISOString() };
      await outboxNotifier.send(
        caller.startsWith("accountManager")
          ? {
              ...base,
              audience: "accountManager",
              type: "viewLimitNear",
              employerId: f.employerId,
              day: "2026-11-28",
              candidatesShown: 400,
              limit: 500,
            }
          : { ...base, audience: "coach", type: "retentionDue", candidateId: f.candidateId, deleteOn: "2027-01-01" },
      );
      return { path: `/api/signals/${id}/read` };
    },
    allowed: { ...both("coach", 200, 404), ...both("accountManager", 200, 404) },
  },
  {
    route: "GET /admin/retention/preview",
    request: () => ({ path: "/api/admin/retention/preview?withinDays=30" }),
    allowed: both("admin", 200),
  },
  {
    route: "POST /admin/retention/run",
    request: () => ({ path: "/api/admin/retention/run", body: { dryRun: true } }),
    allowed: both("admin", 200),
  },
  {
    route: "POST /admin/retention/replay-deletions",
    request: () => ({
      path: "/api/admin/retention/replay-deletions",
      body: { since: new Date(Date.now() - 3_600_000).toISOString() },
    }),
    allowed: both("admin", 200),
  },
  {
    route: "GET /reports/summary",
    request: () => ({ path: "/api/reports/summary" }),
    // Each staff member sees their own municipality's figures, wherever the fixture lives.
    allowed: { ...both("teamLead", 200), ...both("admin", 200) },
  },
  { route: "GET /municipality/settings", request: () => ({ path: "/api/municipality/settings" }), allowed: both("admin", 200) },
  {
    route: "PUT /municipality/settings",
    // An admin changes the settings of a municipality of their own: the fixture's reach stays as it is.
    request: async (_f, _caller, changes) => ({
      ...(changes ? { token: await tokenFor("admin", newMunicipality("settings")) } : {}),
      path: "/api/municipality/settings",
      body: { employerReach: "all" },
    }),
    allowed: both("admin", 200),
  },
];

const denied = (caller: Caller) => ((BAD as readonly string[]).includes(caller) ? 401 : 403);

let fixture: Fixture;

beforeAll(async () => {
  const home = newMunicipality("home");
  const other = newMunicipality("other");
  const candidate = await sharedCandidate(home);
  const cv = await upload(candidate.token, "cv", "application/pdf", pdf());
  await complete(candidate.token, cv.ticket.uploadId);
  const pending = await upload(candidate.token, "cv", "application/pdf", pdf());
  const employer = await employerUser(home);
  const tokens: Partial<Record<Caller, string>> = {
    ...(await badTokens(home)),
    candidate: candidate.token,
    employer: employer.token,
    "candidate@other": (await signedUpCandidate(other)).token,
    "employer@other": (await employerUser(other)).token,
  };
  for (const role of [...STAFF_ROLES, "integration" as const]) {
    tokens[role] = await tokenFor(role, home);
    tokens[`${role}@other`] = await tokenFor(role, other);
  }
  fixture = {
    home,
    other,
    candidateId: candidate.id,
    employerId: employer.id,
    vacancyId: await newVacancy(home, employer.id),
    pendingUploadId: pending.ticket.uploadId,
    tokens,
  };
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
          const token = fixture.tokens[caller];
          const { path, ...options } = await row.request(fixture, caller, expected < 300);
          const res = await call(method, path, { ...(token ? { token } : {}), ...options });
          expect(res.status, JSON.stringify(res.body)).toBe(expected);
          if (expected >= 400)
            expect(res.body).toMatchObject({
              status: expected,
              title: anyString,
              detail: anyString,
            });
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

const STAFF_FIELDS = [
  "admin",
  "createdAt",
  "employerVisibility",
  "files",
  "id",
  "municipalityId",
  "profile",
  "sharing",
  "status",
  "terms",
  "updatedAt",
];
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
        (
          await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
            token: employer.accountManager,
            body: buildVacancy(employer.id, { requiredSkills: [word] }),
          })
        ).body.id;
      for (const state of STATES) {
        const word = `woord${randomUUID().slice(0, 8)}`;
        const c = await sharedCandidate(home, { description: `Kandidaat ${word}`, skills: [word] }, { caseManager: "K. Manager" });
        if (state === "notShared") await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: false } });
        if (state === "hidden") {
          await call("PUT", `/api/candidates/${c.id}/employer-visibility`, {
            token: c.coach,
            body: { hidden: true, reason: "onjuist profiel" },
          });
        }
        if (state === "inactive") await call("PUT", `/api/candidates/${c.id}/status`, { token: c.coach, body: { status: "inactive" } });
        setups[`${reach}/${state}`] = {
          candidateId: c.id,
          word,
          home,
          vacancies: { home: await vacancy(employers.home, word), other: await vacancy(employers.other, word) },
        };
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

          const res = await call<Schema<"CandidateStaffView"> | Schema<"CandidateEmployerView"> | Problem>(
            "GET",
            `/api/candidates/${candidateId}`,
            { token },
          );

          if (sight === 404) {
            expect(res.status).toBe(404);
            expect(res.body).not.toHaveProperty("admin");
          } else {
            expect(res.status).toBe(200);
            expect(Object.keys(res.body).sort()).toEqual(sight === "staff" ? STAFF_FIELDS : EMPLOYER_FIELDS);
            const admin = "admin" in res.body ? res.body.admin : undefined;
            if (sight === "employer") expect(Object.keys(admin!).sort()).toEqual(EMPLOYER_ADMIN_FIELDS);
            else expect(admin).toMatchObject({ clientNumber: anyString, caseManager: "K. Manager" });
          }
          if (reader.startsWith("coach")) return; // coaches do not search
          const found = await call<Schema<"CandidateSearchPage">>("GET", `/api/search/candidates?q=${word}`, { token });
          expect(found.status).toBe(200);
          expect(found.body.items.map((c) => c.id)).toEqual(sight === 404 ? [] : [candidateId]);
          // Matches follow search exactly: the caller's own vacancy requiring the word finds the candidate only where search does.
          const vacancyId = setups[`${reach}/${state}`]!.vacancies[reader.endsWith("@other") ? "other" : "home"];
          const matched = await call<Schema<"CandidateMatchPage">>("GET", `/api/vacancies/${vacancyId}/matches`, { token });
          expect(matched.status).toBe(200);
          expect(matched.body.items.map((c) => c.id)).toEqual(sight === 404 ? [] : [candidateId]);
          if (sight === "employer") expect(Object.keys(matched.body.items[0]!.admin).sort()).toEqual(EMPLOYER_ADMIN_FIELDS);
        });
      }
    }
  }
});
