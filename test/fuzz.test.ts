// Property-based fuzzing of every registered route (README "Tests and benchmarks"): requests
// generated from each route's own zod schemas, valid, near-valid (one field broken, an extra key,
// wrong types, huge strings, deep nesting, unicode) and junk, in the body, the query string, the
// path parameters and the Content-Type and If-Match headers; with a token of a role the route
// allows, and now and then of one it does not, or none.
//
//   - no answer is ever a 5xx;
//   - every answer is the documented one (call() checks it against the OpenAPI document);
//   - after a 4xx nothing stored has changed: every document of the test's municipality in every
//     container (and the viewing-limit counters of its users) has the same id set and ETags.
//
// CI runs FUZZ_RUNS (20) cases per route; `npm run fuzz` runs 500 and prints what it tried.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchRoute } from "../dev/host.js";
import { actAsWorker, httpFunctions } from "../dev/worker.js";
import { container } from "../shared/data/cosmos.js";
import { CONTAINERS, type ContainerName } from "../shared/data/containers.js";
import { POLICY } from "../shared/domain/policy.js";
import { ROLES, type Role } from "../shared/domain/roles.js";
import { registeredRoutes, type RegisteredRoute } from "../shared/http/routes.js";
import { employerUser, newMunicipality, sharedCandidate, tokenFor } from "./support/factories.js";
import { bodyText, contentTypes, ifMatchValues, jsonSchemaOf, paramValue, queryString } from "./support/fuzz.js";
import { call, type Schema } from "./support/http.js";
import { get, isObject, shown } from "./support/json.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const VERBOSE = process.env.FUZZ_VERBOSE === "1" || RUNS > 20;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

interface World {
  m: string;
  tokens: Record<Role, string>;
  /** Real ids per path parameter name. */
  ids: Record<string, string[]>;
  etags: string[];
  /** Strings that mark a document as this world's (its municipality, its users, its records). */
  marks: string[];
}

async function makeWorld(): Promise<World> {
  const m = newMunicipality("fuzz");
  const candidate = await sharedCandidate(m);
  const employer = await employerUser(m);
  const vacancy = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
    token: employer.accountManager,
    body: {
      employerId: employer.id,
      title: "Magazijnmedewerker",
      description: "Orderpicken",
      occupation: "magazijnmedewerker",
      sector: "logistiek",
      skills: ["orderpicken"],
      hoursPerWeek: { min: 24, max: 38 },
    },
  });
  const upload = await call<Schema<"UploadTicket">>("POST", "/api/me/uploads", {
    token: candidate.token,
    body: { kind: "cv", contentType: "application/pdf", size: 1000, fileName: "cv.pdf" },
  });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) tokens[role] = await tokenFor(role, m);
  tokens.coach = candidate.coach;
  tokens.accountManager = employer.accountManager;
  tokens.candidate = candidate.token;
  tokens.employer = employer.token;
  const ids: World["ids"] = {
    id: [candidate.id, employer.id, ...(vacancy.status === 201 ? [vacancy.body.id] : [])],
    uploadId: upload.status === 201 ? [upload.body.uploadId] : [],
    kind: ["cv", "photo", "video"],
    kvkNumber: ["69599084"],
  };
  return { m, tokens, ids, etags: [candidate.etag], marks: [m, candidate.sub, employer.sub, employer.id, candidate.id] };
}

/** Every document of the world, as `container/id → etag`. */
async function snapshot(w: World): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const day = new Date().toISOString().slice(0, 10);
  await Promise.all(
    (Object.keys(CONTAINERS) as ContainerName[]).map(async (name) => {
      const query =
        name === "counters" || name === "municipalities"
          ? { query: "SELECT * FROM c" + (name === "counters" ? " WHERE c.day = @day" : ""), parameters: [{ name: "@day", value: day }] }
          : { query: "SELECT * FROM c WHERE c.municipalityId = @m", parameters: [{ name: "@m", value: w.m }] };
      const { resources } = await container(name).items.query<Record<string, unknown>>(query).fetchAll();
      for (const doc of resources) {
        const text = JSON.stringify(doc);
        if (w.marks.some((mark) => text.includes(mark))) out.set(`${name}/${String(doc.id)}`, String(doc._etag));
      }
    }),
  );
  return out;
}

function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of before)
    if (!after.has(k)) out.push(`deleted ${k}`);
    else if (after.get(k) !== v) out.push(`changed ${k}`);
  for (const k of after.keys()) if (!before.has(k)) out.push(`created ${k}`);
  return out;
}

/**
 * 4xx answers that change stored data on purpose: route → status → containers it may touch, and why.
 */
const WRITES_ON_4XX: Record<string, Record<number, { containers: string[]; why: string }>> = {
  "POST /me/uploads/{uploadId}/complete": {
    422: {
      containers: ["uploads"],
      why: "a file that fails verification is deleted and its upload recorded as refused (later calls get 409)",
    },
  },
  "GET /candidates/{id}/files/{kind}": {
    404: {
      containers: ["audit", "counters"],
      why: "'the candidate has no cv' tells a caller who may see the candidate something about them: the candidate read is logged and counted as a page",
    },
  },
};

