import type { SqlParameter } from "@azure/cosmos";
import { deletionPartition } from "./audit.js";
import type { ContainerName } from "./containers.js";
import { container } from "./cosmos.js";
import { runtime } from "../runtime.js";

/**
 * The counts behind the team leads' report. Each is one `SELECT VALUE COUNT(1)` that Cosmos
 * answers from the index (every field filtered on is indexed, shared/data/containers.ts): one
 * number comes back, no document. The emulator has no GROUP BY, so a breakdown is one count per
 * value.
 */

/** A month as a half-open range of ISO times, `[from, to)`, comparable with the stored `at` and `deletedAt`. */
export interface Period {
  from: string;
  to: string;
}

/** Conditions of a WHERE clause (joined with AND) and their parameters. */
interface Filter {
  where: string[];
  parameters: SqlParameter[];
}

const condition = (where: string, name: string, value: string | boolean): Filter => ({ where: [where], parameters: [{ name, value }] });
const and = (...filters: Filter[]): Filter => ({
  where: filters.flatMap((f) => f.where),
  parameters: filters.flatMap((f) => f.parameters),
});

/** `{ "sharing.withEmployers": true }` → `c.sharing.withEmployers = @p0`, for field paths named in code. */
const equal = (equals: Record<string, string | boolean>): Filter =>
  and(...Object.entries(equals).map(([path, value], i) => condition(`c.${path} = @p${i}`, `@p${i}`, value)));

/** A time field within the period. */
const within = (field: string, period: Period): Filter =>
  and(condition(`c.${field} >= @from`, "@from", period.from), condition(`c.${field} < @to`, "@to", period.to));

/**
 * At most this many counts run at once in an instance: a report's twenty-odd counts then come
 * in a few waves instead of one burst of request units (which a small throughput would answer
 * with 429s), and the emulator, which scans the whole container for each, answers each in time.
 */
const AT_ONCE = 4;

async function count(name: ContainerName, filter: Filter, partitionKey?: string): Promise<number> {
  const places = runtime().memory.reportCounts;
  if (places.running < AT_ONCE) places.running++;
  else await new Promise<void>((resolve) => places.waiting.push(resolve)); // a finishing count hands its place over
  try {
    const { resources } = await container(name)
      .items.query<number>(
        { query: `SELECT VALUE COUNT(1) FROM c WHERE ${filter.where.join(" AND ")}`, parameters: filter.parameters },
        partitionKey ? { partitionKey } : {},
      )
      .fetchAll();
    return resources.reduce((a, b) => a + b, 0);
  } finally {
    const next = places.waiting.shift();
    if (next) next();
    else places.running--;
  }
}

/** Records of one type in a municipality's partition (candidates, employers, vacancies) with the given field values. */
export function countRecords(
  name: "candidates" | "employers" | "vacancies",
  municipalityId: string,
  type: string,
  equals: Record<string, string | boolean>,
): Promise<number> {
  const filter = and(condition("c.municipalityId = @m", "@m", municipalityId), condition("c.type = @type", "@type", type), equal(equals));
  return count(name, filter, municipalityId);
}

/**
 * Usage-log events about a municipality in a period with the given field values, and optionally
 * naming `field` among the fields they touched. Across the log's partitions (one per candidate,
 * and per day and bucket for searches), by the indexed municipality, action and time.
 */
export function countEvents(municipalityId: string, period: Period, equals: Record<string, string>, field?: string): Promise<number> {
  const touched = field ? [condition("ARRAY_CONTAINS(c.fields, @field)", "@field", field)] : [];
  return count("audit", and(condition("c.municipalityId = @m", "@m", municipalityId), within("at", period), equal(equals), ...touched));
}

/**
 * Deletion records of a municipality in a period (within one year: one partition) with the given
 * field values, and optionally a rule that starts with `rulePrefix`.
 */
export function countDeletions(
  municipalityId: string,
  period: Period,
  equals: Record<string, string>,
  rulePrefix?: string,
): Promise<number> {
  const subjectId = deletionPartition(municipalityId, period.from.slice(0, 4));
  const rule = rulePrefix ? [condition("STARTSWITH(c.rule, @rule)", "@rule", rulePrefix)] : [];
  return count(
    "audit",
    and(condition("c.subjectId = @s", "@s", subjectId), within("deletedAt", period), equal(equals), ...rule),
    subjectId,
  );
}
