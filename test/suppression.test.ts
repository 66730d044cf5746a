import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shownCount, shownGroup, shownShare, SMALL, WITHHELD } from "../shared/domain/suppression.js";

type Cells = Record<string, number>;
type Shown = ReturnType<typeof shownGroup<string>>;

/**
 * What someone who knows the rule can work out from a shown group: every table whose cells shown
 * as numbers are those numbers, and whose other cells take any value 0–6 (a superset of what
 * "<5" can stand for), that shows exactly the same. Returns, per "<5" cell, the values it can
 * still have.
 */
function candidatesFor(shown: Shown, show: (cells: Cells) => Shown): Map<string, Set<number>> {
  const hidden = Object.keys(shown.cells).filter((k) => shown.cells[k] === SMALL);
  const possible = new Map(hidden.map((k) => [k, new Set<number>()]));
  const fixed = Object.fromEntries(Object.entries(shown.cells).filter(([, v]) => typeof v === "number")) as Cells;
  const target = JSON.stringify(shown);
  const assign = (i: number, table: Cells): void => {
    if (i === hidden.length) {
      const ordered = Object.fromEntries(Object.keys(shown.cells).map((k) => [k, table[k]!]));
      if (JSON.stringify(show(ordered)) === target) for (const k of hidden) possible.get(k)!.add(table[k]!);
      return;
    }
    for (let v = 0; v <= 6; v++) assign(i + 1, { ...table, [hidden[i]!]: v });
  };
  assign(0, fixed);
  return possible;
}

const derivable = (cells: Cells, show: (cells: Cells) => Shown) =>
  [...candidatesFor(show(cells), show)].filter(([, values]) => values.size < 2).map(([k]) => k);

/** Groups of up to five cells, mostly small counts (where the risk is), some large. */
const groups = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }) }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((values): Cells => Object.fromEntries(values.map((v, i) => [`c${i}`, v])));

describe("small-cell suppression", () => {
  it("when a count is 1 to 4, then it shows as <5; 0 and 5 or more show as they are", () => {
    expect([0, 1, 4, 5, 120].map(shownCount)).toEqual([0, SMALL, SMALL, 5, 120]);
  });

  it("when any group is shown, then no cell shown as <5 can be worked out from the shown cells and total", () => {
    fc.assert(
      fc.property(groups, (cells) => {
        expect(derivable(cells, shownGroup), JSON.stringify({ cells, shown: shownGroup(cells) })).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it("when any group is shown, then what shows as a number is the true count, and a shown total is the sum", () => {
    fc.assert(
      fc.property(groups, (cells) => {
        const shown = shownGroup(cells);
        for (const [k, v] of Object.entries(cells)) expect(shown.cells[k]).toBe(v >= 1 && v <= 4 ? SMALL : v);
        const sum = Object.values(cells).reduce((a, b) => a + b, 0);
        if (shown.total !== WITHHELD) expect(shown.total).toBe(sum);
        if (sum >= 1 && sum <= 4) expect(shown.total).toBe(WITHHELD);
      }),
      { numRuns: 400 },
    );
  });

  it("when the total is kept beside small cells, then a plain suppression would give them away and this one does not", () => {
    // Without complementary suppression, total minus the shown cells is the one small cell.
    const plain = (cells: Cells): Shown => ({ ...shownGroup(cells), total: Object.values(cells).reduce((a, b) => a + b, 0) });
    expect(derivable({ invited: 3, active: 40, inactive: 12 }, plain)).toEqual(["invited"]);
    expect(derivable({ invited: 1, active: 40, inactive: 1 }, plain)).toEqual(["invited", "inactive"]);
    expect(derivable({ invited: 3, active: 40, inactive: 12 }, shownGroup)).toEqual([]);
    expect(derivable({ invited: 1, active: 40, inactive: 1 }, shownGroup)).toEqual([]);
  });

  it.each([
    [{ a: 3, b: 40, c: 12 }, { a: SMALL, b: 40, c: 12 }, WITHHELD],
    [{ a: 2, b: 40, c: 3 }, { a: SMALL, b: 40, c: SMALL }, 45],
    [{ a: 1, b: 40, c: 1 }, { a: SMALL, b: 40, c: SMALL }, WITHHELD],
    [{ a: 4, b: 40, c: 4 }, { a: SMALL, b: 40, c: SMALL }, WITHHELD],
    [{ a: 0, b: 40, c: 12 }, { a: 0, b: 40, c: 12 }, 52],
    [{ a: 1, b: 0, c: 2 }, { a: SMALL, b: 0, c: SMALL }, WITHHELD],
    [{ a: 0, b: 0 }, { a: 0, b: 0 }, 0],
  ] as [Cells, Record<string, unknown>, unknown][])("when the cells are %j, then they show as %j with total %j", (cells, shown, total) => {
    expect(shownGroup(cells)).toEqual({ cells: shown, total });
  });

  it("when a share is asked of counts that are shown, then it is the percentage; when either is suppressed, null", () => {
    expect(shownShare(7, 20)).toBe(35);
    expect(shownShare(0, 20)).toBe(0);
    expect(shownShare(SMALL, 20)).toBeNull();
    expect(shownShare(7, WITHHELD)).toBeNull();
    expect(shownShare(0, 0)).toBeNull();
  });
});
