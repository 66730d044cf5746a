import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalHost } from "../dev/host.js";
import "../functions/index.js";
import { registeredRoutes } from "../shared/http/routes.js";
import { auditTrail } from "../shared/data/audit.js";
import { buildAdmin, newMunicipality, tokenFor } from "./support/factories.js";

let server: Server;
let api: string;

beforeAll(async () => {
  server = createLocalHost(registeredRoutes, { allowedOrigins: ["http://app.example"] });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe("local host over HTTP", () => {
  it("when a coach invites and lists over real HTTP, then the same handlers answer, with the caller's IP audited", async () => {
    const m = newMunicipality();
    const auth = { authorization: `Bearer ${await tokenFor("coach", m)}` };

    const created = await fetch(`${api}/candidates`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ admin: buildAdmin({ lastName: "Over-Http" }) }),
    });
    const list = await fetch(`${api}/candidates?q=over`, { headers: auth });

    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toMatch(/^".+"$/);
    expect(list.status).toBe(200);
    expect(((await list.json()) as any).items.map((c: any) => c.admin.lastName)).toEqual(["Over-Http"]);
    const [create] = await auditTrail(((await created.json()) as { id: string }).id);
    expect(create!.actor.ip).toBe("127.0.0.1");
  });

  it("when a browser on an allowed origin asks, then CORS lets it; another origin gets no CORS headers", async () => {
    const preflight = await fetch(`${api}/me/profile`, {
      method: "OPTIONS",
      headers: { Origin: "http://app.example", "Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "authorization,if-match" },
    });
    const other = await fetch(`${api}/health`, { headers: { Origin: "http://evil.example" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://app.example");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("If-Match");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("when the path or method is unknown, then 404 or 405 as problem+json", async () => {
    const missing = await fetch(`${api}/nothing-here`);
    const method = await fetch(`${api}/health`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(method.status).toBe(405);
  });
});
