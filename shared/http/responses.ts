/** Answers several routes share, so the same situation reads the same on each. */

/** For `me/…` routes: the caller's account has no candidate record (yet, or any more). */
export const NOT_LINKED = { description: "no record is linked to this account (redeem the invitation code first), or it no longer exists" };
