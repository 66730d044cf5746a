import { config } from "../config/index.js";
import { readSettings, restrictedMunicipalities, writeSettings } from "../data/municipalities.js";
import { nowIso } from "../domain/clock.js";
import { forbidden } from "../domain/errors.js";
import { DEFAULT_SETTINGS, type Contact, type MunicipalitySettings } from "../domain/municipality.js";
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
