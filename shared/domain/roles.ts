export const ROLES = ["candidate", "coach", "accountManager", "employer", "teamLead", "admin", "integration"] as const;
export type Role = (typeof ROLES)[number];

/** Municipal staff: each belongs to one municipality and must sign in with MFA (DPIA §16). */
export const STAFF_ROLES: readonly Role[] = ["coach", "accountManager", "teamLead", "admin"];

export const isStaff = (role: Role): boolean => STAFF_ROLES.includes(role);

/**
 * Roles bound to one municipality by their token: staff, and client-tracking systems (RAAK/RMW)
 * signing in as a service principal with the `integration` role (app-only: no MFA claim).
 */
export const hasMunicipalityClaim = (role: Role): boolean => isStaff(role) || role === "integration";

/** Who is asking: the verified token reduced to what the platform uses. */
export interface Principal {
  sub: string;
  role: Role;
  /** Set for staff and integrations; candidates and employers are bound to a municipality through their record. */
  municipalityId?: string;
  /** Client IP address, kept for staff only (DPIA §2 usage logging). */
  ip?: string;
}
