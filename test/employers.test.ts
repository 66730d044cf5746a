import { describe, expect, it } from "vitest";
import { buildEmployer, employerUser, newMunicipality, tokenFor } from "./support/factories.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { testRuntime } from "./support/runtime.js";

// Short, so the "KvK never answers" case is quick.
const SETTINGS = { KVK_TIMEOUT_MS: "300" };
testRuntime(SETTINGS);

describe("employers", () => {
  it("when an account manager registers an employer, then it is stored for their municipality with a one-time code", async () => {
    const m = newMunicipality();
    const am = await tokenFor("accountManager", m);
    const body = buildEmployer({ address: { street: "Oudegracht 112", postcode: "3511az", city: "Utrecht" } });

    const res = await call<Schema<"EmployerCreated">>("POST", "/api/employers", { token: am, body });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, address: { ...body.address, postcode: "3511 AZ" }, municipalityId: m, status: "invited" });
    expect(res.body.invitationCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers.location).toBe(`/api/employers/${res.body.id}`);
  });

  it("when fields are wrong or missing, then 400 names them; a KvK number twice in a municipality is 409", async () => {
    const m = newMunicipality();
    const am = await tokenFor("accountManager", m);
    const bad = await call<Schema<"ValidationProblem">>("POST", "/api/employers", {
      token: am,
      body: { companyName: "X", kvkNumber: "123", address: {}, contact: { email: "no" }, extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        "kvkNumber",
        "address.street",
        "address.postcode",
        "address.city",
        "contact.firstName",
        "contact.email",
        "extra",
      ]),
    );
    const first = buildEmployer();
    await call("POST", "/api/employers", { token: am, body: first });
    expect((await call("POST", "/api/employers", { token: am, body: buildEmployer({ kvkNumber: first.kvkNumber }) })).status).toBe(409);
  });

  it("when an employer user redeems the code, then the employer is active and they read their own company with the WSP contact", async () => {
    const m = newMunicipality();
    const e = await employerUser(m);

    const own = await call<Schema<"EmployerOwnView">>("GET", `/api/employers/${e.id}`, { token: e.token });

    expect(own.status).toBe(200);
    expect(own.body.status).toBe("active");
    expect(own.body.municipalityContact).toEqual({ name: "Werkgeversservicepunt", email: "wsp@hallowerk.example" });
    const other = await employerUser(m);
    expect((await call("GET", `/api/employers/${other.id}`, { token: e.token })).status).toBe(404);
  });

  it("when the municipality names its own contact person, then employers see that one", async () => {
    const m = newMunicipality();
    const e = await employerUser(m);
    const admin = await tokenFor("admin", m);
    const contact = { name: "Ali Yilmaz", email: "a.yilmaz@gemeente.example", phone: "010 1234567" };

    const put = await call("PUT", "/api/municipality/settings", { token: admin, body: { employerReach: "all", contact } });

    expect(put.status).toBe(200);
    expect((await call<Schema<"MunicipalitySettings">>("GET", "/api/municipality/settings", { token: admin })).body).toEqual({
      employerReach: "all",
      contact,
    });
    expect((await call<Schema<"EmployerOwnView">>("GET", `/api/employers/${e.id}`, { token: e.token })).body.municipalityContact).toEqual(
      contact,
    );
  });

  it("when listing, then employers of the own municipality come by name, paged, with a name-prefix filter", async () => {
    const m = newMunicipality();
    const am = await tokenFor("accountManager", m);
    for (const companyName of ["Zeeman", "Albert Heijn", "Bol.com"])
      await call("POST", "/api/employers", { token: am, body: buildEmployer({ companyName }) });
    await call("POST", "/api/employers", {
      token: await tokenFor("accountManager", newMunicipality()),
      body: buildEmployer({ companyName: "Elders" }),
    });

    const first = await call<Schema<"EmployerPage">>("GET", "/api/employers?pageSize=2", { token: am });
    const second = await call<Schema<"EmployerPage">>("GET", `/api/employers?pageSize=2&continuation=${first.body.continuation}`, {
      token: am,
    });
    const prefixed = await call<Schema<"EmployerPage">>("GET", "/api/employers?q=bol", { token: am });

    expect([...first.body.items, ...second.body.items].map((e) => e.companyName)).toEqual(["Albert Heijn", "Bol.com", "Zeeman"]);
    expect(second.body.continuation).toBeNull();
    expect(prefixed.body.items.map((e) => e.companyName)).toEqual(["Bol.com"]);
    expect(first.body.items[0]).not.toHaveProperty("_rid");
  });

  it("when an account manager patches an employer, then fields merge; an optional field set to null goes", async () => {
    const m = newMunicipality();
    const am = await tokenFor("accountManager", m);
    const created = await call<Schema<"EmployerCreated">>("POST", "/api/employers", { token: am, body: buildEmployer() });

    const res = await call<Schema<"EmployerView">>("PATCH", `/api/employers/${created.body.id}`, {
      token: am,
      headers: { "if-match": created.headers.etag! },
      body: { companyName: "Nieuwe Naam B.V.", contact: { phone: null } },
    });

    expect(res.status).toBe(200);
    expect(res.body.companyName).toBe("Nieuwe Naam B.V.");
    expect(res.body.contact).not.toHaveProperty("phone");
    expect(res.body.contact.firstName).toBe("Eva");
    const stale = await call("PATCH", `/api/employers/${created.body.id}`, {
      token: am,
      headers: { "if-match": created.headers.etag! },
      body: { companyName: "X" },
    });
    expect(stale.status).toBe(412);
  });
});

