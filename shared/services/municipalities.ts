import { config } from "../config/index.js";
import type { VersionCheck } from "../data/documents.js";
import { StaleVersion } from "../data/errors.js";
import {
  readSettings,
  readSettingsVersioned,
  registerMunicipality as register,
  restrictedMunicipalities,
  writeSettings,
} from "../data/municipalities.js";
import { nowIso } from "../domain/clock.js";
import { forbidden } from "../domain/errors.js";
import { DEFAULT_SETTINGS, type Contact, type MunicipalitySettings } from "../domain/municipality.js";
import type { RetentionPeriods } from "../domain/retention.js";
import type { Principal } from "../domain/roles.js";
import type { EmployerViewer } from "../domain/visibility.js";
import type { VersionedView } from "./concurrency.js";

/** Staff act in their own municipality only; the token guarantees they have one. */
export function municipalityOf(principal: Principal): string {
  if (!principal.municipalityId) throw forbidden("staff tokens must name the user's municipality");
  return principal.municipalityId;
}

/**
 * The settings with their ETag. A municipality without stored settings gets the defaults
 * stored first (as its first candidate or employer would), so there is a version to send back.
 */
export async function getSettings(principal: Principal): Promise<VersionedView<MunicipalitySettings>> {
  const municipalityId = municipalityOf(principal);
  let found = await readSettingsVersioned(municipalityId);
  if (!found) {
    await register(municipalityId, nowIso(), { force: true });
    found = await readSettingsVersioned(municipalityId);
  }
  return { view: found?.doc ?? DEFAULT_SETTINGS, etag: found?.etag ?? "" };
}

/**
 * Replaces the settings. With a version check (If-Match), only when the current version passes it
 * (StaleVersion otherwise, also when another administrator got there first): a reach restriction cannot be
 * undone by someone who never saw it.
 */
export async function putSettings(
  principal: Principal,
  settings: MunicipalitySettings,
  expected: VersionCheck | undefined,
): Promise<VersionedView<MunicipalitySettings>> {
  const municipalityId = municipalityOf(principal);
  let current: string | undefined;
  if (expected) {
    const found = await readSettingsVersioned(municipalityId);
    if (!found || !expected(found.etag)) throw changedMeanwhile();
    current = found.etag;
  }
  const etag = await writeSettings(municipalityId, settings, nowIso(), current);
  if (etag === false) throw changedMeanwhile();
  return { view: settings, etag };
}

const changedMeanwhile = () => new StaleVersion("the settings were changed since you read them; read them again and reapply your change");

/** Where an employer of `viewerMunicipality` looks from: the input of `EMPLOYER_SIGHT` (visibility.ts). */
export async function employerViewer(viewerMunicipality: string): Promise<EmployerViewer> {
  return { municipalityId: viewerMunicipality, restricted: [...(await restrictedMunicipalities())] };
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
