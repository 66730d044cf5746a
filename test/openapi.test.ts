import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { POLICY } from "../shared/domain/policy.js";
import { EMPLOYER_PROJECTION, SEARCH_PROJECTION } from "../shared/domain/visibility.js";
import { errorResponse } from "../shared/http/problem.js";
import { registeredRoutes } from "../shared/http/routes.js";
import { contractProblems } from "./support/contract.js";
import { call } from "./support/http.js";
import { asArray, asObject, asString, asStrings, get, isObject, keysOf, type Json, type JsonObject } from "./support/json.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const fetchDoc = async () => (await call<Json>("GET", "/api/openapi.json")).body;

/** Where an operation's JSON request body and 200 answer have their schemas. */
const BODY = ["requestBody", "content", "application/json", "schema"] as const;
const OK_BODY = ["responses", "200", "content", "application/json", "schema"] as const;

/** Every operation of the document, with its path and method. */
function operations(doc: Json): { path: string; method: string; op: JsonObject }[] {
  return Object.entries(asObject(get(doc, "paths"), "paths")).flatMap(([path, item]) =>
    Object.entries(asObject(item, path)).map(([method, op]) => ({ path, method, op: asObject(op, `${method} ${path}`) })),
  );
}

/** `$ref`s to `components.<kind>` followed. */
function resolved(doc: Json, kind: "schemas" | "responses", value: Json | undefined): Json | undefined {
  const $ref = get(value, "$ref");
  return typeof $ref === "string" ? get(doc, "components", kind, $ref.split("/").pop()!) : value;
}

