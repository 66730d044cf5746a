import type { PatchOperation } from "@azure/cosmos";
import { container, isStatus } from "./cosmos.js";
import { ignoreNotFound } from "./status.js";

/**
 * What one subject (an employer organisation, or one user) was shown on one UTC day: the
 * viewing limits' state, shared by every instance. Partitioned by its own id, so every
 * operation on it is a point operation.
 */
export interface ViewCounter {
  /** `views:{subject}:{day}`; also the partition key. */
  id: string;
  type: "views";
  /** `employer:{employerId}`, or `user:{keyed hash of the sub}`. */
  subject: string;
  /** The UTC day the document counts. */
  day: string;
  /** Pages opened, by `{who}.{minute of the day}`: who is a user's key, or `all` for a whole organisation. */
  pages: Record<string, number>;
  /** Keyed hashes of the candidates shown, one array per page that showed new ones, in order. */
  seen: string[][];
  /** How many hashes `seen` holds, repeats included: bounds the document's size. */
  held: number;
  /** Set once the organisation's account managers were signalled that it nears its daily limit. */
  signalled?: boolean;
  /** Seconds; Azure deletes the document after its day has passed (the nightly sweep does too). */
  ttl: number;
}

const counters = () => container("counters");

/** The document a successful write answers with (the SDK's type leaves it optional). */
function written(resource: ViewCounter | undefined): ViewCounter {
  if (!resource) throw new Error("Cosmos DB answered a write to the counters without the document");
  return resource;
}

export type PatchOutcome = { doc: ViewCounter } | { missing: true } | { full: true } | { badRequest: true };

/**
 * One patch: the round trip a limited request costs. `condition` (lower case only: the
 * emulator lowercases it) refuses the whole patch with 412, reported as `full`.
 */
export async function patchViewCounter(id: string, operations: PatchOperation[], condition?: string): Promise<PatchOutcome> {
  try {
    const { resource } = await counters()
      .item(id, id)
      .patch<ViewCounter>(condition ? { condition, operations } : operations);
    return { doc: written(resource) };
  } catch (err) {
    if (isStatus(err, 404)) return { missing: true };
    if (isStatus(err, 412)) return { full: true };
    if (isStatus(err, 400)) return { badRequest: true };
    throw err;
  }
}

/** Creates the day's document with the first page already counted; undefined when another instance was first (409). */
export async function createViewCounter(doc: ViewCounter): Promise<ViewCounter | undefined> {
  try {
    const { resource } = await counters().items.create(doc);
    return written(resource);
  } catch (err) {
    if (isStatus(err, 409)) return undefined;
    throw err;
  }
}

/** Ids of documents of days before `day` (cross-partition, on the indexed day): for the nightly sweep. */
export async function pastViewCounters(day: string, max: number): Promise<string[]> {
  const { resources } = await counters()
    .items.query<string>(
      { query: "SELECT VALUE c.id FROM c WHERE c.day < @day", parameters: [{ name: "@day", value: day }] },
      { maxItemCount: max },
    )
    .fetchNext();
  return resources;
}

export async function deleteViewCounter(id: string): Promise<void> {
  await ignoreNotFound(counters().item(id, id).delete());
}

/** A document as stored (tests: the state every instance decides on). */
export async function readViewCounter(id: string): Promise<ViewCounter | undefined> {
  const { resource } = await counters().item(id, id).read<ViewCounter>();
  return resource;
}
