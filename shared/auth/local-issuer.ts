import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, runningInAzure } from "../config/index.js";
import type { Role } from "../domain/roles.js";

/**
 * The local development issuer: an ES256 key made on first use and kept in a
 * git-ignored file. It refuses to work anywhere that looks like Azure.
 */
function refuseInAzure(): void {
  if (runningInAzure()) throw new Error("the local issuer is for local development only");
}

async function loadOrCreate(file: string): Promise<JWK> {
  refuseInAzure();
  try {
    return JSON.parse(await readFile(file, "utf8")) as JWK;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `local-${Date.now()}`, alg: "ES256" };
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, JSON.stringify(jwk), { flag: "wx", mode: 0o600 });
    return jwk;
  } catch (err) {
    // Another process made it first: use theirs, so tokens and verifier agree.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return JSON.parse(await readFile(file, "utf8")) as JWK;
    throw err;
  }
}

export async function localPublicJwk(file: string): Promise<JWK> {
  const { d: _private, ...publicJwk } = await loadOrCreate(file);
  return publicJwk;
}

export interface LocalTokenOptions {
  role: Role;
  sub: string;
  municipality?: string;
  mfa?: boolean;
  ttlSeconds?: number;
}

export async function mintLocalToken(file: string, o: LocalTokenOptions): Promise<string> {
  const jwk = await loadOrCreate(file);
  const key = await importJWK(jwk, "ES256");
  const claims: Record<string, unknown> = { roles: [o.role] };
  if (o.municipality) claims.municipality = o.municipality;
  if (o.mfa ?? true) claims.amr = ["pwd", "mfa"];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "JWT" })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(o.sub)
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime(`${o.ttlSeconds ?? 3600}s`)
    .sign(key);
}
