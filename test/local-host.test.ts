import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalHost } from "../dev/host.js";
import { actAsWorker, httpFunctions } from "../dev/worker.js";
import "../functions/index.js";
import { auditTrail } from "../shared/data/audit.js";
import { fetchChecked } from "./support/contract.js";
import { buildAdmin, newMunicipality, tokenFor } from "./support/factories.js";
import type { Schema } from "./support/http.js";

let server: Server;
let api: string;

beforeAll(async () => {
  server = createLocalHost(httpFunctions(actAsWorker().functions), { allowedOrigins: ["http://app.example"] });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe("local host over HTTP", () => {
  it("when a coach invites and lists over real HTTP, then the same handlers answer, with the caller's IP audited", async () => {
    const m = newMunicipality();
    const auth = { authorization: `Bearer ${await tokenFor("coach", m)}` };

    const created = await fetchChecked(`${api}/candidates`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ admin: buildAdmin({ lastName: "Over-Http" }) }),
    });
    const list = await fetchChecked(`${api}/candidates?q=over`, { headers: auth });

    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toMatch(/^".+"$/);
    expect(list.status).toBe(200);
    // fetchChecked held the body to the document's schema for this answer.
    const page = (await list.json()) as Schema<"CandidateListPage">;
    expect(page.items.map((c) => c.admin.lastName)).toEqual(["Over-Http"]);
    const [create] = await auditTrail(((await created.json()) as { id: string }).id);
    expect(create!.actor.ip).toBe("127.0.0.1");
  });

  it("when a browser on an allowed origin asks, then CORS lets it as Azure's platform CORS would; another origin gets no CORS headers", async () => {
    const preflight = await fetchChecked(`${api}/me/profile`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://app.example",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization,if-match",
      },
    });
    const other = await fetchChecked(`${api}/health`, { headers: { Origin: "http://evil.example" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://app.example");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("PATCH");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("authorization,if-match");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("when any answer goes out, then the app itself exposes ETag, Location and Retry-After and forbids sniffing", async () => {
    const ok = await fetchChecked(`${api}/health`, { headers: { Origin: "http://app.example" } });
    const problem = await fetchChecked(`${api}/me/profile`, { headers: { Origin: "http://app.example" } });
    for (const res of [ok, problem]) {
      expect(res.headers.get("access-control-expose-headers")).toBe("ETag, Location, Retry-After");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(problem.status).toBe(401);
  });

  it("when the path has malformed percent-encoding, then 400 and the host keeps serving", async () => {
    const malformed = await fetchChecked(`${api}/candidates/%E0%A4%A`);
    const after = await fetchChecked(`${api}/health`);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { detail: string }).detail).toMatch(/percent-encoding/);
    expect(after.status).toBe(200);
  });

  it("when the path or method is unknown, then 404 or 405 as problem+json", async () => {
    const missing = await fetchChecked(`${api}/nothing-here`);
    const method = await fetchChecked(`${api}/health`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(method.status).toBe(405);
  });
});
