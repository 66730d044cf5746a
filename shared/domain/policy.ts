import type { Role } from "./roles.js";

/**
 * The one table of who may do what. A route names its action; an action missing here,
 * or a role missing from its row, is denied. Municipality scope is not a row here: every
 * staff action runs inside the caller's own municipality partition, so another
 * municipality's records are simply not found (404).
 */
export const POLICY = {
  "health.read": "public",
  "health.ready": "public",
  "openapi.read": "public",
  "terms.read": "public",
  "candidates.create": ["coach"],
  "candidates.list": ["coach"],
  // Which candidates, and which of their fields, each role gets is decided by visibility.ts.
  "candidates.read": ["coach", "accountManager", "employer"],
  "candidates.updateAdmin": ["coach"],
  "candidates.setEmployerVisibility": ["coach"],
  "candidates.setStatus": ["coach", "admin"],
  "candidates.recordServiceEnd": ["coach"],
  "candidates.setLegalHold": ["admin"],
  "candidates.delete": ["coach", "admin"],
  "integrations.serviceEnds": ["integration"],
  "retention.preview": ["admin"],
  "retention.run": ["admin"],
  "retention.replayDeletions": ["admin"],
  "invitations.redeem": ["candidate", "employer"],
  "me.profile.read": ["candidate"],
  "me.profile.update": ["candidate"],
  "me.profile.erase": ["candidate"],
  "me.terms.accept": ["candidate"],
  "me.sharing.update": ["candidate"],
  "me.notifications.update": ["candidate"],
  "me.uploads.start": ["candidate"],
  "me.uploads.complete": ["candidate"],
  "me.files.delete": ["candidate"],
  // GDPR Art. 15 and 20: the candidate's own copy of everything stored, and who looked at it.
  "me.export": ["candidate"],
  "me.accessLog": ["candidate"],
  // The same for a written request that reached the municipality.
  "candidates.export": ["coach", "admin"],
  "candidates.accessLog": ["coach", "admin"],
  "signals.list": ["coach", "accountManager"],
  "signals.markRead": ["coach", "accountManager"],
  "search.candidates": ["employer", "accountManager"],
  "employers.create": ["accountManager"],
  "employers.list": ["accountManager"],
  "employers.read": ["accountManager", "employer"],
  "employers.update": ["accountManager"],
  "employers.end": ["accountManager"],
  "kvk.lookup": ["accountManager"],
  "vacancies.create": ["accountManager"],
  "vacancies.list": ["candidate", "accountManager", "employer"],
  "vacancies.read": ["candidate", "accountManager", "employer"],
  "vacancies.update": ["accountManager"],
  // Which candidates, and which fields: exactly search's rules; employers only for their own vacancies (404 otherwise).
  "vacancies.matches": ["accountManager", "employer"],
  "me.matches": ["candidate"],
  // Each user's own: another's saved search is not found.
  "me.savedSearches.list": ["employer", "accountManager"],
  "me.savedSearches.create": ["employer", "accountManager"],
  "me.savedSearches.delete": ["employer", "accountManager"],
  // Aggregated figures only, never per person or per staff member (shared/domain/suppression.ts).
  "reports.summary": ["teamLead", "admin"],
  "municipality.settings.read": ["admin"],
  "municipality.settings.update": ["admin"],
} as const satisfies Record<string, "public" | readonly Role[]>;

export type Action = keyof typeof POLICY;
/** The actions anyone may take, without a token. */
export type PublicAction = { [A in Action]: (typeof POLICY)[A] extends "public" ? A : never }[Action];

export function isPublic(action: Action): boolean {
  return POLICY[action] === "public";
}

export function allows(action: Action, role: Role): boolean {
  const rule = POLICY[action] as "public" | readonly Role[];
  return rule === "public" || rule.includes(role);
}

/**
 * Field ownership (DPIA §13): staff write `admin`, the candidate writes `profile`,
 * and neither may touch the other's side.
 */
export const FIELD_OWNER = { admin: "staff", profile: "candidate" } as const;
export type FieldSide = keyof typeof FIELD_OWNER;
