import { config } from "../config/index.js";
import { candidatesForTips, markTipsSent, type TipsCandidate } from "../data/candidates.js";
import { clock } from "../domain/clock.js";
import { tipsFor } from "../domain/tips.js";
import { notifier } from "./notifier.js";
import { walkPartitions, type WalkOptions } from "./partition-walk.js";

const PAGE = 50;

export interface TipsSummary {
  /** False when the time budget ran out (the next run goes on where candidates are still due). */
  complete: boolean;
  municipalities: number;
  /** Tips e-mails put in the outbox. */
  queued: number;
  /** Candidates whose profile lacks nothing a tip is about: no e-mail. */
  nothingToTip: number;
}

const factsOf = (c: TipsCandidate) => ({
  hasCv: c.hasCv,
  skills: c.skills ?? 0,
  hasDescription: c.hasDescription,
  workExperience: c.workExperience ?? 0,
  hasAvailability: c.hasAvailability,
  shared: c.shared,
});

/**
 * Puts a tips e-mail in the outbox for every active candidate who may get one (the query filters
 * status, service end, the setting and the interval, a page at a time per municipality
 * partition) and whose profile lacks something; the outbox drainer sends them.
 */
export async function queueTips(o: WalkOptions): Promise<TipsSummary> {
  const now = clock().now();
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - config().TIPS_INTERVAL_DAYS * 86_400_000).toISOString();
  const counts = { queued: 0, nothingToTip: 0 };
  const walked = await walkPartitions(
    o,
    (m, after) => candidatesForTips(m, cutoff, after, PAGE),
    async (c, m) => {
      const tips = tipsFor(factsOf(c));
      if (!tips.length) {
        counts.nothingToTip++;
        return;
      }
      // The id holds the day: a rerun that day finds the message already there.
      await notifier().send({
        id: `tips-${c.id}-${at.slice(0, 10)}`,
        municipalityId: m,
        audience: "candidate",
        type: "tips",
        candidateId: c.id,
        tips,
        createdAt: at,
      });
      await markTipsSent(m, c.id, at);
      counts.queued++;
    },
    true,
  );
  return { ...walked, ...counts };
}