const tried = new Map<string, Map<string, number>>();
const count = (route: string, key: string) => {
  const byRoute = tried.get(route) ?? new Map<string, number>();
  byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
  tried.set(route, byRoute);
};

const functions = httpFunctions(actAsWorker().functions);

function caseFor(r: RegisteredRoute, w: World) {
  const spec = r.spec;
  const rule = POLICY[spec.action] as "public" | readonly Role[];
  const allowed = rule === "public" ? [...ROLES] : [...rule];
  const others = ROLES.filter((x) => !allowed.includes(x));
  const paramNames = [...spec.path.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!);
  const paramSchema = spec.params ? jsonSchemaOf(spec.params) : undefined;
  const paramSchemaOf = (n: string) => {
    const schema = get(paramSchema, "properties", n);
    return isObject(schema) ? schema : undefined;
  };
  const params = fc.tuple(...paramNames.map((n) => paramValue(w.ids[n] ?? [], paramSchemaOf(n))));
  const who = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...allowed) },
    { weight: others.length ? 1 : 0, arbitrary: fc.constantFrom(...(others.length ? others : allowed)) },
    { weight: rule === "public" ? 0 : 1, arbitrary: fc.constant<"none">("none") },
  );
  const body = spec.body ? bodyText(jsonSchemaOf(spec.body)) : fc.constant({ kind: "none", text: undefined as string | undefined });
  const query = queryString(spec.query ? jsonSchemaOf(spec.query) : undefined);
  return fc.record({ who, params, body, query, contentType: contentTypes, ifMatch: ifMatchValues(w.etags) });
}

afterAll(() => {
  if (!VERBOSE) return;
  const lines = [...tried].map(
    ([route, counts]) =>
      `${route.padEnd(44)} ${[...counts]
        .sort()
        .map(([k, n]) => `${k}:${n}`)
        .join(" ")}`,
  );
  console.log(`fuzz: ${RUNS} cases per route\n${lines.join("\n")}`);
});

describe("fuzzing every route", () => {
  it("when the route table is read, then every route is fuzzed here", () => {
    expect(registeredRoutes.length).toBeGreaterThan(30);
  });

  for (const r of registeredRoutes) {
    const label = `${r.spec.method} /${r.spec.path}`;
    describe(label, () => {
      let w: World;
      beforeAll(async () => {
        w = await makeWorld();
      });

      it(
        `when ${label} gets generated valid, near-valid and junk requests, then it never answers 5xx, answers as documented, and a 4xx changes nothing stored`,
        async () => {
          let state = await snapshot(w);
          await fc.assert(
            fc.asyncProperty(caseFor(r, w), async (c) => {
              let path = `/api/${r.spec.path}`;
              const names = [...r.spec.path.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!);
              names.forEach((n, i) => (path = path.replace(`{${n}}`, c.params[i]!.raw)));
              const pathname = new URL(path, "http://localhost").pathname;
              // What the Functions host would not route to this function (an empty or '/'-holding
              // segment, malformed percent-encoding) never reaches the handler: nothing to test here.
              const match = matchRoute(functions, r.spec.method, pathname);
              if (typeof match !== "object" || match.fn.name !== r.spec.name) {
                count(label, "unrouted");
                return;
              }
              const headers: Record<string, string> = {};
              if (c.body.text !== undefined || c.contentType !== "application/json") headers["content-type"] = c.contentType;
              if (c.ifMatch !== undefined) headers["if-match"] = c.ifMatch;
              const res = await call(r.spec.method, path + c.query.text, {
                ...(c.who !== "none" ? { token: w.tokens[c.who] } : {}),
                ...(c.body.text !== undefined && r.spec.method !== "GET" ? { rawBody: c.body.text } : {}),
                headers,
              });
              count(label, String(res.status));
              expect(res.status, `${r.spec.method} ${path}${c.query.text.slice(0, 200)} as ${c.who}: ${shown(res.body, 500)}`).toBeLessThan(
                500,
              );
              const after = await snapshot(w);
              if (res.status >= 400) {
                const allowed = WRITES_ON_4XX[label]?.[res.status]?.containers ?? [];
                expect(
                  differences(state, after).filter((d) => !allowed.some((c) => d.includes(` ${c}/`))),
                  `${res.status} to ${r.spec.method} ${path} (${c.body.kind} body) changed stored data`,
                ).toEqual([]);
              }
              if (res.headers.etag) w.etags.push(res.headers.etag);
              state = after;
            }),
            { numRuns: RUNS, endOnFailure: !process.env.FUZZ_SHRINK, ...(SEED !== undefined ? { seed: SEED } : {}) },
          );
        },
        Math.max(60_000, RUNS * 2_000),
      );
    });
  }
});
