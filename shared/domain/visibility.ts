import type { Role } from "./roles.js";

/**
 * Who sees which candidate, through which projection (DPIA §5, §11; README "Who sees what").
 * - coach: every candidate of their own municipality (the staff projection), nothing elsewhere;
 * - accountManager: own municipality as staff; elsewhere what an employer of their region gets;
 * - employer: candidates that are visible to employers and whose municipality lets the
 *   employer's municipality see them (employerReach).
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

/** Whether a municipality's policy lets viewers of `viewerMunicipality` see its candidates. */
export function reachAllows(reach: EmployerReach, candidateMunicipality: string, viewerMunicipality: string): boolean {
  return reach === "all" || candidateMunicipality === viewerMunicipality;
}

/**
 * The fields of the employer projection. Never: client number, gender, date of birth,
 * postcode, case manager, service type, the coach's hiding reason (README "Who sees what";
 * test/authorization.test.ts checks the fields per role). The data layer turns this into the
 * SELECT list, so other fields never leave the database.
 */
export const EMPLOYER_PROJECTION = {
  top: ["id", "municipalityId", "status", "profile", "files", "updatedAt"],
  admin: ["firstName", "lastName", "email", "phone", "directlyReachable", "targetGroups"],
} as const;

/** Search results: the employer projection without files (`GET /api/search/candidates` in the OpenAPI document). */
export const SEARCH_PROJECTION = {
  top: ["id", "municipalityId", "status", "profile", "updatedAt"],
  admin: EMPLOYER_PROJECTION.admin,
} as const satisfies { top: readonly (typeof EMPLOYER_PROJECTION.top)[number][]; admin: readonly string[] };

/** Account managers searching their own municipality: the staff record (all of `admin`), without files. */
export const STAFF_SEARCH_PROJECTION = {
  top: ["id", "municipalityId", "status", "profile", "sharing", "employerVisibility", "updatedAt"],
} as const;
