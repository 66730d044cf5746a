import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { config, LOCAL_AUDIENCE, LOCAL_ISSUER, type Config } from "../config/index.js";
import { AppError, dependencyUnavailable, unauthorized } from "../domain/errors.js";
import { hasMunicipalityClaim, isStaff, ROLES, type Principal, type Role } from "../domain/roles.js";
import { keepBounded, runtime } from "../runtime.js";
import { localPublicJwk } from "./local-issuer.js";

const ALGORITHMS = ["RS256", "ES256"];

export interface Verifier {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

/** A token already verified, and until when it holds. */
export interface Verified {
  principal: Principal;
  exp: number;
}

// One key set per instance; jose's remote set caches keys and refetches on an unknown kid.
function getVerifier(c: Config): Promise<Verifier> {
  const memory = runtime().memory;
  memory.verifier ??= buildVerifier(c).catch((err: unknown) => {
    memory.verifier = undefined; // a failed discovery must not stick
    throw err;
  });
  return memory.verifier;
}

async function buildVerifier(c: Config): Promise<Verifier> {
  if (c.AUTH_LOCAL_ISSUER) {
    const jwk = await localPublicJwk(c.LOCAL_ISSUER_KEY_FILE);
    return { keys: createLocalJWKSet({ keys: [jwk] }), issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE };
  }
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = c;
  // The configuration requires these without the local issuer (shared/config); here the type learns it.
  if (!issuer || !audience) throw new Error("without the local issuer, AUTH_ISSUER and AUTH_AUDIENCE are required");
  let jwksUrl = c.AUTH_JWKS_URL;
  if (!jwksUrl && c.AUTH_OIDC_DISCOVERY_URL) {
    const res = await fetch(c.AUTH_OIDC_DISCOVERY_URL, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw dependencyUnavailable("the identity provider could not be reached; try again shortly", 30);
    jwksUrl = ((await res.json()) as { jwks_uri: string }).jwks_uri;
  }
  if (!jwksUrl) throw new Error("without the local issuer, AUTH_JWKS_URL or AUTH_OIDC_DISCOVERY_URL is required");
  return { keys: createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 }), issuer, audience };
}

function explain(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof joseErrors.JWTExpired) return unauthorized("the token has expired; sign in again");
  if (err instanceof joseErrors.JWTClaimValidationFailed) return unauthorized(`the token's ${err.claim} claim is not accepted`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return unauthorized("the token's signing algorithm is not accepted (RS256 or ES256)");
  if (err instanceof joseErrors.JWKSTimeout)
    return dependencyUnavailable("the identity provider's keys could not be fetched; try again shortly", 30);
  return unauthorized("the token could not be verified");
}

function claimRoles(payload: JWTPayload, claim: string): Role[] {
  const raw = payload[claim];
  const values = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  return values.filter((v): v is Role => ROLES.includes(v as Role));
}

function hasMfa(payload: JWTPayload, c: Config): boolean {
  const amr = payload[c.AUTH_AMR_CLAIM];
  if (Array.isArray(amr) && amr.includes("mfa")) return true;
  const acrs = payload.acrs;
  return Array.isArray(acrs) && acrs.some((v) => c.AUTH_MFA_ACRS.includes(String(v)));
}

const MUNICIPALITY_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;
/**
 * A user's `sub`: Entra ID's are base64url (43 characters), the local issuer's `cand-<uuid>`;
 * others use `:`, `@` or `|`. It becomes a Cosmos DB id, which may not hold `/`, `\`, `?` or `#`.
 */
const SUBJECT = /^[A-Za-z0-9._~:@|-]{1,256}$/;

// Tokens already verified (the runtime's memory), until they expire: a client sends the same token
// many times, and a signature check costs more than the Cosmos point read it guards. Bounded, oldest out first.
const VERIFIED_LIMIT = 5_000;

/** Verifies `Authorization: Bearer …` strictly and reduces it to a Principal, or throws 401. */
export async function authenticate(authorization: string | null, ip?: string): Promise<Principal> {
  const c = config();
  const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? "")?.[1];
  if (!token) throw unauthorized("send an access token as 'Authorization: Bearer <token>'", "invalid_request");
  const verified = runtime().memory.verifiedTokens;
  const hit = verified.get(token);
  if (hit && Date.now() / 1000 <= hit.exp + c.AUTH_CLOCK_TOLERANCE_SECONDS) return withIp(hit.principal, ip);
  verified.delete(token);

  const principal = await verify(token, c);
  keepBounded(verified, token, principal, VERIFIED_LIMIT);
  return withIp(principal.principal, ip);
}

/** Staff requests carry the caller's IP for the usage log; others never do. */
const withIp = (p: Principal, ip: string | undefined): Principal => (isStaff(p.role) && ip ? { ...p, ip } : p);

async function verify(token: string, c: Config): Promise<Verified> {
  let payload: JWTPayload;
  try {
    const v = await getVerifier(c);
    ({ payload } = await jwtVerify(token, v.keys, {
      algorithms: ALGORITHMS,
      issuer: v.issuer,
      audience: v.audience,
      clockTolerance: c.AUTH_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp", "sub"],
    }));
  } catch (err) {
    throw explain(err);
  }

  const sub = payload.sub;
  if (typeof sub !== "string" || !SUBJECT.test(sub)) throw unauthorized("the token's sub claim is not accepted");
  const [role, ...others] = claimRoles(payload, c.AUTH_ROLES_CLAIM);
  if (!role || others.length) throw new AppError(403, "Forbidden", "the token must carry exactly one platform role");
  const { exp } = payload; // required above (requiredClaims)
  if (exp === undefined) throw unauthorized("the token has no exp claim");
  if (!hasMunicipalityClaim(role)) return { principal: { sub, role }, exp };

  const municipality = payload[c.AUTH_MUNICIPALITY_CLAIM];
  if (typeof municipality !== "string" || !MUNICIPALITY_ID.test(municipality)) {
    throw new AppError(403, "Forbidden", `${role} tokens must name the municipality`);
  }
  if (role === "integration" && !c.AUTH_LOCAL_ISSUER) {
    const client = payload.azp ?? payload.appid;
    if (typeof client !== "string" || !c.AUTH_INTEGRATION_CLIENT_IDS.includes(client)) {
      throw new AppError(403, "Forbidden", "this client is not a registered integration (AUTH_INTEGRATION_CLIENT_IDS)");
    }
  }
  if (isStaff(role) && !hasMfa(payload, c)) {
    throw unauthorized("staff must sign in with two-factor authentication", "insufficient_user_authentication");
  }
  return { principal: { sub, role, municipalityId: municipality }, exp };
}
