import { AppError } from "../domain/errors.js";

interface Range {
  type: string;
  subtype: string;
  q: number;
}

/** `text/csv;q=0.8` → its type, subtype and weight; undefined for what is not a media range. */
function parseRange(part: string): Range | undefined {
  const [mediaRange = "", ...params] = part.split(";").map((p) => p.trim());
  const [, type, subtype] = /^([a-z0-9!#$&^_.+-]+|\*)\/([a-z0-9!#$&^_.+-]+|\*)$/i.exec(mediaRange) ?? [];
  if (!type || !subtype || (type === "*" && subtype !== "*")) return undefined;
  let q = 1;
  for (const param of params) {
    const [name = "", value = ""] = param.split("=", 2).map((p) => p.trim());
    if (name.toLowerCase() !== "q") continue;
    if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value)) return undefined;
    q = Number(value);
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), q };
}

/** How closely a range names a media type: 3 exactly, 2 `type/*`, 1 `*\/*`, 0 not at all. */
function specificity(range: Range, mediaType: string): number {
  const [type, subtype] = mediaType.split("/");
  if (range.type === "*") return 1;
  if (range.type !== type) return 0;
  if (range.subtype === "*") return 2;
  return range.subtype === subtype ? 3 : 0;
}

/**
 * The offered media type the `Accept` header prefers (RFC 9110 §12.5.1): each offer takes the
 * weight of the most specific range that names it, the highest weight wins, and ties go to the
 * earlier offer. No header (or nothing parseable in it) takes the first offer; a header that
 * allows none of them is 406.
 */
export function negotiate<T extends string>(accept: string | null | undefined, offered: readonly [T, ...T[]]): T {
  const ranges = (accept ?? "")
    .split(",")
    .map(parseRange)
    .filter((r): r is Range => r !== undefined);
  if (!ranges.length) return offered[0];
  let best: { offer: T; q: number } | undefined;
  for (const offer of offered) {
    let match: { q: number; specificity: number } | undefined;
    for (const range of ranges) {
      const s = specificity(range, offer);
      if (s > 0 && (!match || s > match.specificity)) match = { q: range.q, specificity: s };
    }
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { offer, q: match.q };
  }
  if (!best)
    throw new AppError(
      406,
      "Not Acceptable",
      `this answer comes as ${offered.join(" or ")}: send an Accept header that allows one of them`,
    );
  return best.offer;
}
