/**
 * Small-cell suppression of report figures (DPIA: reports must not single out people). A count
 * from 1 to 4 shows as "<5"; 0 and counts from 5 show as they are. Within a group whose total is
 * shown, the total could give a small count away (total minus the shown cells), so it is withheld
 * ("suppressed") when:
 * - one cell shows "<5" (total minus the rest is that cell);
 * - several do, and their sum (total minus the shown cells) is their number or four times it
 *   (all of them 1, or all 4);
 * - it is below 5 itself.
 * Otherwise several "<5" cells share a known sum that each of them can still make up in more
 * than one way. The total is withheld rather than a second cell: a second cell shown as
 * withheld is known to be 5 or more, and 1 + 5 = 6 would then give both away.
 * test/suppression.test.ts proves by enumeration that no suppressed cell can be worked out.
 */

export const SMALL = "<5";
export const WITHHELD = "suppressed";

export type Count = number | typeof SMALL;
export type Total = number | typeof WITHHELD;

const isSmall = (n: number) => n >= 1 && n <= 4;

/** One count as it may be shown. */
export const shownCount = (n: number): Count => (isSmall(n) ? SMALL : n);

/** A group of counts and their total, as they may be shown. */
export function shownGroup<K extends string>(cells: Record<K, number>): { cells: Record<K, Count>; total: Total } {
  const values = Object.values<number>(cells);
  const total = values.reduce((a, b) => a + b, 0);
  const small = values.filter(isSmall);
  const sum = small.reduce((a, b) => a + b, 0);
  const givesAway = small.length === 1 || (small.length > 1 && (sum === small.length || sum === 4 * small.length));
  return {
    cells: Object.fromEntries(Object.entries<number>(cells).map(([k, n]) => [k, shownCount(n)])) as Record<K, Count>,
    total: isSmall(total) || givesAway ? WITHHELD : total,
  };
}

/**
 * A share in percent (one decimal) of `part` in `whole`, only when both are shown: from a share
 * and either count the other follows.
 */
export function shownShare(part: Count, whole: Total): number | null {
  if (typeof part !== "number" || typeof whole !== "number" || whole === 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}
