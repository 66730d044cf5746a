import type { Role } from "./roles.js";

/**
 * Who sees which candidate, through which projection (DPIA §5, §11; README "Who sees what").
 * - coach: every candidate of their own municipality (the staff projection), nothing elsewhere;
 * - accountManager: own municipality as staff; elsewhere what an employer of their region gets;
 * - employer: the candidates `EMPLOYER_SIGHT` lets them see, with its projection.
 */
export type Sight = "staff" | "employer" | "none";

export function sightOf(role: Role, viewerMunicipality: string, candidateMunicipality: string): Sight {
  const own = viewerMunicipality === candidateMunicipality;
  switch (role) {
    case "coach":
      return own ? "staff" : "none";
    case "accountManager":
      return own ? "staff" : "employer";
    case "employer":
      return "employer";
    default:
      return "none";
  }
}

export const EMPLOYER_REACH = ["all", "ownMunicipality"] as const;
export type EmployerReach = (typeof EMPLOYER_REACH)[number];

// ---- employer sight: the one definition --------------------------------------------------------

/**
 * Who an employer (and an account manager outside their own municipality) looks from: their
 * municipality, and the municipalities whose `employerReach` is `ownMunicipality`.
 */
export interface EmployerViewer {
  municipalityId: string;
  restricted: readonly string[];
}

/**
 * One condition on a stored candidate document: a field (path) equals a literal or a value of
 * the viewer, or is not among a list of the viewer's; or any of several conditions.
 */
export type Condition =
  | { path: readonly string[]; op: "="; value: string | boolean }
  | { path: readonly string[]; op: "="; viewer: "municipalityId" }
  | { path: readonly string[]; op: "notIn"; viewer: "restricted" }
  | { anyOf: readonly Condition[] };

/**
 * When an employer may see a candidate, and what of it (DPIA §5, §11; README "Who sees what"):
 * active, shared by the candidate, not hidden by a coach, and the candidate's municipality's
 * `employerReach` reaches the viewer's municipality. From this one definition come the predicate
 * on a loaded document (`employerMaySee`), the Cosmos filter (`employerSightFilter`), the index
 * paths the filter needs (shared/data/containers.ts), the SELECT lists (`selectList`) and the
 * OpenAPI employer views (shared/http/views.ts). Every condition is a strict equality, so a
 * document missing a field is not visible, in code as in Cosmos (where a comparison with an
 * undefined field is undefined, which WHERE drops). test/visibility.test.ts checks that predicate
 * and query agree on every combination, against the emulator.
 */
const EMPLOYER_ADMIN_FIELDS = ["firstName", "lastName", "email", "phone", "directlyReachable", "targetGroups"] as const;

export const EMPLOYER_SIGHT = {
  conditions: [
    { path: ["status"], op: "=", value: "active" },
    { path: ["sharing", "withEmployers"], op: "=", value: true },
    { path: ["employerVisibility", "hidden"], op: "=", value: false },
    {
      anyOf: [
        { path: ["municipalityId"], op: "=", viewer: "municipalityId" },
        { path: ["municipalityId"], op: "notIn", viewer: "restricted" },
      ],
    },
  ] as const satisfies readonly Condition[],
  /**
   * The employer projection. Never: client number, gender, date of birth, postcode, case
   * manager, service type, the coach's hiding reason (test/authorization.test.ts checks the
   * fields per role). It is the SELECT list, so other fields never leave the database.
   */
  projection: {
    top: ["id", "municipalityId", "status", "profile", "files", "updatedAt"],
    admin: EMPLOYER_ADMIN_FIELDS,
  },
  /** Search results: the employer projection without files. */
  searchProjection: {
    top: ["id", "municipalityId", "status", "profile", "updatedAt"],
    admin: EMPLOYER_ADMIN_FIELDS,
  },
} as const;

const valueAt = (doc: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), doc);

function holds(c: Condition, doc: unknown, viewer: EmployerViewer): boolean {
  if ("anyOf" in c) return c.anyOf.some((one) => holds(one, doc, viewer));
  const actual = valueAt(doc, c.path);
  if (c.op === "notIn") return typeof actual === "string" && !viewer[c.viewer].includes(actual);
  return actual !== undefined && actual === ("value" in c ? c.value : viewer[c.viewer]);
}

/** Whether an employer looking from `viewer` may see this stored candidate document. */
export function employerMaySee(doc: unknown, viewer: EmployerViewer): boolean {
  return EMPLOYER_SIGHT.conditions.every((c) => holds(c, doc, viewer));
}

/** A query parameter, as Cosmos takes it (`SqlParameter`). */
export interface QueryParameter {
  name: string;
  value: string | boolean | string[];
}

/**
 * The same rule as a Cosmos SQL fragment for `WHERE`, on alias `c`, with its parameters (named
 * `@sight0`, `@sight1`, …; literals are parameters too, so no value is ever spliced into the text).
 */
export function employerSightFilter(viewer: EmployerViewer): { where: string; parameters: QueryParameter[] } {
  const parameters: QueryParameter[] = [];
  const param = (value: QueryParameter["value"]) => {
    const name = `@sight${parameters.length}`;
    parameters.push({ name, value });
    return name;
  };
  const sql = (c: Condition): string => {
    if ("anyOf" in c) return `(${c.anyOf.map(sql).join(" OR ")})`;
    const field = ["c", ...c.path].join(".");
    if (c.op === "notIn") return `NOT ARRAY_CONTAINS(${param([...viewer[c.viewer]])}, ${field})`;
    return `${field} = ${param("value" in c ? c.value : viewer[c.viewer])}`;
  };
  return { where: EMPLOYER_SIGHT.conditions.map(sql).join(" AND "), parameters };
}

/** The index paths (`/a/b/?`) the filter reads, for the candidates container's indexing policy. */
export function employerSightIndexPaths(): string[] {
  const paths = (c: Condition): (readonly string[])[] => ("anyOf" in c ? c.anyOf.flatMap(paths) : [c.path]);
  return [...new Set(EMPLOYER_SIGHT.conditions.flatMap(paths).map((p) => `/${p.join("/")}/?`))];
}

/** A projection: top-level fields, and the `admin` fields kept (all of `admin` when absent). */
export interface Projection {
  top: readonly string[];
  admin?: readonly string[];
}

/** A projection that selects `id` first: what a page of found candidates is counted and audited by. */
export interface IdProjection extends Projection {
  top: readonly ["id", ...string[]];
}

/** The SELECT list of a projection, so fields outside it never leave the database. */
export function selectList(p: Projection): string {
  const fields = p.top.map((f) => `c.${f}`);
  if (p.admin) fields.push(`{${p.admin.map((f) => `"${f}": c.admin.${f}`).join(", ")}} AS admin`);
  else fields.push("c.admin");
  return fields.join(", ");
}

/** The employer projection (GET /api/candidates/{id} for employers; the OpenAPI `CandidateEmployerView`). */
export const EMPLOYER_PROJECTION = EMPLOYER_SIGHT.projection;

/** Search results: the employer projection without files (`GET /api/search/candidates` in the OpenAPI document). */
export const SEARCH_PROJECTION = EMPLOYER_SIGHT.searchProjection satisfies {
  top: readonly (typeof EMPLOYER_PROJECTION.top)[number][];
  admin: readonly string[];
};

/** Account managers searching their own municipality: the staff record (all of `admin`), without files. */
export const STAFF_SEARCH_PROJECTION = {
  top: ["id", "municipalityId", "status", "profile", "sharing", "employerVisibility", "updatedAt"],
} as const;
