/**
 * A BSN is nine digits passing the "11-proef": 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11).
 * The DPIA forbids processing it; candidates sometimes type it into free text anyway.
 */
export function isBsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

export const BSN_MESSAGE =
  "this text contains what looks like a citizen service number (BSN); please remove it, the platform may not store it";

// Separators people put between digit groups: spaces, dots, underscores, dashes and the minus sign.
const SEP = "[\\s._\\-\\u2010-\\u2015\\u2212]";
// Nine digits, optionally grouped by separators ("1234.56.782", "111 - 222 - 333"), not part of a longer number.
const CANDIDATE_NUMBER = new RegExp(`(?<!\\d)\\d(?:${SEP}{0,3}\\d){8}(?!\\d)`, "g");
const SEPARATORS = new RegExp(SEP, "g");

/**
 * The text as the check reads it: compatibility forms folded (NFKC: fullwidth and other look-alike
 * digits), invisible format characters and stray combining marks dropped, and decimal digits of any
 * script as ASCII digits.
 */
export function digitsOf(text: string): string {
  return text
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(DIGITS, (ch) => {
      const cp = ch.codePointAt(0);
      if (cp === undefined || cp < 0x80) return ch;
      // Unicode encodes each script's digits as a run starting at zero.
      let k = 0;
      while (DIGIT.test(String.fromCodePoint(cp - k - 1))) k++;
      return String(k % 10);
    });
}
// Made once: the deployed bundle (esbuild) writes some \p{…} literals as `new RegExp(…)` where they stand, one per call.
const INVISIBLE = /[\p{Cf}\p{Mn}]/gu;
const DIGITS = /\p{Nd}/gu;
const DIGIT = /^\p{Nd}$/u;

export function containsBsn(text: string): boolean {
  for (const match of digitsOf(text).matchAll(CANDIDATE_NUMBER)) {
    if (isBsn(match[0].replace(SEPARATORS, ""))) return true;
  }
  return false;
}

/**
 * Every string in a parsed JSON value (nested objects, array items, and keys) that holds a BSN,
 * as `{ path, message }` with paths as clients write them ("profile.sectors.0"). Iterative, so a
 * deeply nested body cannot exhaust the stack.
 */
export function bsnFieldErrors(value: unknown, prefix: string[] = []): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const pathOf = (path: string[]) => path.join(".") || "(body)";
  // [value, its path, the key it stands under when that is to be checked too]
  const stack: [unknown, string[], string | undefined][] = [[value, prefix, undefined]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, path, key] = top;
    if ((key !== undefined && containsBsn(key)) || (typeof node === "string" && containsBsn(node))) {
      errors.push({ path: pathOf(path), message: BSN_MESSAGE });
    }
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], [...path, String(i)], undefined]);
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node).reverse()) stack.push([child, [...path, key], key]);
    }
  }
  return errors;
}
