import { expect } from "vitest";

// Vitest types its asymmetric matchers as `any`, which the lint rules rightly refuse inside an
// expected value; these are the same matchers, typed as what they are there: a value the
// comparison accepts.

export const anyString: unknown = expect.any(String);
export const anyNumber: unknown = expect.any(Number);
export const matching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);
export const containing = (text: string): unknown => expect.stringContaining(text);
export const objectLike = (shape: Record<string, unknown>): unknown => expect.objectContaining(shape);
