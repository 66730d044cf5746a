import type { Notification } from "../services/notifier.js";
import { container, isStatus, withoutSystemFields } from "./cosmos.js";

/**
 * The outbox read back: staff's signals inbox and a candidate's export. A notification document
 * may carry `readBy`, keyed hashes of the users who marked it read (never their `sub`).
 */
export type StoredNotification = Notification & { readBy?: string[] };

const outbox = () => container("outbox");

/** One page of a municipality's notifications for one audience, newest first (one partition). */
export async function notificationsFor(
  municipalityId: string,
  audience: Notification["audience"],
  pageSize: number,
  continuation: string | undefined,
): Promise<{ items: StoredNotification[]; continuation: string | undefined }> {
  const { resources, continuationToken } = await outbox()
    .items.query<StoredNotification>(
      {
        query: "SELECT * FROM c WHERE c.municipalityId = @m AND c.audience = @a ORDER BY c.createdAt DESC",
        parameters: [
          { name: "@m", value: municipalityId },
          { name: "@a", value: audience },
        ],
      },
      { partitionKey: municipalityId, maxItemCount: pageSize, ...(continuation ? { continuationToken: continuation } : {}) },
    )
    .fetchNext();
  return { items: resources.map((r) => withoutSystemFields(r)), continuation: continuationToken };
}

/** Every notification about one candidate (their export). */
export async function notificationsAbout(municipalityId: string, candidateId: string): Promise<StoredNotification[]> {
  const { resources } = await outbox()
    .items.query<StoredNotification>(
      {
        query: "SELECT * FROM c WHERE c.municipalityId = @m AND c.candidateId = @c",
        parameters: [
          { name: "@m", value: municipalityId },
          { name: "@c", value: candidateId },
        ],
      },
      { partitionKey: municipalityId },
    )
    .fetchAll();
  return resources.map((r) => withoutSystemFields(r));
}

/**
 * Adds `reader` to a notification's `readBy`, over the version read (a concurrent mark by another
 * user is retried on fresh data). Undefined when there is no such notification.
 */
export async function markNotificationRead(municipalityId: string, id: string, reader: string, audience: Notification["audience"]): Promise<StoredNotification | undefined> {
  for (let attempt = 0; ; attempt++) {
    const { resource, etag } = await outbox().item(id, municipalityId).read<StoredNotification>();
    if (!resource || resource.audience !== audience) return undefined;
    const doc = withoutSystemFields(resource);
    if (doc.readBy?.includes(reader)) return doc;
    const next = { ...doc, readBy: [...(doc.readBy ?? []), reader] };
    try {
      await outbox().item(id, municipalityId).replace(next, { accessCondition: { type: "IfMatch", condition: etag } });
      return next;
    } catch (err) {
      if (!isStatus(err, 412) || attempt >= 4) throw err;
    }
  }
}
