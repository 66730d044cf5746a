import { config } from "../config/index.js";
import type { MunicipalitySettings } from "../domain/municipality.js";
import { container, withoutSystemFields } from "./cosmos.js";

const PARTITION = "municipalities";

interface SettingsDoc extends MunicipalitySettings {
  id: string;
  partition: typeof PARTITION;
  updatedAt: string;
}

const municipalities = () => container("municipalities");

export async function readSettings(municipalityId: string): Promise<MunicipalitySettings | undefined> {
  const { resource } = await municipalities().item(municipalityId, PARTITION).read<SettingsDoc>();
  if (!resource) return undefined;
  const { id: _id, partition: _p, updatedAt: _u, ...settings } = withoutSystemFields(resource);
  return settings;
}

export async function writeSettings(municipalityId: string, settings: MunicipalitySettings, at: string): Promise<void> {
  const doc: SettingsDoc = { id: municipalityId, partition: PARTITION, ...settings, updatedAt: at };
  await municipalities().items.upsert(doc);
  restricted = undefined; // this instance sees the change at once; others within SETTINGS_CACHE_SECONDS
}

// The municipalities that keep their candidates to their own employers, read at most every
// SETTINGS_CACHE_SECONDS: searches and reads consult it on every request.
let restricted: { ids: Promise<Set<string>>; until: number } | undefined;

export function restrictedMunicipalities(): Promise<Set<string>> {
  const now = Date.now();
  if (!restricted || restricted.until <= now) {
    const ids = municipalities()
      .items.query<string>({
        query: "SELECT VALUE c.id FROM c WHERE c.partition = @p AND c.employerReach = 'ownMunicipality'",
        parameters: [{ name: "@p", value: PARTITION }],
      }, { partitionKey: PARTITION })
      .fetchAll()
      .then((r) => new Set(r.resources));
    restricted = { ids, until: now + config().SETTINGS_CACHE_SECONDS * 1000 };
    ids.catch(() => (restricted = undefined));
  }
  return restricted.ids;
}

// Municipalities this process has seen registered, so registering costs a round trip once.
const registered = new Set<string>();

/**
 * Makes sure a municipality has its settings document (with the defaults): the retention
 * sweep walks the municipalities through these, one partition each.
 */
export async function registerMunicipality(municipalityId: string, at: string): Promise<void> {
  if (registered.has(municipalityId)) return;
  const doc: SettingsDoc = { id: municipalityId, partition: PARTITION, employerReach: "all", updatedAt: at };
  await municipalities().items.create(doc).catch((err: { code?: number }) => {
    if (err.code !== 409) throw err;
  });
  registered.add(municipalityId);
}

/** Every municipality that has candidates or employers (one small partition). */
export async function municipalityIds(): Promise<string[]> {
  const { resources } = await municipalities()
    .items.query<string>(
      { query: "SELECT VALUE c.id FROM c WHERE c.partition = @p", parameters: [{ name: "@p", value: PARTITION }] },
      { partitionKey: PARTITION },
    )
    .fetchAll();
  return resources.sort();
}
