import { config } from "../config/index.js";
import { readSettings, registerMunicipality as register, restrictedMunicipalities, writeSettings } from "../data/municipalities.js";
import { nowIso } from "../domain/clock.js";
import { forbidden } from "../domain/errors.js";
import { DEFAULT_SETTINGS, type Contact, type MunicipalitySettings } from "../domain/municipality.js";
import type { RetentionPeriods } from "../domain/retention.js";
import type { Principal } from "../domain/roles.js";
import { reachAllows } from "../domain/visibility.js";

/** Staff act in their own municipality only; the token guarantees they have one. */
export function municipalityOf(principal: Principal): string {
  if (!principal.municipalityId) throw forbidden("staff tokens must name the user's municipality");
  return principal.municipalityId;
}

export async function getSettings(principal: Principal): Promise<MunicipalitySettings> {
  return (await readSettings(municipalityOf(principal))) ?? DEFAULT_SETTINGS;
}

export async function putSettings(principal: Principal, settings: MunicipalitySettings): Promise<MunicipalitySettings> {
  await writeSettings(municipalityOf(principal), settings, nowIso());
  return settings;
}

/** Whether viewers of `viewerMunicipality` may see candidates of `candidateMunicipality` (employerReach). */
export async function reachesCandidate(candidateMunicipality: string, viewerMunicipality: string): Promise<boolean> {
  const restricted = await restrictedMunicipalities();
  return reachAllows(restricted.has(candidateMunicipality) ? "ownMunicipality" : "all", candidateMunicipality, viewerMunicipality);
}

/** The contact person employers of a municipality see: its own, or the general WSP contact. */
export async function employerContact(municipalityId: string): Promise<Contact> {
  const own = (await readSettings(municipalityId))?.contact;
  if (own) return own;
  const c = config();
  return { name: c.WSP_CONTACT_NAME, email: c.WSP_CONTACT_EMAIL, ...(c.WSP_CONTACT_PHONE ? { phone: c.WSP_CONTACT_PHONE } : {}) };
}

export const registerMunicipality = (municipalityId: string) => register(municipalityId, nowIso());

/** The retention periods in force for a municipality: the configured ones, with its own overrides. */
export async function retentionPeriods(municipalityId: string): Promise<RetentionPeriods> {
  const c = config();
  const own = (await readSettings(municipalityId))?.retentionYears ?? {};
  return {
    aborted: own.aborted ?? c.RETENTION_YEARS_ABORTED,
    rejected: own.rejected ?? c.RETENTION_YEARS_REJECTED,
    completed: own.completed ?? c.RETENTION_YEARS_COMPLETED,
    esfAfterProgramme: own.esfAfterProgramme ?? c.RETENTION_YEARS_AFTER_ESF,
  };
}
