import { candidatesForVacancyAlerts } from "../data/candidates.js";
import { newVacanciesMeeting } from "../data/vacancies.js";
import { clock } from "../domain/clock.js";
import { candidateTerms, vacancyMatchQuery } from "../domain/matching.js";
import { notifier } from "./notifier.js";
import { walkPartitions, type WalkOptions } from "./partition-walk.js";

const PAGE = 50;
/** The most vacancy ids one alert carries (and counts). */
const ALERT_IDS = 20;
const WEEK_MS = 7 * 86_400_000;

export interface AlertSummary {
  complete: boolean;
  candidates: number;
  queued: number;
}

/** The Monday (UTC) of the week `at` falls in: one alert per candidate per week. */
const weekOf = (at: Date) => new Date(at.getTime() - ((at.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);

/**
 * The weekly vacancy alert: for every active candidate who turned alerts on (the query filters
 * the setting), the open vacancies of their municipality created in the past week whose required
 * criteria they meet (the same query as GET /me/matches). Ids and a count only; the candidate
 * reads why each fits in the app. Its id holds the week, so a rerun adds nothing.
 */
export async function queueVacancyAlerts(o: WalkOptions): Promise<AlertSummary> {
  const now = clock().now();
  const at = now.toISOString();
  const since = new Date(now.getTime() - WEEK_MS).toISOString();
  const summary = { candidates: 0, queued: 0 };
  const { complete } = await walkPartitions(
    o,
    (m, after) => candidatesForVacancyAlerts(m, after, PAGE),
    async (c, m) => {
      summary.candidates++;
      const vacancyIds = await newVacanciesMeeting(m, vacancyMatchQuery(candidateTerms(m, c.search)), since, ALERT_IDS);
      if (!vacancyIds.length) return;
      await notifier().send({
        id: `vacancy-alert-${c.id}-${weekOf(now)}`,
        municipalityId: m,
        audience: "candidate",
        type: "vacancyAlert",
        candidateId: c.id,
        vacancyIds,
        count: vacancyIds.length,
        createdAt: at,
      });
      summary.queued++;
    },
  );
  return { complete, ...summary };
}
