import { config } from "../config/index.js";
import type { MunicipalitySettings } from "../domain/municipality.js";
import { runtime } from "../runtime.js";
import { container, withoutSystemFields } from "./cosmos.js";
import { ignoreNotFound, statusOf } from "./status.js";
import type { Versioned } from "./documents.js";

const PARTITION = "municipalities";

interface SettingsDoc extends MunicipalitySettings {
  id: string;
  partition: typeof PARTITION;
  updatedAt: string;
}

const municipalities = () => container("municipalities");

export async function readSettings(municipalityId: string): Promise<MunicipalitySettings | undefined> {
  return (await readSettingsVersioned(municipalityId))?.doc;
}

/** The settings with their version (the Cosmos `_etag`), or undefined when none are stored. */
export async function readSettingsVersioned(municipalityId: string): Promise<Versioned<MunicipalitySettings> | undefined> {
  const { resource, etag } = await municipalities().item(municipalityId, PARTITION).read<SettingsDoc>();
  if (!resource) return undefined;
  const { id: _id, partition: _p, updatedAt: _u, ...settings } = withoutSystemFields(resource);
  return { doc: settings, etag };
}

/**
 * Stores the settings: with `etag`, only over that version (false when it is no longer the
 * current one, nothing written); without, whatever is there. Returns the new version.
 */
export async function writeSettings(
  municipalityId: string,
  settings: MunicipalitySettings,
  at: string,
  etag?: string,
): Promise<string | false> {
  const doc: SettingsDoc = { id: municipalityId, partition: PARTITION, ...settings, updatedAt: at };
  try {
    const write = etag
      ? municipalities()
          .item(municipalityId, PARTITION)
          .replace(doc, { accessCondition: { type: "IfMatch", condition: etag } })
      : municipalities().items.upsert(doc);
    const written = await ignoreNotFound(write, 412);
    return written?.etag ?? false;
  } finally {
    runtime().memory.restrictedMunicipalities = undefined; // this instance sees the change at once; others within SETTINGS_CACHE_SECONDS
  }
}

// The municipalities that keep their candidates to their own employers, read at most every
// SETTINGS_CACHE_SECONDS: searches and reads consult it on every request.
export function restrictedMunicipalities(): Promise<Set<string>> {
  const memory = runtime().memory;
  const restricted = memory.restrictedMunicipalities;
  const now = Date.now();
  if (!restricted || restricted.until <= now) {
    const ids = municipalities()
      .items.query<string>(
        {
          query: "SELECT VALUE c.id FROM c WHERE c.partition = @p AND c.employerReach = 'ownMunicipality'",
          parameters: [{ name: "@p", value: PARTITION }],
        },
        { partitionKey: PARTITION },
      )
      .fetchAll()
      .then((r) => new Set(r.resources));
    memory.restrictedMunicipalities = { ids, until: now + config().SETTINGS_CACHE_SECONDS * 1000 };
    ids.catch(() => (memory.restrictedMunicipalities = undefined));
    return ids;
  }
  return restricted.ids;
}

/**
 * Makes sure a municipality has its settings document (with the defaults): the retention
 * sweep walks the municipalities through these, one partition each. Those this instance has
 * seen registered are remembered, so registering costs a round trip once.
 */
export async function registerMunicipality(municipalityId: string, at: string, o: { force?: boolean } = {}): Promise<void> {
  const registered = runtime().memory.registeredMunicipalities;
  if (registered.has(municipalityId) && !o.force) return;
  const doc: SettingsDoc = { id: municipalityId, partition: PARTITION, employerReach: "all", updatedAt: at };
  await municipalities()
    .items.create(doc)
    .catch((err: unknown) => {
      if (statusOf(err) !== 409) throw err;
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
