import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { inviteCandidate, newMunicipality } from "./support/factories.js";
import { call } from "./support/http.js";
import { ownCosmos } from "./support/own-cosmos.js";

const cosmos = await ownCosmos();

describe("connections to Cosmos DB", () => {
  it("when they have been idle for almost the server's keep-alive time, then the app has closed them itself, so no request goes out on one the server is dropping", async () => {
    const m = newMunicipality();
    const candidate = await inviteCandidate(m);
    expect((await call("GET", `/api/candidates/${candidate.id}`, { token: candidate.coach })).status).toBe(200);
    const used = await cosmos.connections();

    // The emulator, a Node HTTP server, drops a connection idle for 5 s (announcing nothing). The
    // app's pool closes it at 4 s; the SDK's own would keep it until the server drops it.
    await sleep(4_600);
    let idle = await cosmos.connections();
    for (let i = 0; i < 10 && idle.closed < idle.opened; i++) idle = await sleep(50).then(() => cosmos.connections());

    expect(used.opened).toBeGreaterThan(0);
    expect(idle).toEqual({ opened: used.opened, closed: used.opened, closedByClient: used.opened });
  });
});
