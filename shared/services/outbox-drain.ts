import { randomUUID } from "node:crypto";
import { config } from "../config/index.js";
import { candidateRecipient } from "../data/candidates.js";
import { readEmployer } from "../data/employers.js";
import { municipalityIds, readSettings } from "../data/municipalities.js";
import { dueNotifications, writeDelivery, type Delivery, type DueNotification, type StoredNotification } from "../data/outbox.js";
import { nameOf } from "../data/status.js";
import { DEFAULT_NOTIFICATIONS, type NotificationSettings } from "../domain/candidate.js";
import { clock } from "../domain/clock.js";
import { runtime } from "../runtime.js";
import { MailError, type Mailer } from "./mailer.js";
import { render } from "./messages.js";
import type { Notification } from "./notifier.js";
import { emitEvent } from "./telemetry.js";

/** How long a drainer holds a claimed message before another may take it over (far above one send). */
const LEASE_MS = 5 * 60_000;
const PAGE = 20;

/** Candidate e-mails a candidate can switch off, by the setting that does it (PUT /me/notifications). */
const SWITCHED_BY: Partial<Record<Notification["type"], keyof NotificationSettings>> = { tips: "tips", vacancyAlert: "vacancyAlerts" };

export interface DrainSummary {
  /** False when the time budget ran out with messages still due (the next run goes on). */
  complete: boolean;
  mailer: boolean;
  sent: number;
  notMailed: number;
  retried: number;
  deadLettered: number;
  /** Claimed by another drainer first. */
  skipped: number;
}

type Counts = Omit<DrainSummary, "complete" | "mailer">;

/**
 * Who gets a notification, read when it is sent (so a changed address or choice counts): an active
 * candidate's address, the contact person of an employer that has not ended, the municipality's
 * team mailbox for staff signals; or nobody, and why.
 */
async function recipientOf(n: StoredNotification): Promise<{ to: string } | { reason: string }> {
  switch (n.audience) {
    case "candidate": {
      const r = await candidateRecipient(n.municipalityId, n.candidateId);
      if (!r) return { reason: "candidateGone" };
      if (r.status !== "active") return { reason: "candidateNotActive" };
      const setting = SWITCHED_BY[n.type];
      if (setting && !{ ...DEFAULT_NOTIFICATIONS, ...r.notifications }[setting]) return { reason: "switchedOff" };
      return { to: r.email };
    }
    case "employer": {
      const employer = n.employerId ? (await readEmployer(n.municipalityId, n.employerId))?.doc : undefined;
      if (!employer) return { reason: "employerGone" };
      return employer.status === "ended" ? { reason: "employerEnded" } : { to: employer.contact.email };
    }
    case "coach":
    case "accountManager": {
      const mailbox = (await readSettings(n.municipalityId))?.teamMailbox;
      return mailbox ? { to: mailbox } : { reason: "noTeamMailbox" };
    }
  }
}

const codeOf = (err: unknown) => (err instanceof MailError ? err.code : (nameOf(err) ?? "Error"));

/**
 * Delivers one due notification exactly once, whatever other drainers do: claim it over the
 * version read (ETag), send it with its id as the service's operation id (a send retried after
 * a lapsed claim is the same operation, not a second e-mail), then record the outcome.
 */
async function deliver(mailer: Mailer, { doc, etag }: { doc: DueNotification; etag: string }, counts: Counts): Promise<void> {
  const c = config();
  const now = clock().now().getTime();
  const previous = doc.delivery;
  const attempts = previous.attempts + 1;
  const claimed: Delivery = { ...previous, attempts, dueAt: new Date(now + LEASE_MS).toISOString(), claim: randomUUID() };
  const claimEtag = await writeDelivery(doc, claimed, etag);
  if (!claimEtag) {
    counts.skipped++;
    return;
  }
  const at = new Date(now).toISOString();
  let outcome: Delivery;
  try {
    const recipient = await recipientOf(doc);
    if ("reason" in recipient) {
      outcome = { state: "notMailed", attempts: previous.attempts, dueAt: at, reason: recipient.reason };
      counts.notMailed++;
    } else {
      await mailer.send({
        id: `${doc.municipalityId}:${doc.id}`,
        to: recipient.to,
        ...render(doc, { appUrl: c.APP_URL, tipsIntervalDays: c.TIPS_INTERVAL_DAYS }),
      });
      outcome = { state: "sent", attempts, dueAt: at, sentAt: at };
      counts.sent++;
    }
  } catch (err) {
    const lastError = codeOf(err);
    if ((err instanceof MailError && err.permanent) || attempts >= c.MAIL_MAX_ATTEMPTS) {
      outcome = { state: "deadLettered", attempts, dueAt: at, lastError };
      counts.deadLettered++;
    } else {
      // Exponential backoff: MAIL_RETRY_SECONDS after the first failure, doubling each time.
      const wait = c.MAIL_RETRY_SECONDS * 1000 * 2 ** (attempts - 1);
      outcome = { state: "pending", attempts, dueAt: new Date(now + wait).toISOString(), lastError };
      counts.retried++;
    }
  }
  // Lost only when this drainer was slower than its lease and another took the message over (it
  // sends under the same operation id), or the candidate was erased meanwhile.
  await writeDelivery(doc, outcome, claimEtag);
}

/**
 * Sends what is due in the outbox, per municipality partition, until nothing is due or the
 * budget is spent (every municipality, or those named). Without a configured mailer
 * (MAIL_ENDPOINT) messages wait.
 */
export async function drainOutbox(o: { budgetMs: number; municipalities?: string[] }): Promise<DrainSummary> {
  const counts: Counts = { sent: 0, notMailed: 0, retried: 0, deadLettered: 0, skipped: 0 };
  const mailer = runtime().mailer;
  if (!mailer) return { complete: true, mailer: false, ...counts };
  const started = Date.now();
  let complete = true;
  outer: for (const m of o.municipalities ?? (await municipalityIds())) {
    for (;;) {
      if (Date.now() - started > o.budgetMs) {
        complete = false;
        break outer;
      }
      const due = await dueNotifications(m, clock().now().toISOString(), PAGE);
      if (!due.length) break;
      await Promise.all(due.map((item) => deliver(mailer, item, counts)));
    }
  }
  if (counts.sent || counts.notMailed) emitEvent("mail.sent", {}, { sent: counts.sent, notMailed: counts.notMailed });
  if (counts.retried) emitEvent("mail.failed", {}, { retried: counts.retried }, "warn");
  if (counts.deadLettered) emitEvent("mail.deadLettered", {}, { deadLettered: counts.deadLettered }, "warn");
  return { complete, mailer: true, ...counts };
}