/** A response of an operation, `$ref`s to components.responses followed. */
const response = (doc: Json, op: JsonObject, status: string) => resolved(doc, "responses", get(op, "responses", status));

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe("GET /openapi.json", () => {
  it("when fetched, then it is OpenAPI 3.1 with every registered route, its roles, body schema and problems", async () => {
    const res = await call<Json>("GET", "/api/openapi.json");

    expect(res.status).toBe(200);
    const doc = res.body;
    expect(get(doc, "openapi")).toBe("3.1.0");
    for (const { spec } of registeredRoutes) {
      const op = get(doc, "paths", `/${spec.path}`, spec.method.toLowerCase());
      expect(op, `${spec.method} ${spec.path}`).toBeDefined();
      expect(get(op, "operationId")).toBe(spec.name);
      if (spec.body) expect(get(resolved(doc, "schemas", get(op, ...BODY)), "type")).toBe("object");
      if (asArray(get(op, "security"), spec.name).length)
        expect(keysOf(get(op, "responses"))).toEqual(expect.arrayContaining(["401", "403"]));
    }
  });

  it("when a client reads the create-candidate schema, then required fields, enums and the closed shape are there", async () => {
    const doc = await fetchDoc();
    const admin = get(doc, "paths", "/candidates", "post", ...BODY, "properties", "admin");
    expect(asStrings(get(admin, "required")).sort()).toEqual(["clientNumber", "email", "firstName", "lastName"]);
    expect(get(admin, "properties", "gender", "enum")).toEqual(["female", "male", "other", "unspecified"]);
    expect(get(admin, "additionalProperties")).toBe(false);
    const profilePatch = get(doc, "paths", "/me/profile", "patch", ...BODY, "properties", "profile");
    expect(keysOf(get(profilePatch, "properties"))).toEqual(
      expect.arrayContaining(["description", "freeText", "physical", "drivingLicences"]),
    );
  });

  it("when a client generates from it, then every operation is tagged and names its roles (x-roles and the description), as the policy table says", async () => {
    const doc = await fetchDoc();
    const tags = new Set(asArray(get(doc, "tags")).map((t) => get(t, "name")));
    for (const { spec } of registeredRoutes) {
      const op = asObject(get(doc, "paths", `/${spec.path}`, spec.method.toLowerCase()), spec.name);
      const opTags = asStrings(op.tags, `${spec.name} tags`);
      expect(opTags.length, spec.name).toBeGreaterThan(0);
      for (const tag of opTags) expect(tags.has(tag), `${spec.name}: ${tag}`).toBe(true);
      const roles = POLICY[spec.action] === "public" ? [] : [...(POLICY[spec.action] as readonly string[])];
      expect(op["x-roles"], spec.name).toEqual(roles);
      expect(op.description, spec.name).toMatch(roles.length ? `Roles: ${roles.join(", ")}.` : /^Public/);
    }
    expect(get(doc, "info", "contact", "name")).toBeTruthy();
    expect(get(doc, "info", "license")).toEqual({ name: "EUPL-1.2", identifier: "EUPL-1.2" });
    expect(get(doc, "servers")).toHaveLength(1);
    expect(get(doc, "servers", 0)).toMatchObject({
      url: "{scheme}://{host}/api",
      variables: { scheme: { default: "http" }, host: { default: "localhost:7071" } },
    });
    expect(keysOf(get(doc, "servers", 0, "variables")).sort()).toEqual(["host", "scheme"]);
  });

  it("when a client reads a candidate, then each role's view is its own named schema, and the employer's is exactly the projection the database returns", async () => {
    const doc = await fetchDoc();
    const s = asObject(get(doc, "components", "schemas"), "components.schemas");
    const read = get(doc, "paths", "/candidates/{id}", "get", ...OK_BODY);
    expect(get(read, "anyOf")).toEqual([ref("CandidateStaffView"), ref("CandidateEmployerView")]);

    const employer = s.CandidateEmployerView;
    expect(keysOf(get(employer, "properties")).sort()).toEqual([...EMPLOYER_PROJECTION.top, "admin"].sort());
    expect(get(employer, "required")).toEqual(expect.arrayContaining(["id", "status", "admin", "profile", "updatedAt"]));
    expect(keysOf(get(s.CandidateEmployerAdmin, "properties")).sort()).toEqual([...EMPLOYER_PROJECTION.admin].sort());
    expect(keysOf(get(s.CandidateEmployerSearchItem, "properties")).sort()).toEqual([...SEARCH_PROJECTION.top, "admin"].sort());
    for (const hidden of ["clientNumber", "gender", "birthDate", "postcode", "caseManager", "serviceType"]) {
      expect(get(s.CandidateEmployerAdmin, "properties", hidden), hidden).toBeUndefined();
    }
    expect(get(s.CandidateStaffView, "required")).toEqual(
      expect.arrayContaining(["id", "status", "admin", "profile", "files", "sharing", "createdAt"]),
    );
    expect(get(s.CandidateAdmin, "required")).toEqual(expect.arrayContaining(["clientNumber", "firstName", "lastName", "email"]));
    expect(get(s.CandidateOwnView, "$ref")).toBe("#/components/schemas/CandidateStaffView");
    expect(get(doc, "paths", "/me/profile", "get", ...OK_BODY)).toEqual(ref("CandidateOwnView"));
    expect(get(doc, "paths", "/search/candidates", "get", ...OK_BODY)).toEqual(ref("CandidateSearchPage"));
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
    expect(get(s.VacancyView, "required")).toContain("employerId");
    expect(get(s.VacancyCandidateView, "properties", "employerId")).toBeUndefined();
    for (const page of ["CandidateListPage", "CandidateSearchPage", "EmployerPage", "VacancyPage", "RetentionPreviewPage"]) {
      expect(get(s[page], "required"), page).toEqual(["items", "continuation"]);
    }
  });

  it("when a client generates types, then each schema is written once: named ones are referred to, none carries $schema, and the document stays small", async () => {
    const doc = await fetchDoc();
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$schema"');
    // 120 KB until the readiness probe and the deletion replay (about 4.5 KB) came; matching (four routes, the vacancy criteria, saved searches) added about 21 KB; the team leads' report (one route, JSON and CSV, 406) about 7 KB; the e-mail choices (one route) about 1 KB.
    expect(text.length).toBeLessThan(153_000);
    const schemas = asObject(get(doc, "components", "schemas"), "components.schemas");
    expect(Object.keys(schemas).length).toBeGreaterThanOrEqual(40);
    // No named schema's body appears anywhere but under its own name.
    for (const [name, schema] of Object.entries(schemas)) {
      const body = JSON.stringify(schema);
      if (body.length < 120) continue;
      expect(text.split(body).length - 1, name).toBe(1);
    }
    // The profile is written out once and referred to by the seven schemas that carry it.
    expect(text.split('"$ref":"#/components/schemas/CandidateProfile"').length - 1).toBe(7);
  });

  it("when a response is transformed or typed on the server, then the document gives its output type: postcodes, timestamps, sizes, enums", async () => {
    const doc = await fetchDoc();
    const s = (name: string, ...path: string[]) => get(doc, "components", "schemas", name, ...path);
    expect(s("CandidateAdmin", "properties", "postcode")).toMatchObject({ type: "string", pattern: "^[1-9][0-9]{3} [A-Z]{2}$" });
    expect(s("EmployerAddress", "properties", "postcode")).toMatchObject({ type: "string", pattern: "^[1-9][0-9]{3} [A-Z]{2}$" });
    expect(s("CandidateStaffView", "properties", "updatedAt")).toEqual({ type: "string", format: "date-time" });
    expect(s("CandidateAdmin", "properties", "birthDate")).toMatchObject({ type: "string", format: "date" });
    expect(s("UploadedFile", "properties", "size")).toMatchObject({ type: "integer", format: "int64" });
    expect(s("CandidateListItem", "properties", "status", "enum")).toEqual(["invited", "active", "inactive"]);
    expect(s("RetentionRun", "required")).toContain("startedAt");
    expect(s("RetentionRun", "properties", "items", "items")).toEqual(ref("RetentionRunItem"));
    expect(s("RetentionRun", "properties", "municipalities", "additionalProperties")).toEqual(ref("MunicipalitySweep"));
  });

  it("when an integration reads the batch route, then request lines and answers are typed", async () => {
    const doc = await fetchDoc();
    const op = get(doc, "paths", "/integrations/service-ends", "post");
    const line = get(op, ...BODY, "properties", "items", "items");
    expect(asStrings(get(line, "required")).sort()).toEqual(["clientNumber", "endedOn", "reason"]);
    expect(get(line, "properties", "reason", "enum")).toEqual(["aborted", "rejected", "completed"]);
    expect(get(op, ...OK_BODY)).toEqual(ref("ServiceEndBatchResult"));
  });

  it("when an invitation is redeemed, then the answer is a union tagged by kind", async () => {
    const doc = await fetchDoc();
    const redeemed = get(doc, "components", "schemas", "Redeemed");
    expect(get(redeemed, "oneOf")).toEqual([ref("RedeemedCandidate"), ref("RedeemedEmployer")]);
    expect(get(redeemed, "discriminator", "propertyName")).toBe("kind");
    expect(get(doc, "components", "schemas", "RedeemedCandidate", "properties")).toEqual({
      kind: { type: "string", const: "candidate" },
      candidate: ref("CandidateOwnView"),
    });
    expect(get(doc, "components", "schemas", "RedeemedEmployer", "properties")).toEqual({
      kind: { type: "string", const: "employer" },
      employer: ref("EmployerView"),
    });
  });

  it("when a route can fail, then each status it can return has a problem+json body, and a default covers the rest", async () => {
    const doc = await fetchDoc();
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(get(response(doc, op, "default"), "content", "application/problem+json"), where).toBeDefined();
      expect(response(doc, op, "500"), where).toBeDefined();
      for (const status of keysOf(op.responses, where).filter((s) => s !== "default" && Number(s) >= 400)) {
        expect(get(response(doc, op, status), "content", "application/problem+json"), `${where} ${status}`).toBeDefined();
      }
      const secured = asArray(op.security, where).length > 0;
      // The readiness probe is public and answers 503 by design (when a dependency does not answer).
      for (const status of ["401", "403", "503"])
        expect(!!get(op, "responses", status), `${where} ${status}`).toBe(
          secured || (status === "503" && op.operationId === "health-ready"),
        );
      if (op.requestBody)
        for (const status of ["400", "413", "415"]) expect(get(op, "responses", status), `${where} ${status}`).toBeDefined();
      if (asArray(op.parameters ?? []).some((p) => get(p, "in") === "path"))
        expect(get(op, "responses", "404"), `${where} 404`).toBeDefined();
      if (secured && method === "get") expect(get(op, "responses", "429"), `${where} 429`).toBeDefined();
    }
  });

  it("when a client reads the headers, then ETag, Location, Retry-After and WWW-Authenticate are described where they are sent", async () => {
    const doc = await fetchDoc();
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const [status, r] of Object.entries(asObject(op.responses, where))) {
        const header = (name: string) => get(response(doc, op, status), "headers", name);
        if (status === "201")
          expect(header("Location") ?? (path === "/me/uploads" ? "none: an upload is not a resource" : undefined), where).toBeDefined();
        if (status === "401") expect(header("WWW-Authenticate"), where).toBeDefined();
        if (status === "429" || status === "503") expect(header("Retry-After"), `${where} ${status}`).toBeDefined();
        const content = get(r, "content");
        if (/^2/.test(status) && content) {
          const schema = JSON.stringify(get(asObject(content, `${where} ${status}`)["application/json"], "schema"));
          const single = /View"|CandidateForCaller|Created"|Redeemed"|MunicipalitySettings"/.test(schema) && !/Page"/.test(schema);
          if (single) expect(header("ETag"), `${where} ${status} ETag`).toBeDefined();
        }
      }
    }
    expect(get(doc, "paths", "/me/uploads/{uploadId}/complete", "post", "responses", "409", "headers", "Retry-After")).toBeDefined();
  });

  it("when a client sends a body or parameter, then every string and list in it has a limit, named parts included", async () => {
    const doc = await fetchDoc();
    const unlimited: string[] = [];
    const seen = new Set<unknown>();
    const walk = (schema: Json | undefined, at: string): void => {
      if (!isObject(schema) || seen.has(schema)) return;
      seen.add(schema);
      if (typeof schema.$ref === "string") {
        walk(resolved(doc, "schemas", schema), schema.$ref);
        return;
      }
      const types = [schema.type].flat();
      if (types.includes("string") && schema.maxLength === undefined && schema.enum === undefined && schema.const === undefined)
        unlimited.push(`${at}: string`);
      if (types.includes("array") && schema.maxItems === undefined) unlimited.push(`${at}: array`);
      for (const [key, value] of Object.entries(schema)) {
        if (key === "properties") for (const [name, p] of Object.entries(asObject(value, at))) walk(p, `${at}.${name}`);
        else if (["items", "additionalProperties", "propertyNames"].includes(key)) walk(value, `${at}.${key}`);
        else if (["anyOf", "oneOf", "allOf"].includes(key)) asArray(value, at).forEach((v, i) => walk(v, `${at}.${key}[${i}]`));
      }
    };
    for (const { path, method, op } of operations(doc)) {
      walk(get(op, ...BODY), `${method} ${path} body`);
      for (const p of asArray(op.parameters ?? [])) walk(get(p, "schema"), `${method} ${path} ${asString(get(p, "name"))}`);
    }
    expect(unlimited).toEqual([]);
  });

  it("when a route honours If-Match, then the document says so with the header and 412, and only there", async () => {
    const doc = await fetchDoc();
    for (const { spec } of registeredRoutes) {
      const op = asObject(get(doc, "paths", `/${spec.path}`, spec.method.toLowerCase()), spec.name);
      const reads = /\bifMatch\b/.test(spec.handler.toString());
      const documented = asArray(op.parameters ?? []).some((p) => get(p, "name") === "If-Match" && get(p, "in") === "header");
      expect(documented, `${spec.name}: If-Match`).toBe(reads);
      if (reads) expect(get(op, "responses", "412"), `${spec.name}: 412`).toBeDefined();
    }
    for (const [path, method] of [
      ["/municipality/settings", "put"],
      ["/candidates/{id}/legal-hold", "put"],
      ["/candidates/{id}/service-end", "post"],
    ] as const) {
      expect(
        asArray(get(doc, "paths", path, method, "parameters")).map((p) => get(p, "name")),
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

  it("when an employer's answer carries a field of the staff record, then it fails the check", () => {
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

/** Runs `check` with the document written to a file of its own, as the tools read it. */
async function withDocumentFile(check: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "hallowerk-openapi-"));
  try {
    const file = join(dir, "openapi.json");
    await writeFile(file, JSON.stringify(await fetchDoc(), null, 2));
    await check(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("OpenAPI validity", () => {
  it("when validated against the OpenAPI 3.1 schema, then the document has no errors", async () => {
    const { validate } = await import("@readme/openapi-parser");
    await withDocumentFile(async (file) => {
      const result = await validate(file);
      expect(result.valid, JSON.stringify("errors" in result ? result.errors : [], null, 1).slice(0, 2000)).toBe(true);
    });
  });

  it("when Spectral lints it with spectral:oas and the OWASP ruleset (.spectral.yaml), then it reports no errors", async () => {
    await withDocumentFile(async (file) => {
      const spectral = join(ROOT, "node_modules/.bin/spectral");
      const args = ["lint", file, "--ruleset", join(ROOT, ".spectral.yaml"), "--fail-severity=error", "--format", "json", "--quiet"];
      const run = await new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
        execFile(spectral, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
          resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
        );
      });
      const results = JSON.parse(run.stdout || "null") as { code: string; severity: number; message: string; path: string[] }[] | null;
      expect(results, run.stderr).toBeInstanceOf(Array);
      const errors = results!.filter((r) => r.severity === 0);
      expect(errors.map((e) => `${e.code} ${e.path.join(".")}: ${e.message}`)).toEqual([]);
      expect(run.code, run.stderr).toBe(0);
    });
  }, 60_000);
});
