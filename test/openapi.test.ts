import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { POLICY } from "../shared/domain/policy.js";
import { EMPLOYER_PROJECTION, SEARCH_PROJECTION } from "../shared/domain/visibility.js";
import { errorResponse } from "../shared/http/problem.js";
import { registeredRoutes } from "../shared/http/routes.js";
import { contractProblems } from "./support/contract.js";
import { call } from "./support/http.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const fetchDoc = async () => (await call("GET", "/api/openapi.json")).body;

/** Every operation of the document, with its path and method. */
function operations(doc: any): { path: string; method: string; op: any }[] {
  return Object.entries(doc.paths).flatMap(([path, item]: [string, any]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
}

/** A response of an operation, `$ref`s to components.responses followed. */
function response(doc: any, op: any, status: string): any {
  const r = op.responses[status];
  return r?.$ref ? doc.components.responses[r.$ref.split("/").pop()] : r;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe("GET /openapi.json", () => {
  it("when fetched, then it is OpenAPI 3.1 with every registered route, its roles, body schema and problems", async () => {
    const res = await call("GET", "/api/openapi.json");

    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    for (const { spec } of registeredRoutes) {
      const op = doc.paths[`/${spec.path}`]?.[spec.method.toLowerCase()];
      expect(op, `${spec.method} ${spec.path}`).toBeDefined();
      expect(op.operationId).toBe(spec.name);
      const body = op.requestBody?.content["application/json"].schema;
      if (spec.body) expect((body.$ref ? doc.components.schemas[body.$ref.split("/").pop()] : body).type).toBe("object");
      if (op.security.length) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["401", "403"]));
    }
  });

  it("when a client reads the create-candidate schema, then required fields, enums and the closed shape are there", async () => {
    const doc = await fetchDoc();
    const admin = doc.paths["/candidates"].post.requestBody.content["application/json"].schema.properties.admin;
    expect(admin.required.sort()).toEqual(["clientNumber", "email", "firstName", "lastName"]);
    expect(admin.properties.gender.enum).toEqual(["female", "male", "other", "unspecified"]);
    expect(admin.additionalProperties).toBe(false);
    const profilePatch = doc.paths["/me/profile"].patch.requestBody.content["application/json"].schema.properties.profile;
    expect(Object.keys(profilePatch.properties)).toEqual(
      expect.arrayContaining(["description", "freeText", "physical", "drivingLicences"]),
    );
  });

  it("when a client generates from it, then every operation is tagged and names its roles (x-roles and the description), as the policy table says", async () => {
    const doc = await fetchDoc();
    const tags = new Set(doc.tags.map((t: any) => t.name));
    for (const { spec } of registeredRoutes) {
      const op = doc.paths[`/${spec.path}`][spec.method.toLowerCase()];
      expect(op.tags.length, spec.name).toBeGreaterThan(0);
      for (const tag of op.tags) expect(tags.has(tag), `${spec.name}: ${tag}`).toBe(true);
      const roles = POLICY[spec.action] === "public" ? [] : [...(POLICY[spec.action] as readonly string[])];
      expect(op["x-roles"], spec.name).toEqual(roles);
      expect(op.description, spec.name).toMatch(roles.length ? `Roles: ${roles.join(", ")}.` : /^Public/);
    }
    expect(doc.info.contact.name).toBeTruthy();
    expect(doc.info.license).toEqual({ name: "EUPL-1.2", identifier: "EUPL-1.2" });
    expect(doc.servers).toEqual([
      expect.objectContaining({
        url: "{scheme}://{host}/api",
        variables: { scheme: expect.objectContaining({ default: "http" }), host: expect.objectContaining({ default: "localhost:7071" }) },
      }),
    ]);
  });

  it("when a client reads a candidate, then each role's view is its own named schema, and the employer's is exactly the projection the database returns", async () => {
    const doc = await fetchDoc();
    const s = doc.components.schemas;
    const read = doc.paths["/candidates/{id}"].get.responses["200"].content["application/json"].schema;
    expect(read.anyOf).toEqual([ref("CandidateStaffView"), ref("CandidateEmployerView")]);

    const employer = s.CandidateEmployerView;
    expect(Object.keys(employer.properties).sort()).toEqual([...EMPLOYER_PROJECTION.top, "admin"].sort());
    expect(employer.required).toEqual(expect.arrayContaining(["id", "status", "admin", "profile", "updatedAt"]));
    expect(Object.keys(s.CandidateEmployerAdmin.properties).sort()).toEqual([...EMPLOYER_PROJECTION.admin].sort());
    expect(Object.keys(s.CandidateEmployerSearchItem.properties).sort()).toEqual([...SEARCH_PROJECTION.top, "admin"].sort());
    for (const hidden of ["clientNumber", "gender", "birthDate", "postcode", "caseManager", "serviceType"]) {
      expect(s.CandidateEmployerAdmin.properties[hidden], hidden).toBeUndefined();
    }
    expect(s.CandidateStaffView.required).toEqual(
      expect.arrayContaining(["id", "status", "admin", "profile", "files", "sharing", "createdAt"]),
    );
    expect(s.CandidateAdmin.required).toEqual(expect.arrayContaining(["clientNumber", "firstName", "lastName", "email"]));
    expect(s.CandidateOwnView.$ref).toBe("#/components/schemas/CandidateStaffView");
    expect(doc.paths["/me/profile"].get.responses["200"].content["application/json"].schema).toEqual(ref("CandidateOwnView"));
    expect(doc.paths["/search/candidates"].get.responses["200"].content["application/json"].schema).toEqual(ref("CandidateSearchPage"));
    for (const name of [
      "EmployerView",
      "EmployerOwnView",
      "VacancyView",
      "VacancyCandidateView",
      "UploadTicket",
      "UploadedFile",
      "Problem",
      "ValidationProblem",
    ]) {
      expect(s[name], name).toBeDefined();
    }
    expect(s.VacancyView.required).toContain("employerId");
    expect(s.VacancyCandidateView.properties.employerId).toBeUndefined();
    for (const page of ["CandidateListPage", "CandidateSearchPage", "EmployerPage", "VacancyPage", "RetentionPreviewPage"]) {
      expect(s[page].required, page).toEqual(["items", "continuation"]);
    }
  });

  it("when a client generates types, then each schema is written once: named ones are referred to, none carries $schema, and the document stays small", async () => {
    const doc = await fetchDoc();
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$schema"');
    // 120 KB until the readiness probe and the deletion replay (about 4.5 KB) came; matching (four routes, the vacancy criteria, saved searches) added about 21 KB; the team leads' report (one route, JSON and CSV, 406) about 7 KB; the e-mail choices (one route) about 1 KB.
    expect(text.length).toBeLessThan(153_000);
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThanOrEqual(40);
    // No named schema's body appears anywhere but under its own name.
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const body = JSON.stringify(schema);
      if (body.length < 120) continue;
      expect(text.split(body).length - 1, name).toBe(1);
    }
    // The profile is written out once and referred to by the seven schemas that carry it.
    expect(text.split('"$ref":"#/components/schemas/CandidateProfile"').length - 1).toBe(7);
  });

  it("when a response is transformed or typed on the server, then the document gives its output type: postcodes, timestamps, sizes, enums", async () => {
    const s = (await fetchDoc()).components.schemas;
    expect(s.CandidateAdmin.properties.postcode).toMatchObject({ type: "string", pattern: "^[1-9][0-9]{3} [A-Z]{2}$" });
    expect(s.EmployerAddress.properties.postcode).toMatchObject({ type: "string", pattern: "^[1-9][0-9]{3} [A-Z]{2}$" });
    expect(s.CandidateStaffView.properties.updatedAt).toEqual({ type: "string", format: "date-time" });
    expect(s.CandidateAdmin.properties.birthDate).toMatchObject({ type: "string", format: "date" });
    expect(s.UploadedFile.properties.size).toMatchObject({ type: "integer", format: "int64" });
    expect(s.CandidateListItem.properties.status.enum).toEqual(["invited", "active", "inactive"]);
    expect(s.RetentionRun.required).toContain("startedAt");
    expect(s.RetentionRun.properties.items.items).toEqual(ref("RetentionRunItem"));
    expect(s.RetentionRun.properties.municipalities.additionalProperties).toEqual(ref("MunicipalitySweep"));
  });

  it("when an integration reads the batch route, then request lines and answers are typed", async () => {
    const doc = await fetchDoc();
    const op = doc.paths["/integrations/service-ends"].post;
    const line = op.requestBody.content["application/json"].schema.properties.items.items;
    expect(line.required.sort()).toEqual(["clientNumber", "endedOn", "reason"]);
    expect(line.properties.reason.enum).toEqual(["aborted", "rejected", "completed"]);
    expect(op.responses["200"].content["application/json"].schema).toEqual(ref("ServiceEndBatchResult"));
  });

  it("when an invitation is redeemed, then the answer is a union tagged by kind", async () => {
    const doc = await fetchDoc();
    const redeemed = doc.components.schemas.Redeemed;
    expect(redeemed.oneOf).toEqual([ref("RedeemedCandidate"), ref("RedeemedEmployer")]);
    expect(redeemed.discriminator.propertyName).toBe("kind");
    expect(doc.components.schemas.RedeemedCandidate.properties).toEqual({
      kind: { type: "string", const: "candidate" },
      candidate: ref("CandidateOwnView"),
    });
    expect(doc.components.schemas.RedeemedEmployer.properties).toEqual({
      kind: { type: "string", const: "employer" },
      employer: ref("EmployerView"),
    });
  });

  it("when a route can fail, then each status it can return has a problem+json body, and a default covers the rest", async () => {
    const doc = await fetchDoc();
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(response(doc, op, "default").content["application/problem+json"], where).toBeDefined();
      expect(response(doc, op, "500"), where).toBeDefined();
      for (const status of Object.keys(op.responses).filter((s) => s !== "default" && Number(s) >= 400)) {
        expect(response(doc, op, status).content["application/problem+json"], `${where} ${status}`).toBeDefined();
      }
      const secured = op.security.length > 0;
      // The readiness probe is public and answers 503 by design (when a dependency does not answer).
      for (const status of ["401", "403", "503"])
        expect(!!op.responses[status], `${where} ${status}`).toBe(secured || (status === "503" && op.operationId === "health-ready"));
      if (op.requestBody) for (const status of ["400", "413", "415"]) expect(op.responses[status], `${where} ${status}`).toBeDefined();
      if (op.parameters?.some((p: any) => p.in === "path")) expect(op.responses["404"], `${where} 404`).toBeDefined();
      if (secured && method === "get") expect(op.responses["429"], `${where} 429`).toBeDefined();
    }
  });

  it("when a client reads the headers, then ETag, Location, Retry-After and WWW-Authenticate are described where they are sent", async () => {
    const doc = await fetchDoc();
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const [status, r] of Object.entries(op.responses)) {
        const headers = response(doc, op, status).headers ?? {};
        if (status === "201")
          expect(headers.Location ?? (path === "/me/uploads" ? "none: an upload is not a resource" : undefined), where).toBeDefined();
        if (status === "401") expect(headers["WWW-Authenticate"], where).toBeDefined();
        if (status === "429" || status === "503") expect(headers["Retry-After"], `${where} ${status}`).toBeDefined();
        if (/^2/.test(status) && (r as any).content) {
          const schema = JSON.stringify((r as any).content["application/json"].schema);
          const single = /View"|CandidateForCaller|Created"|Redeemed"|MunicipalitySettings"/.test(schema) && !/Page"/.test(schema);
          if (single) expect(headers.ETag, `${where} ${status} ETag`).toBeDefined();
        }
      }
    }
    expect(doc.paths["/me/uploads/{uploadId}/complete"].post.responses["409"].headers["Retry-After"]).toBeDefined();
  });

  it("when a client sends a body or parameter, then every string and list in it has a limit, named parts included", async () => {
    const doc = await fetchDoc();
    const unlimited: string[] = [];
    const seen = new Set<unknown>();
    const walk = (schema: any, at: string): void => {
      if (!schema || typeof schema !== "object" || seen.has(schema)) return;
      seen.add(schema);
      if (schema.$ref) return walk(doc.components.schemas[schema.$ref.split("/").pop()], schema.$ref);
      const types = [schema.type].flat();
      if (types.includes("string") && schema.maxLength === undefined && schema.enum === undefined && schema.const === undefined)
        unlimited.push(`${at}: string`);
      if (types.includes("array") && schema.maxItems === undefined) unlimited.push(`${at}: array`);
      for (const [key, value] of Object.entries(schema)) {
        if (key === "properties") for (const [name, p] of Object.entries(value as object)) walk(p, `${at}.${name}`);
        else if (["items", "additionalProperties", "propertyNames"].includes(key)) walk(value, `${at}.${key}`);
        else if (["anyOf", "oneOf", "allOf"].includes(key)) (value as unknown[]).forEach((v, i) => walk(v, `${at}.${key}[${i}]`));
      }
    };
    for (const { path, method, op } of operations(doc)) {
      walk(op.requestBody?.content["application/json"].schema, `${method} ${path} body`);
      for (const p of op.parameters ?? []) walk(p.schema, `${method} ${path} ${p.name}`);
    }
    expect(unlimited).toEqual([]);
  });

  it("when a route honours If-Match, then the document says so with the header and 412, and only there", async () => {
    const doc = await fetchDoc();
    for (const { spec } of registeredRoutes) {
      const op = doc.paths[`/${spec.path}`][spec.method.toLowerCase()];
      const reads = /\bifMatch\b/.test(spec.handler.toString());
      const documented = op.parameters?.some((p: any) => p.name === "If-Match" && p.in === "header") ?? false;
      expect(documented, `${spec.name}: If-Match`).toBe(reads);
      if (reads) expect(op.responses["412"], `${spec.name}: 412`).toBeDefined();
    }
    for (const [path, method] of [
      ["/municipality/settings", "put"],
      ["/candidates/{id}/legal-hold", "put"],
      ["/candidates/{id}/service-end", "post"],
    ] as const) {
      expect(
        doc.paths[path][method].parameters.map((p: any) => p.name),
        path,
      ).toContain("If-Match");
    }
  });
});