describe("GET /kvk/{kvkNumber}", () => {
  const lookup = async <T = Schema<"KvkCompany">>(n: string) =>
    call<T>("GET", `/api/kvk/${n}`, { token: await tokenFor("accountManager", "utrecht") });

  it("when KvK knows the number, then name and visiting address come back, ready for registration", async () => {
    const res = await lookup("69599084");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kvkNumber: "69599084",
      companyName: "Bakkerij De Gouden Korrel B.V.",
      address: { street: "Oudegracht 112", postcode: "3511 AZ", city: "Utrecht" },
    });
  });

  it("when the number is unknown, malformed, or KvK fails or hangs, then 404, 400, 502 or 503 with a clear message", async () => {
    expect((await lookup("12345678")).status).toBe(404);
    expect((await lookup("1234")).status).toBe(400);
    const failing = await lookup("99999990");
    expect(failing.status).toBe(502);
    const started = Date.now();
    const hanging = await lookup<Problem>("99999991");
    expect(hanging.status).toBe(503);
    expect(hanging.headers["retry-after"]).toBe("60");
    expect(hanging.body.detail).toMatch(/no answer in time/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("when the runtime has another KvK client or none, then the lookup asks that one, or answers 503 naming the setting", async () => {
    const asked: string[] = [];
    const other = {
      basisprofiel: (kvkNumber: string) => {
        asked.push(kvkNumber);
        return Promise.resolve({
          kvkNumber,
          companyName: "Stand-in B.V.",
          address: { street: "Straat 1", postcode: "1234 AB", city: "Utrecht" },
        });
      },
    };
    try {
      testRuntime(SETTINGS, { kvk: other });
      const res = await lookup("12345678");
      expect(res.status).toBe(200);
      expect(res.body.companyName).toBe("Stand-in B.V.");
      expect(asked).toEqual(["12345678"]);

      testRuntime(SETTINGS, { kvk: undefined });
      const none = await lookup<Problem>("12345678");
      expect(none.status).toBe(503);
      expect(none.body.detail).toMatch(/KVK_BASE_URL/);
    } finally {
      testRuntime(SETTINGS);
    }
  });
});
