import { randomUUID } from "node:crypto";
import { mintLocalToken } from "../../shared/auth/local-issuer.js";
import type { AdminFields } from "../../shared/domain/candidate.js";
import type { Role } from "../../shared/domain/roles.js";
import { call } from "./http.js";

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
  const res = await call("POST", "/api/candidates", { token: coach, body: { admin: buildAdmin(overrides) } });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { coach, id: res.body.id as string, code: res.body.invitationCode as string, etag: res.headers.etag!, body: res.body };
}

/** An invited candidate who signed in and redeemed the code. */
export async function signedUpCandidate(municipality: string, overrides: Partial<AdminFields> = {}) {
  const invited = await inviteCandidate(municipality, overrides);
  const sub = `cand-${randomUUID()}`;
  const token = await tokenFor("candidate", undefined, { sub });
  const res = await call("POST", "/api/invitations/redeem", { token, body: { code: invited.code } });
  if (res.status !== 200) throw new Error(`redeem failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...invited, sub, token, etag: res.headers.etag! };
}
