import type { Notification } from "../services/notifier.js";
import { container, isStatus, withoutSystemFields } from "./cosmos.js";
import type { StoredPage } from "./paging.js";
import { ignoreNotFound } from "./status.js";

/**
 * Where a notification is in its e-mail delivery. `pending`: due at `dueAt`; while a drainer
 * holds it (`claim`), `dueAt` is when that claim lapses, so a crashed drainer's claim is taken
 * over. `sent`: the e-mail service accepted it. `notMailed`: there is nobody to mail it to
 * (`reason`), so it stays in the signals inbox only. `deadLettered`: given up after
 * MAIL_MAX_ATTEMPTS tries. `lastError` is an error code, never the service's message text.
 */
export interface Delivery {
  state: "pending" | "sent" | "notMailed" | "deadLettered";
  attempts: number;
  dueAt: string;
  claim?: string;
  sentAt?: string;
  lastError?: string;
  reason?: string;
}

/**
 * The outbox read back: staff's signals inbox, a candidate's export, the mail drainer. A
 * notification document may carry `readBy`, keyed hashes of the users who marked it read (never
 * their `sub`), and its `delivery`.
 */
export type StoredNotification = Notification & { readBy?: string[]; delivery?: Delivery };

const outbox = () => container("outbox");

/** One page of a municipality's notifications for one audience, newest first (one partition). */
export async function notificationsFor(
  municipalityId: string,
  audience: Notification["audience"],
  pageSize: number,
  continuation: string | undefined,
): Promise<StoredPage<StoredNotification>> {
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
export async function markNotificationRead(
  municipalityId: string,
  id: string,
  reader: string,
  audience: Notification["audience"],
): Promise<StoredNotification | undefined> {
  for (let attempt = 0; ; attempt++) {
    const { resource, etag } = await outbox().item(id, municipalityId).read<StoredNotification>();
    if (!resource || resource.audience !== audience) return undefined;
    const doc = withoutSystemFields(resource);
    if (doc.readBy?.includes(reader)) return doc;
    const next = { ...doc, readBy: [...(doc.readBy ?? []), reader] };
    try {
      await outbox()
        .item(id, municipalityId)
        .replace(next, { accessCondition: { type: "IfMatch", condition: etag } });
      return next;
    } catch (err) {
      if (!isStatus(err, 412) || attempt >= 4) throw err;
    }
  }
}

/** A notification the query below found pending: it has a delivery state. */
export type DueNotification = StoredNotification & { delivery: Delivery };

/** Notifications of one municipality due for delivery now: at most `max`, with their versions. */
export async function dueNotifications(
  municipalityId: string,
  now: string,
  max: number,
): Promise<{ doc: DueNotification; etag: string }[]> {
  const { resources } = await outbox()
    .items.query<DueNotification & { _etag: string }>(
      {
        query: "SELECT * FROM c WHERE c.municipalityId = @m AND c.delivery.state = 'pending' AND c.delivery.dueAt <= @now",
        parameters: [
          { name: "@m", value: municipalityId },
          { name: "@now", value: now },
        ],
      },
      { partitionKey: municipalityId, maxItemCount: max },
    )
    .fetchNext();
  return resources.map((r) => ({ doc: withoutSystemFields(r), etag: r._etag }));
}

/**
 * Writes a notification's new delivery state over the version `etag` only: the new version, or
 * undefined when another drainer (or an erasure) got there first.
 */
export async function writeDelivery(doc: StoredNotification, delivery: Delivery, etag: string): Promise<string | undefined> {
  const written = await ignoreNotFound(
    outbox()
      .item(doc.id, doc.municipalityId)
      .replace({ ...doc, delivery }, { accessCondition: { type: "IfMatch", condition: etag } }),
    412,
  );
  return written?.etag;
}