describe("answers held to the document", () => {
  const problemBody = (status: number) => JSON.stringify({ type: "https://hallowerk.example/problems/x", title: "X", status, detail: "x" });
  const json = { "content-type": "application/json; charset=utf-8" };

  it("when an answer departs from the document, then the check names how: status, header, body", () => {
    expect(
      contractProblems("candidates-get", { status: 418, headers: { "content-type": "application/problem+json" }, text: problemBody(418) }),
    ).toEqual([expect.stringMatching(/status 418 is not documented/)]);
    expect(contractProblems("health", { status: 200, headers: { ...json, "x-debug": "1" }, text: '{"status":"ok"}' })).toEqual([
      expect.stringMatching(/header x-debug is sent but not described/),
    ]);
    expect(
      contractProblems("me-uploads-start", {
        status: 429,
        headers: { "content-type": "application/problem+json" },
        text: problemBody(429),
      }),
    ).toEqual([expect.stringMatching(/required header retry-after is missing/)]);
    expect(contractProblems("health", { status: 200, headers: json, text: '{"status":"ok","extra":1}' })).toEqual([
      expect.stringMatching(/additional properties/),
    ]);
    expect(
      contractProblems("candidates-list", { status: 401, headers: { "content-type": "application/json" }, text: problemBody(401) }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/www-authenticate is missing/),
        expect.stringMatching(/application\/json is not documented/),
      ]),
    );
  });

  it("when an employer's answer carries a field of the staff record, then it fails the check", async () => {
    const now = new Date().toISOString();
    const employerView = {
      id: "utrecht.3f2c0000-0000-4000-8000-000000000000",
      municipalityId: "utrecht",
      status: "active",
      profile: {},
      files: {},
      updatedAt: now,
      admin: { firstName: "Noor", lastName: "Bakker", email: "noor@example.org" },
    };
    const answer = (body: unknown) => ({ status: 200, headers: { ...json, etag: '"1"' }, text: JSON.stringify(body) });
    expect(contractProblems("candidates-get", answer(employerView))).toEqual([]);
    expect(
      contractProblems("candidates-get", answer({ ...employerView, admin: { ...employerView.admin, clientNumber: "UT-42" } })),
    ).not.toEqual([]);
    expect(contractProblems("candidates-get", answer({ ...employerView, status: undefined }))).not.toEqual([]);
  });

  it("when Cosmos DB or storage is busy or unreachable, then 503 with Retry-After, as the document promises", () => {
    const context = new InvocationContext({ functionName: "candidates-get", invocationId: "test" });
    const throttled = errorResponse(Object.assign(new Error("throttled"), { code: 429, retryAfterInMs: 1200 }), context);
    const refused = errorResponse(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), context);
    const bug = errorResponse(new TypeError("x is undefined"), context);

    expect(throttled.status).toBe(503);
    expect((throttled.headers as Record<string, string>)["Retry-After"]).toBe("2");
    expect(refused.status).toBe(503);
    expect(bug.status).toBe(500);
    for (const r of [throttled, refused]) {
      const headers = Object.fromEntries(Object.entries(r.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
      expect(contractProblems("candidates-get", { status: r.status!, headers, text: r.body as string })).toEqual([]);
    }
  });
});

