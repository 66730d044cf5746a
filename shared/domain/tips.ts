/**
 * Tips e-mails (DPIA: automated tips on using the platform and improving the profile, with no
 * decision in them): which parts of a profile are missing, each its own tip. Add a tip by adding
 * its key here, the check in `tipsFor`, and its Dutch line in shared/services/messages.ts.
 */
export const TIP_KEYS = ["cv", "skills", "description", "workExperience", "availability", "sharing"] as const;
export type TipKey = (typeof TIP_KEYS)[number];

/** What the tips timer reads of a candidate: whether each part is filled, never its contents. */
export interface ProfileFacts {
  hasCv: boolean;
  skills: number;
  hasDescription: boolean;
  workExperience: number;
  hasAvailability: boolean;
  shared: boolean;
}

export function tipsFor(f: ProfileFacts): TipKey[] {
  const lacking: Record<TipKey, boolean> = {
    cv: !f.hasCv,
    skills: f.skills === 0,
    description: !f.hasDescription,
    workExperience: f.workExperience === 0,
    availability: !f.hasAvailability,
    sharing: !f.shared,
  };
  return TIP_KEYS.filter((k) => lacking[k]);
}
