import { describe, expect, it } from "vitest";
import { registeredRoutes } from "../shared/http/routes.js";
import { call } from "./support/http.js";

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
      if (spec.body) expect(op.requestBody.content["application/json"].schema.type).toBe("object");
      if (op.security.length) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["401", "403"]));
    }
  });

  it("when a client reads the create-candidate schema, then required fields, enums and the closed shape are there", async () => {
    const doc = (await call("GET", "/api/openapi.json")).body;
    const admin = doc.paths["/candidates"].post.requestBody.content["application/json"].schema.properties.admin;
    expect(admin.required.sort()).toEqual(["clientNumber", "email", "firstName", "lastName"]);
    expect(admin.properties.gender.enum).toEqual(["female", "male", "other", "unspecified"]);
    expect(admin.additionalProperties).toBe(false);
    const profilePatch = doc.paths["/me/profile"].patch.requestBody.content["application/json"].schema.properties.profile;
    expect(Object.keys(profilePatch.properties)).toEqual(expect.arrayContaining(["description", "freeText", "physical", "drivingLicences"]));
  });
});

describe("OpenAPI validity", () => {
  it("when validated against the OpenAPI 3.1 schema, then the document has no errors", async () => {
    const { validate } = await import("@readme/openapi-parser");
    const doc = (await call("GET", "/api/openapi.json")).body;
    const result = await validate(structuredClone(doc));
    expect(result.valid, JSON.stringify("errors" in result ? result.errors : [], null, 1).slice(0, 2000)).toBe(true);
  });
});
