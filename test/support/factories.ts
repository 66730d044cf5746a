import { randomUUID } from "node:crypto";
import { mintLocalToken } from "../../shared/auth/local-issuer.js";
import type { AdminFields } from "../../shared/domain/candidate.js";
import type { Role } from "../../shared/domain/roles.js";
import { call, type Schema } from "./http.js";

let counter = 0;

/** A municipality id of this test's own, so tests never see each other's data. */
export const newMunicipality = (name = "gem") => `${name}-${randomUUID().slice(0, 8)}`;

export function buildAdmin(overrides: Partial<AdminFields> = {}): AdminFields {
  counter++;
  return {
    clientNumber: `KL-${randomUUID().slice(0, 8)}`,
    firstName: "Fatima",
    lastName: `Jansen${counter}`,
    email: `fatima${counter}@example.org`,
    gender: "female",
    birthDate: "1990-04-01",
    postcode: "3511 AB",
    phone: "06 12345678",
    serviceType: "together",
    caseManager: "J. de Boer",
    directlyReachable: true,
    targetGroups: { jobAgreement: true, practiceRoute: false, bbl: false, tozo: false },
    ...overrides,
  };
}

export function tokenFor(role: Role, municipality?: string, o: { sub?: string; mfa?: boolean; ttlSeconds?: number } = {}) {
  return mintLocalToken(process.env.LOCAL_ISSUER_KEY_FILE!, {
    role,
    sub: o.sub ?? `${role}-${randomUUID()}`,
    ...(municipality ? { municipality } : {}),
    ...(o.mfa !== undefined ? { mfa: o.mfa } : {}),
    ...(o.ttlSeconds !== undefined ? { ttlSeconds: o.ttlSeconds } : {}),
  });
}

/** A coach invites a candidate through the API. */
export async function inviteCandidate(municipality: string, overrides: Partial<AdminFields> = {}) {
  const coach = await tokenFor("coach", municipality);
  const res = await call<Schema<"CandidateCreated">>("POST", "/api/candidates", { token: coach, body: { admin: buildAdmin(overrides) } });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { coach, id: res.body.id, code: res.body.invitationCode, etag: res.headers.etag!, body: res.body };
}

/** An invited candidate who signed in and redeemed the code. */
export async function signedUpCandidate(municipality: string, overrides: Partial<AdminFields> = {}) {
  const invited = await inviteCandidate(municipality, overrides);
  const sub = `cand-${randomUUID()}`;
  const token = await tokenFor("candidate", undefined, { sub });
  const res = await call<Schema<"Redeemed">>("POST", "/api/invitations/redeem", { token, body: { code: invited.code } });
  if (res.status !== 200 || res.body.kind !== "candidate") throw new Error(`redeem failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...invited, sub, token, etag: res.headers.etag! };
}

/** A candidate who accepted the terms and shares the profile with employers, with a profile filled in. */
export async function sharedCandidate(municipality: string, profile: Record<string, unknown> = {}, admin: Partial<AdminFields> = {}) {
  const c = await signedUpCandidate(municipality, admin);
  const { version } = (await call<Schema<"Terms">>("GET", "/api/terms")).body;
  await call("POST", "/api/me/terms", { token: c.token, body: { version } });
  const filled = await call("PATCH", "/api/me/profile", {
    token: c.token,
    body: { profile: { skills: ["lassen"], preferredOccupations: ["lasser"], description: "Ervaren lasser.", ...profile } },
  });
  if (filled.status !== 200) throw new Error(`profile failed: ${filled.status} ${JSON.stringify(filled.body)}`);
  const shared = await call("PUT", "/api/me/sharing", { token: c.token, body: { withEmployers: true } });
  if (shared.status !== 200) throw new Error(`sharing failed: ${shared.status} ${JSON.stringify(shared.body)}`);
  return c;
}

export const randomKvk = () => String(10_000_000 + Math.floor(Math.random() * 89_999_999));

export function buildEmployer(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    companyName: `Bedrijf ${counter} B.V.`,
    kvkNumber: randomKvk(),
    address: { street: "Dorpsstraat 1", postcode: "3511 AB", city: "Utrecht" },
    contact: { firstName: "Eva", lastName: "Smit", email: `eva${counter}@bedrijf.example`, phone: "030 1234567" },
    ...overrides,
  };
}

/** A vacancy's body for `POST /vacancies`: a welder's job at `employerId`, with `overrides`. */
export function buildVacancy(employerId: string, overrides: Record<string, unknown> = {}) {
  return { employerId, title: "Lasser", description: "Lassen", occupation: "lasser", sector: "metaal", ...overrides };
}

/** An account manager registers an employer, whose user signs in and redeems the code. */
export async function employerUser(municipality: string) {
  const accountManager = await tokenFor("accountManager", municipality);
  const created = await call<Schema<"EmployerCreated">>("POST", "/api/employers", { token: accountManager, body: buildEmployer() });
  if (created.status !== 201) throw new Error(`employer failed: ${created.status} ${JSON.stringify(created.body)}`);
  const sub = `emp-${randomUUID()}`;
  const token = await tokenFor("employer", undefined, { sub });
  const redeemed = await call<Schema<"Redeemed">>("POST", "/api/invitations/redeem", {
    token,
    body: { code: created.body.invitationCode },
  });
  if (redeemed.status !== 200 || redeemed.body.kind !== "employer")
    throw new Error(`employer redeem failed: ${redeemed.status} ${JSON.stringify(redeemed.body)}`);
  return { accountManager, id: created.body.id, token, sub };
}

export async function setReach(municipality: string, employerReach: "all" | "ownMunicipality") {
  const admin = await tokenFor("admin", municipality);
  const res = await call("PUT", "/api/municipality/settings", { token: admin, body: { employerReach } });
  if (res.status !== 200) throw new Error(`settings failed: ${res.status} ${JSON.stringify(res.body)}`);
}
