import type { DeletionRecord } from "../data/audit.js";
import { ignoreNotFound } from "../data/status.js";
import { blobContainer, deadline } from "./blob.js";

/**
 * The deletion journal: each deletion record also goes to Blob storage, one small blob a record
 * (`{yyyy-mm-dd}/{municipalityId}/{record id}`, the record id being the pseudonym or `profile-{pseudonym}`, the JSON of the record: pseudonym, rule, dates,
 * counts; no personal data). A Cosmos DB point-in-time restore rolls back the `audit` container
 * with everything else; the journal stays, so the replay still knows whom to erase again.
 */
const nameOf = (r: Pick<DeletionRecord, "deletedAt" | "municipalityId" | "id">) =>
  `${r.deletedAt.slice(0, 10)}/${r.municipalityId}/${r.id}`;

export async function journalDeletion(record: DeletionRecord): Promise<void> {
  const text = JSON.stringify(record);
  await (await blobContainer("deletionJournal")).getBlockBlobClient(nameOf(record)).upload(text, Buffer.byteLength(text), {
    blobHTTPHeaders: { blobContentType: "application/json" },
    ...deadline(),
  });
}

export interface JournalEntry {
  day: string;
  municipalityId: string;
  /** The deletion record's id. */
  id: string;
  name: string;
}

/** Journal entries of the days from `sinceDay` to `untilDay` (one listing a day), optionally of one municipality. */
export async function journalEntries(sinceDay: string, untilDay: string, municipalityId?: string): Promise<JournalEntry[]> {
  const journal = await blobContainer("deletionJournal");
  const out: JournalEntry[] = [];
  for (let day = sinceDay; day <= untilDay; day = nextDay(day)) {
    for await (const b of journal.listBlobsFlat({ prefix: municipalityId ? `${day}/${municipalityId}/` : `${day}/`, ...deadline() })) {
      const [d, m, id] = b.name.split("/");
      if (d && m && id) out.push({ day: d, municipalityId: m, id, name: b.name });
    }
  }
  return out;
}

export async function readJournalEntry(name: string): Promise<DeletionRecord | undefined> {
  const bytes = await ignoreNotFound(
    (await blobContainer("deletionJournal")).getBlobClient(name).downloadToBuffer(0, undefined, deadline()),
  );
  return bytes && (JSON.parse(bytes.toString("utf8")) as DeletionRecord);
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
