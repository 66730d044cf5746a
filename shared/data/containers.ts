import type { ContainerDefinition, Database } from "@azure/cosmos";
import { employerSightIndexPaths } from "../domain/visibility.js";

/** Included index paths, each once. */
const included = (...lists: string[][]) => [...new Set(lists.flat())].map((path) => ({ path }));

/**
 * Every container, its partition key and its indexing policy, declared once.
 * `ensureContainers` (local emulator, tests) and infra/ (Azure) create them from this.
 */
export const CONTAINERS = {
  /**
   * Candidates live in their municipality's partition: staff queries never cross it. A client
   * number is unique within the partition, enforced by Cosmos on every create and replace (so
   * concurrent creates cannot both pass), and free again once the record is deleted. Azure sets
   * a unique key policy only when a container is created: an existing container must be recreated.
   */
  candidates: {
    id: "candidates",
    partitionKey: { paths: ["/municipalityId"] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/admin/clientNumber"] }] },
    indexingPolicy: {
      indexingMode: "consistent",
      automatic: true,
      // Index only what queries filter or sort on; free text is never scanned.
      // What the employer sight filter reads comes from its definition (visibility.ts), so it never filters on an unindexed field.
      includedPaths: included(
        [
          "/type/?",
          "/municipalityId/?",
          "/status/?",
          "/lookup/[]/?",
          "/sortKey/?",
          "/admin/clientNumber/?",
          "/deleteOn/?",
          "/updatedAt/?",
          "/search/*",
        ],
        // The tips timer's filter (shared/data/candidates.ts candidatesForTips).
        ["/serviceEnd/endedOn/?", "/notifications/tips/?", "/tipsSentAt/?"],
        // The vacancy alerts' filter (shared/data/candidates.ts candidatesForVacancyAlerts).
        ["/notifications/vacancyAlerts/?"],
        employerSightIndexPaths(),
      ),
      excludedPaths: [{ path: "/*" }, { path: '/"_etag"/?' }],
      // Every multi-field ORDER BY needs its composite index; the tests check each query the app sends (test/support/queries.ts).
      compositeIndexes: [
        [
          { path: "/sortKey", order: "ascending" },
          { path: "/id", order: "ascending" },
        ],
        [
          { path: "/updatedAt", order: "descending" },
          { path: "/id", order: "ascending" },
        ],
      ],
    },
  },
  /** Employers, in the partition of the municipality that invited them; a KvK number once per partition (as for candidates). */
  employers: {
    id: "employers",
    partitionKey: { paths: ["/municipalityId"] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/kvkNumber"] }] },
    indexingPolicy: {
      indexingMode: "consistent",
      automatic: true,
      includedPaths: [
        { path: "/type/?" },
        { path: "/kvkNumber/?" },
        { path: "/sortKey/?" },
        { path: "/status/?" },
        { path: "/ended/deleteOn/?" },
      ],
      excludedPaths: [{ path: "/*" }, { path: '/"_etag"/?' }],
      compositeIndexes: [
        [
          { path: "/sortKey", order: "ascending" },
          { path: "/id", order: "ascending" },
        ],
      ],
    },
  },
  /** Vacancies, in the partition of the municipality whose account manager created them. */
  vacancies: {
    id: "vacancies",
    partitionKey: { paths: ["/municipalityId"] },
    indexingPolicy: {
      indexingMode: "consistent",
      automatic: true,
      includedPaths: [{ path: "/type/?" }, { path: "/status/?" }, { path: "/employerId/?" }, { path: "/createdAt/?" }],
      excludedPaths: [{ path: "/*" }, { path: '/"_etag"/?' }],
      compositeIndexes: [
        [
          { path: "/createdAt", order: "descending" },
          { path: "/id", order: "ascending" },
        ],
      ],
    },
  },
  /**
   * Uploads under way, by the day they started: the cleanup timer reads the last few days'
   * partitions, and the day is part of the upload id, so completing is a point read.
   */
  uploads: { id: "uploads", partitionKey: { paths: ["/day"] } },
  /** Notifications (signals to staff, e-mails to candidates) and their delivery state, by municipality. */
  outbox: { id: "outbox", partitionKey: { paths: ["/municipalityId"] } },
  /**
   * Employers' and account managers' saved searches, in the partition of the user's municipality
   * (an employer's: the one that invited it). The owner is a keyed hash of the user's `sub`,
   * never the `sub` itself; the nightly digest walks one partition at a time.
   */
  savedSearches: {
    id: "savedSearches",
    partitionKey: { paths: ["/municipalityId"] },
    indexingPolicy: {
      indexingMode: "consistent",
      automatic: true,
      includedPaths: [{ path: "/type/?" }, { path: "/owner/?" }, { path: "/createdAt/?" }],
      excludedPaths: [{ path: "/*" }, { path: '/"_etag"/?' }],
    },
  },
  /** Each municipality's settings, all in one small logical partition. */
  municipalities: { id: "municipalities", partitionKey: { paths: ["/partition"] } },
  /** One-time invitation codes, by the hash of the code: redeeming is a point read. */
  invitations: { id: "invitations", partitionKey: { paths: ["/id"] } },
  /** Links a signed-in user's `sub` to the record they redeemed. */
  accounts: { id: "accounts", partitionKey: { paths: ["/id"] } },
  /**
   * Usage log: who read or changed what, by subject (candidate), so a subject's trail is one
   * partition (with one count per organisation and day of the candidate's appearances in search
   * results, for their access log); searches by municipality, day and bucket
   * (`search:{m}:{day}:{bucket}`), so no partition grows without bound. TTL on (`defaultTtl: -1`): events carry a `ttl` of
   * AUDIT_RETENTION_DAYS, deletion records none (kept). The nightly sweep deletes expired events
   * too, for the emulator (which has no TTL) and in case Azure's TTL falls behind.
   */
  audit: {
    id: "audit",
    partitionKey: { paths: ["/subjectId"] },
    defaultTtl: -1,
    indexingPolicy: {
      indexingMode: "consistent",
      automatic: true,
      includedPaths: included(
        ["/subjectId/?", "/at/?", "/municipalityId/?"],
        // What the team leads' report counts from the index (shared/data/report-counts.ts).
        ["/action/?", "/actor/role/?", "/fields/[]/?", "/recordType/?", "/trigger/?", "/rule/?", "/deletedAt/?"],
      ),
      excludedPaths: [{ path: "/*" }, { path: '/"_etag"/?' }],
    },
  },
  /**
   * Viewing limits: one small document per subject (an employer organisation or a user) and UTC
   * day, partitioned by its own id, updated with one patch per page (shared/services/view-limits.ts).
   * `ttl` on each document; the nightly sweep deletes past days where TTL is off (the emulator).
   */
  counters: {
    id: "counters",
    partitionKey: { paths: ["/id"] },
    defaultTtl: -1,
    indexingPolicy: {
      indexingMode: "consistent",
      automatic: true,
      includedPaths: [{ path: "/day/?" }],
      excludedPaths: [{ path: "/*" }, { path: '/"_etag"/?' }],
    },
  },
} as const satisfies Record<string, ContainerDefinition>;

export type ContainerName = keyof typeof CONTAINERS;

export async function ensureContainers(database: Database): Promise<void> {
  for (const definition of Object.values(CONTAINERS)) {
    await database.containers.createIfNotExists(structuredClone(definition));
  }
}
