import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalHost } from "../dev/host.js";
import { actAsWorker, httpFunctions } from "../dev/worker.js";
import "../functions/index.js";
import { openApiDocument } from "../shared/http/openapi.js";
import { walkThrough } from "./client/journey.js";
import { checkFetched } from "./support/contract.js";
import { newMunicipality, tokenFor } from "./support/factories.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

let server: Server;
let api: string;

beforeAll(async () => {
  server = createLocalHost(httpFunctions(actAsWorker().functions));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe("a client generated from the OpenAPI document", () => {
  it("when openapi-typescript generates the types, then they are the committed ones the walk-through compiles against (npm run client:types)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hallowerk-client-"));
    try {
      await writeFile(join(dir, "openapi.json"), JSON.stringify(openApiDocument(), null, 2));
      await run(join(ROOT, "node_modules/.bin/openapi-typescript"), [join(dir, "openapi.json"), "-o", join(dir, "api.d.ts")], {
        cwd: ROOT,
      });
      const fresh = await readFile(join(dir, "api.d.ts"), "utf8");
      const committed = await readFile(join(ROOT, "test/client/api.d.ts"), "utf8");
      // The walk-through (test/client/journey.ts) compiles against these in `npm run typecheck`.
      expect(fresh === committed, "test/client/api.d.ts is out of date: run `npm run client:types`").toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("when the README's walk-through runs as a typed openapi-fetch client against the local host, then every step answers as documented", async () => {
    const m = newMunicipality("client");
    const tokens = {
      coach: await tokenFor("coach", m),
      candidate: await tokenFor("candidate"),
      accountManager: await tokenFor("accountManager", m),
      employer: await tokenFor("employer"),
    };
    const answers: string[] = [];
    const journey = await walkThrough(api, tokens, {
      async onResponse({ request, response }) {
        answers.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
        await checkFetched(request.method, request.url, response);
      },
    });

    expect(journey.redeemedKinds).toEqual(["candidate", "employer"]);
    expect(journey.profileEtag).toMatch(/^".+"$/);
    expect(journey.forbiddenStatus).toBe(403);
    expect(journey.bsnPath).toBe("profile.freeText");
    expect(journey.coachSees).toEqual(["Noor Bakker"]);
    expect(journey.companyName).toBe("Bakkerij De Gouden Korrel B.V.");
    expect(journey.employerFinds).toEqual([journey.candidateId]);
    expect(journey.employerSeesClientNumber).toBe(false);
    expect(journey.cv).toEqual({ sent: journey.cv.size, put: 201, complete: 200, size: journey.cv.size });
    expect(journey.cv.size).toBeGreaterThan(0);
    expect(journey.vacancyStatus).toBe("open");
    expect(journey.erasedStatus).toBe(204);
    expect(answers.length).toBeGreaterThanOrEqual(18);
  });
});