describe("OpenAPI validity", () => {
  it("when validated against the OpenAPI 3.1 schema, then the document has no errors", async () => {
    const { validate } = await import("@readme/openapi-parser");
    const doc = await fetchDoc();
    const result = await validate(structuredClone(doc));
    expect(result.valid, JSON.stringify("errors" in result ? result.errors : [], null, 1).slice(0, 2000)).toBe(true);
  });

  it("when Spectral lints it with spectral:oas and the OWASP ruleset (.spectral.yaml), then it reports no errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hallowerk-openapi-"));
    try {
      const file = join(dir, "openapi.json");
      await writeFile(file, JSON.stringify(await fetchDoc(), null, 2));
      const spectral = join(ROOT, "node_modules/.bin/spectral");
      const args = ["lint", file, "--ruleset", join(ROOT, ".spectral.yaml"), "--fail-severity=error", "--format", "json", "--quiet"];
      const run: { code?: number; stdout: string; stderr: string } = await promisify(execFile)(spectral, args, {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((err) => err);
      const results = JSON.parse(run.stdout || "null") as { code: string; severity: number; message: string; path: string[] }[] | null;
      expect(results, run.stderr).toBeInstanceOf(Array);
      const errors = results!.filter((r) => r.severity === 0);
      expect(errors.map((e) => `${e.code} ${e.path.join(".")}: ${e.message}`)).toEqual([]);
      expect(run.code ?? 0, run.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
