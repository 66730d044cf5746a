import { config } from "../config/index.js";
import { container } from "../data/cosmos.js";
import { notificationsAbout } from "../data/outbox.js";

/** A message to the coaches of a municipality; ids only, the coach looks the candidate up. */
export interface RetentionSignal {
  /** Deterministic, so a repeated signal replaces rather than duplicates. */
  id: string;
  municipalityId: string;
  audience: "coach";
  type: "retentionDue";
  candidateId: string;
  deleteOn: string;
  createdAt: string;
}

/**
 * To the account managers of an employer's municipality: the organisation was shown
 * VIEW_LIMIT_SIGNAL_PERCENT of the candidates it may see in a day (shared/services/view-limits.ts).
 */
export interface ViewLimitSignal {
  /** `view-limit-{employerId}-{day}`: once per organisation per day. */
  id: string;
  municipalityId: string;
  audience: "accountManager";
  type: "viewLimitNear";
  employerId: string;
  day: string;
  candidatesShown: number;
  limit: number;
  candidateId?: undefined;
  createdAt: string;
}

export type Notification = RetentionSignal | ViewLimitSignal;

/** Where notifications go: an outbox that a mailer drains (Azure), or memory (local runs, tests). */
export interface Notifier {
  send(notification: Notification): Promise<void>;
  /** Removes what is still waiting about a candidate (their data is being deleted). */
  forget(municipalityId: string, candidateId: string): Promise<void>;
}

const recorded: Notification[] = [];

/** Keeps what was sent in memory: for `npm start` and the tests, chosen with NOTIFIER=recording. */
export const recordingNotifier: Notifier = {
  async send(n) {
    const i = recorded.findIndex((r) => r.id === n.id);
    if (i >= 0) recorded[i] = n;
    else recorded.push(n);
  },
  async forget(municipalityId, candidateId) {
    for (let i = recorded.length - 1; i >= 0; i--) {
      if (recorded[i]!.municipalityId === municipalityId && recorded[i]!.candidateId === candidateId) recorded.splice(i, 1);
    }
  },
};

export const recordedNotifications = (): readonly Notification[] => recorded;

/** Stores notifications in the `outbox` container; e-mail delivery reads them from there. */
export const outboxNotifier: Notifier = {
  async send(n) {
    await container("outbox").items.upsert(n);
  },
  async forget(municipalityId, candidateId) {
    for (const { id } of await notificationsAbout(municipalityId, candidateId)) {
      await container("outbox").item(id, municipalityId).delete().catch((err: { code?: number }) => {
        if (err.code !== 404) throw err;
      });
    }
  },
};

export const notifier = (): Notifier => (config().NOTIFIER === "recording" ? recordingNotifier : outboxNotifier);
