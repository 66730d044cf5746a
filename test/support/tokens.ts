import { readFile } from "node:fs/promises";
import { generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from "../../shared/config/index.js";
import { tokenFor } from "./factories.js";

/** Tokens that must be refused, signed (where they are signed at all) by the local issuer's key. */
async function localKey() {
  await tokenFor("coach", "x"); // makes sure the key exists
  const jwk = JSON.parse(await readFile(process.env.LOCAL_ISSUER_KEY_FILE!, "utf8")) as JWK;
  return { key: await importJWK(jwk, "ES256"), kid: jwk.kid! };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

export interface ClaimOverrides {
  [claim: string]: unknown;
}

/** A local-issuer token with claims replaced (or removed with `undefined`). */
export async function craftToken(overrides: ClaimOverrides = {}, signWith?: "otherKey"): Promise<string> {
  const { key, kid } = await localKey();
  const given: Record<string, unknown> = {
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    sub: "crafted-user",
    roles: ["coach"],
    municipality: "utrecht",
    amr: ["pwd", "mfa"],
    iat: now(),
    exp: now() + 600,
    ...overrides,
  };
  const claims = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const signingKey = signWith === "otherKey" ? (await generateKeyPair("ES256")).privateKey : key;
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid }).sign(signingKey);
}

/** The tokens every protected route must refuse with 401. */
export async function badTokens(municipality: string): Promise<Record<string, string>> {
  const base = { municipality };
  return {
    malformed: "not-a-jwt",
    expired: await craftToken({ ...base, iat: now() - 7200, exp: now() - 3600 }),
    notYetValid: await craftToken({ ...base, nbf: now() + 3600 }),
    wrongAudience: await craftToken({ ...base, aud: "api://someone-else" }),
    wrongIssuer: await craftToken({ ...base, iss: "https://evil.example" }),
    noExpiry: await craftToken({ ...base, exp: undefined }),
    otherKey: await craftToken(base, "otherKey"),
    algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: "x", roles: ["coach"], municipality, amr: ["mfa"], exp: now() + 600 })}.`,
    staffWithoutMfa: await craftToken({ ...base, amr: ["pwd"] }),
  };
}
