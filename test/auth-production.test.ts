import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMunicipality, tokenFor } from "./support/factories.js";
import { call, type Problem } from "./support/http.js";
import { testRuntime } from "./support/runtime.js";

// A stand-in identity provider on loopback: OIDC discovery and a JWKS, as Entra ID serves them.
let idp: Server;
let issuer: string;
let jwksFetches = 0;
/** The settings of an instance that trusts the stand-in identity provider, as one in Azure trusts Entra ID. */
let production: Record<string, string>;
const keys = await generateKeyPair("RS256");
const kid = "entra-like-key";

beforeAll(async () => {
  const publicJwk = { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
  idp = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    if (req.url === "/keys") return (jwksFetches++, res.end(JSON.stringify({ keys: [publicJwk] })));
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((r) => idp.listen(0, "127.0.0.1", r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  production = {
    AUTH_LOCAL_ISSUER: "false",
    AUTH_ISSUER: issuer,
    AUTH_AUDIENCE: "api://hallowerk",
    AUTH_OIDC_DISCOVERY_URL: `${issuer}/.well-known/openid-configuration`,
    AUTH_MUNICIPALITY_CLAIM: "extn_municipality",
    AUTH_MFA_ACRS: "c1",
  };
  testRuntime(production);
});

afterAll(() => idp.close());

const entraToken = (claims: Record<string, unknown>, alg: "RS256" = "RS256") =>
  new SignJWT({ roles: ["coach"], ...claims })
    .setProtectedHeader({ alg, kid })
    .setIssuer(issuer)
    .setAudience("api://hallowerk")
    .setSubject("entra-object-id")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(keys.privateKey);

describe("production issuer (OIDC discovery, configured claim names)", () => {
  it("when an Entra-style token carries the configured municipality claim and an MFA auth context, then it is accepted", async () => {
    const token = await entraToken({ extn_municipality: newMunicipality(), acrs: ["c1"] });
    const res = await call("GET", "/api/candidates", { token });
    expect(res.status).toBe(200);
  });

  it("when the auth context is missing, then 401 insufficient_user_authentication", async () => {
    const token = await entraToken({ extn_municipality: newMunicipality(), acrs: ["c9"] });
    const res = await call("GET", "/api/candidates", { token });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toContain("insufficient_user_authentication");
  });

  it("when a local-issuer token is sent, then production configuration refuses it", async () => {
    const res = await call("GET", "/api/candidates", { token: await tokenFor("coach", newMunicipality()) });
    expect(res.status).toBe(401);
  });

  it("when many requests arrive, then the key set was fetched once for the process", async () => {
    const token = await entraToken({ extn_municipality: newMunicipality(), amr: ["mfa"] });
    for (let i = 0; i < 5; i++) expect((await call("GET", "/api/candidates", { token })).status).toBe(200);
    expect(jwksFetches).toBe(1);
  });
});

describe("integration tokens in production", () => {
  it("when the client id is registered, then the role works; another client with the role is refused", async () => {
    testRuntime({ ...production, AUTH_INTEGRATION_CLIENT_IDS: "raak-connector" });
    const m = newMunicipality();
    const body = { items: [{ clientNumber: "X-1", endedOn: "2026-01-01", reason: "aborted" }] };
    const known = await entraToken({ roles: ["integration"], extn_municipality: m, azp: "raak-connector" });
    const unknown = await entraToken({ roles: ["integration"], extn_municipality: m, azp: "someones-laptop" });

    expect((await call("POST", "/api/integrations/service-ends", { token: known, body })).status).toBe(200);
    const refused = await call<Problem>("POST", "/api/integrations/service-ends", { token: unknown, body });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/not a registered integration/);
  });
});
