import { markNotificationRead, notificationsFor, type StoredNotification } from "../data/outbox.js";
import { continuations, type Page } from "../data/paging.js";
import { notFound } from "../domain/errors.js";
import type { Principal } from "../domain/roles.js";
import { municipalityOf } from "./municipalities.js";
import type { Notification } from "./notifier.js";
import { pseudonym } from "./pseudonym.js";
import { admitView } from "./view-limits.js";

/** A signal as the inbox shows it: what it is about, and whether this user marked it read. */
export interface SignalItem {
  id: string;
  type: Notification["type"];
  createdAt: string;
  read: boolean;
  candidateId?: string;
  deleteOn?: string;
  employerId?: string;
  day?: string;
  candidatesShown?: number;
  limit?: number;
}

/** Which signals a role gets: coaches retention signals, account managers viewing-limit signals. */
const AUDIENCE: Partial<Record<Principal["role"], Notification["audience"]>> = { coach: "coach", accountManager: "accountManager" };

function audienceOf(principal: Principal): Notification["audience"] {
  const audience = AUDIENCE[principal.role];
  if (!audience) throw notFound("no signals for this role");
  return audience;
}

/** Read marks are per user, kept as keyed hashes: the outbox never holds a staff member's `sub`. */
const readerKey = (principal: Principal) => pseudonym(`signal-reader:${principal.sub}`);

/** The fields the inbox shows, picked: whatever else a mailer may note on the document stays out. */
const SHOWN = ["id", "type", "createdAt", "candidateId", "deleteOn", "employerId", "day", "candidatesShown", "limit"] as const;

function toItem(n: StoredNotification, reader: string): SignalItem {
  const source: Partial<Record<(typeof SHOWN)[number], unknown>> = n;
  const item = Object.fromEntries(SHOWN.filter((k) => source[k] !== undefined).map((k) => [k, source[k]])) as Omit<SignalItem, "read">;
  return { ...item, read: n.readBy?.includes(reader) ?? false };
}

export async function listSignals(principal: Principal, pageSize: number, continuation?: string): Promise<Page<SignalItem>> {
  const m = municipalityOf(principal);
  const audience = audienceOf(principal);
  const tokens = continuations(JSON.stringify(["signals", m, audience]));
  const [page] = await Promise.all([notificationsFor(m, audience, pageSize, tokens.decode(continuation)), admitView({ principal }, [])]);
  const reader = readerKey(principal);
  return { items: page.items.map((n) => toItem(n, reader)), continuation: tokens.encode(page.continuation) };
}

export async function markSignalRead(principal: Principal, id: string): Promise<SignalItem> {
  const m = municipalityOf(principal);
  const reader = readerKey(principal);
  const marked = await markNotificationRead(m, id, reader, audienceOf(principal));
  if (!marked) throw notFound("no such signal in your inbox");
  return toItem(marked, reader);
}
