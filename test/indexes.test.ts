import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTAINERS } from "../shared/data/containers.js";

/** Every source file of the data layer, with each multi-field ORDER BY it contains. */
function orderBys(): { file: string; fields: { path: string; order: string }[] }[] {
  const dir = join(import.meta.dirname, "../shared/data");
  const found = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const match of text.matchAll(/ORDER BY (c\.[^`"]+?)(?=`|"|\$\{|\n)/g)) {
      const fields = match[1]!.split(",").map((part) => {
        const [expr, dir] = part.trim().split(/\s+/);
        return { path: expr!.replace(/^c\./, "/").replace(/\./g, "/"), order: (dir ?? "ASC").toUpperCase() === "DESC" ? "descending" : "ascending" };
      });
      if (fields.length > 1) found.push({ file, fields });
    }
  }
  return found;
}

describe("composite indexes", () => {
  it("when a query sorts on several fields, then its own container declares the matching composite index", () => {
    const queries = orderBys();
    expect(queries.length).toBeGreaterThanOrEqual(4);
    type Composite = readonly { path: string; order: string }[];
    for (const q of queries) {
      // Each repository file is named after its container.
      const definition = CONTAINERS[q.file.replace(/\.ts$/, "") as keyof typeof CONTAINERS];
      expect(definition, `${q.file} names no container`).toBeDefined();
      const policy = (definition as { indexingPolicy?: { compositeIndexes?: readonly Composite[] } }).indexingPolicy;
      const declared = policy?.compositeIndexes ?? [];
      const match = declared.some(
        (index) => index.length === q.fields.length && index.every((f, i) => f.path === q.fields[i]!.path && f.order === q.fields[i]!.order),
      );
      expect(match, `${q.file}: ORDER BY ${q.fields.map((f) => `${f.path} ${f.order}`).join(", ")}`).toBe(true);
    }
  });
});
