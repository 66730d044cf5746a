import azureFunctions from "@azure/functions";
import { describe, expect, it } from "vitest";
import { errorResponse } from "../shared/http/problem.js";
import { buildAdmin, newMunicipality, signedUpCandidate } from "./support/factories.js";
import { call } from "./support/http.js";
import { capturedLogs, personalDataInLogs, type LogLine } from "./support/logs.js";

const { InvocationContext } = azureFunctions;
const line = (text: string): LogLine => ({ functionName: "f", invocationId: "i", level: "information", text });

describe("logs without personal data", () => {
  it("when a log line holds an e-mail address, a test-data name, free text or a BSN, then the check after each test file names it", () => {
    const admin = buildAdmin();
    const bad = [
      `sent to ${admin.email}`,
      `candidate ${admin.lastName}`,
      "profile: Ervaren lasser.",
      "bsn 111222333",
      "contact eva3@bedrijf.example",
    ];
    expect(personalDataInLogs(bad.map(line))).toHaveLength(bad.length);
    expect(
      personalDataInLogs([
        line('hallowerk.event {"event":"upload.accepted","kind":"cv","count":1}'),
        line("unhandled TypeError code=- in candidates-get invocation=1f0c"),
      ]),
    ).toEqual([]);
  });

  it("when a handler fails unexpectedly, then the log line names the invocation and not what the error message says", () => {
    const lines: string[] = [];
    const context = new InvocationContext({
      functionName: "candidates-get",
      invocationId: "3f6d1c2a-0000-4000-8000-000000000001",
      logHandler: (_l, ...a) => void lines.push(a.map(String).join(" ")),
    });
    const err = Object.assign(new TypeError("cannot read fatima1@example.org of Jansen1"), { code: "E_X" });
    expect(errorResponse(err, context).status).toBe(500);
    expect(lines[0]).toContain("invocation=3f6d1c2a-0000-4000-8000-000000000001");
    expect(personalDataInLogs(lines.map(line))).toEqual([]);
  });

  it("when requests go through call(), then each logged line is recorded with its own invocation id", async () => {
    const before = capturedLogs.length;
    const c = await signedUpCandidate(newMunicipality("logs"));
    // A profile full of personal data, written and read back: whatever the app logs about it is checked after this file.
    expect(
      (
        await call("PATCH", "/api/me/profile", {
          token: c.token,
          body: { profile: { description: "Ik werk graag met mensen.", skills: ["lassen"] } },
        })
      ).status,
    ).toBe(200);
    expect((await call("GET", `/api/candidates/${c.id}`, { token: c.coach })).status).toBe(200);
    const ids = new Set(capturedLogs.slice(before).map((l) => l.invocationId));
    expect([...ids].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  });
});
