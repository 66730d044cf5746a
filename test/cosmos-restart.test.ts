import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { SHARED_MS } from "../shared/services/health.js";
import { buildAdmin, inviteCandidate, newMunicipality } from "./support/factories.js";
import { call } from "./support/http.js";
import { ownCosmos } from "./support/own-cosmos.js";

const cosmos = await ownCosmos();

describe("Cosmos DB stopped and started again", () => {
  it("when the database is down, then the API answers 503 with Retry-After; once it is back, the same process answers again", async () => {
    const m = newMunicipality();
    const before = await inviteCandidate(m);
    expect((await call("GET", `/api/candidates/${before.id}`, { token: before.coach })).status).toBe(200);

    await cosmos.stop();
    const read = await call("GET", `/api/candidates/${before.id}`, { token: before.coach });
    const write = await call("POST", "/api/candidates", { token: before.coach, body: { admin: buildAdmin() } });
    const ready = await call("GET", "/api/health/ready");

    for (const res of [read, write]) {
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.headers["content-type"]).toBe("application/problem+json");
      expect(res.headers["retry-after"]).toBeDefined();
    }
    expect(ready.body).toMatchObject({ status: 503, checks: { cosmos: "unavailable" } });

    // The emulator keeps nothing in memory across a restart: it comes back empty, as after a
    // restore into a new account, and is provisioned again. The app is not restarted.
    await cosmos.start();
    const after = await inviteCandidate(m);
    expect((await call("GET", `/api/candidates/${after.id}`, { token: after.coach })).status).toBe(200);
    await sleep(SHARED_MS); // readiness answers share one check for that long
    expect((await call("GET", "/api/health/ready")).status).toBe(200);
  });
});
