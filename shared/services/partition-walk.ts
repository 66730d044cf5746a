import { municipalityIds } from "../data/municipalities.js";

export interface WalkOptions {
  budgetMs: number;
  /** Only these municipalities (tests); every registered one otherwise. */
  municipalities?: string[];
}

/**
 * Visits every item a timer works on, municipality partition by partition, a page at a time in id
 * order after the last id seen (keyset: marking items as it goes never skips one); a page's items
 * one by one, or all at once with `together`. `complete` is false when the time budget ran out
 * first: the next run goes on. `municipalities` counts the partitions walked.
 */
export async function walkPartitions<T extends { id: string }>(
  o: WalkOptions,
  page: (municipalityId: string, afterId: string) => Promise<{ items: T[] }>,
  visit: (item: T, municipalityId: string) => Promise<void>,
  together = false,
): Promise<{ complete: boolean; municipalities: number }> {
  const started = Date.now();
  let municipalities = 0;
  for (const m of o.municipalities ?? (await municipalityIds())) {
    municipalities++;
    for (let after = ""; ;) {
      if (Date.now() - started > o.budgetMs) return { complete: false, municipalities };
      const { items } = await page(m, after);
      const last = items.at(-1);
      if (!last) break;
      after = last.id;
      if (together) await Promise.all(items.map((item) => visit(item, m)));
      else for (const item of items) await visit(item, m);
    }
  }
  return { complete: true, municipalities };
}
