import { config } from "../config/index.js";

/** The terms of use in force: a candidate accepts this version before sharing their profile with employers. */
export function currentTerms(): { version: string; url: string } {
  const c = config();
  return { version: c.TERMS_VERSION, url: c.TERMS_URL };
}
