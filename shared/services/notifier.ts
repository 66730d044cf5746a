import { container } from "../data/cosmos.js";
import { notificationsAbout, type Delivery } from "../data/outbox.js";
import { ignoreNotFound, statusOf } from "../data/status.js";
import type { TipKey } from "../domain/tips.js";
import { runtime } from "../runtime.js";

/** A message to the coaches of a municipality; ids only, the coach looks the candidate up. */
export interface RetentionSignal {
  /** Deterministic, so a repeated signal is stored (and mailed) once. */
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

/** To a candidate: tips for the parts of the profile that are missing (shared/services/tips.ts). */
export interface TipsMessage {
  /** `tips-{candidateId}-{day}`. */
  id: string;
  municipalityId: string;
  audience: "candidate";
  type: "tips";
  candidateId: string;
  tips: TipKey[];
  createdAt: string;
}

/**
 * To the owner of a saved search (shared/services/saved-searches.ts): candidates new or changed
 * since the last digest who match it and whom the owner may see when it is made. A count only, no
 * candidate ids: the e-mail gives the count and the owner opens the search in the app, where
 * visibility is checked again; nothing here outlives an erased candidate.
 */
export interface SavedSearchDigest {
  /** `saved-search-{savedSearchId}-{day}`: one a day per saved search. */
  id: string;
  municipalityId: string;
  /** Employers: the organisation's contact address; account managers: the team mailbox. */
  audience: "employer" | "accountManager";
  type: "savedSearchDigest";
  savedSearchId: string;
  employerId?: string;
  /** How many matched (at most the digest's page). */
  count: number;
  candidateId?: undefined;
  createdAt: string;
}

/** To a candidate who turned vacancy alerts on: new open vacancies of their municipality that match them. */
export interface VacancyAlert {
  /** `vacancy-alert-{candidateId}-{week's Monday}`: once a week. */
  id: string;
  municipalityId: string;
  audience: "candidate";
  type: "vacancyAlert";
  candidateId: string;
  vacancyIds: string[];
  count: number;
  createdAt: string;
}

/** Every kind of message; each type has its Dutch e-mail in shared/services/messages.ts. */
export type Notification = RetentionSignal | ViewLimitSignal | TipsMessage | SavedSearchDigest | VacancyAlert;

/** Where notifications go: an outbox that a mailer drains (tests record them instead). */
export interface Notifier {
  send(notification: Notification): Promise<void>;
  /** Removes what is still waiting about a candidate (their data is being deleted). */
  forget(municipalityId: string, candidateId: string): Promise<void>;
}

/**
 * Stores notifications in the `outbox` container, due for the drainer (shared/services/outbox-drain.ts)
 * at once. A notification whose id is already there is left as it is: it was sent, or is on its way.
 */
export const outboxNotifier: Notifier = {
  async send(n) {
    const delivery: Delivery = { state: "pending", attempts: 0, dueAt: n.createdAt };
    await container("outbox")
      .items.create({ ...n, delivery })
      .catch((err: unknown) => {
        if (statusOf(err) !== 409) throw err;
      });
  },
  async forget(municipalityId, candidateId) {
    for (const { id } of await notificationsAbout(municipalityId, candidateId)) {
      await ignoreNotFound(container("outbox").item(id, municipalityId).delete());
    }
  },
};

/** The runtime's notifier: the outbox, unless a test put a recorder in its place. */
export const notifier = (): Notifier => runtime().notifier;
