import { municipalityIds } from "../data/municipalities.js";

export interface WalkOptions {
  budgetMs: number;
  /** Only these municipalities (tests); every registered one otherwise. */
  municipalities?: string[];
}

/**
 * Visits every item a timer works on, municipality partition by partition, a page at a time in id
 * order after the last id seen (keyset: marking items as it goes never skips one). Resolves false
 * when the time budget ran out first: the next run goes on.
 */
export async function walkPartitions<T extends { id: string }>(
  o: WalkOptions,
  page: (municipalityId: string, afterId: string) => Promise<{ items: T[] }>,
  visit: (item: T, municipalityId: string) => Promise<void>,
): Promise<boolean> {
  const started = Date.now();
  for (const m of o.municipalities ?? (await municipalityIds())) {
    for (let after = ""; ; ) {
      if (Date.now() - started > o.budgetMs) return false;
      const { items } = await page(m, after);
      const last = items.at(-1);
      if (!last) break;
      after = last.id;
      for (const item of items) await visit(item, m);
    }
  }
  return true;
}
