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

// Nine digits, optionally grouped by single spaces, dots or dashes ("1234.56.782"), not part of a longer number.
const CANDIDATE_NUMBER = /(?<![\d])\d(?:[ .-]?\d){8}(?![\d])/g;

export function containsBsn(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE_NUMBER)) {
    if (isBsn(match[0].replace(/[ .-]/g, ""))) return true;
  }
  return false;
}
