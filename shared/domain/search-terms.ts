import type { CandidateView } from "./candidate.js";

// Made once: the deployed bundle (esbuild) writes some \p{…} literals as `new RegExp(…)` where they stand, one per call.
const MARKS = /\p{M}/gu;
const ASCII = /^[ -~]*$/;
const NOT_A_WORD = /[^\p{L}\p{N}]+/u;

/** Lower-case, accents folded, so "Özil" and "ozil" find the same candidate. */
export function normalise(s: string): string {
  // Most names and terms are printable ASCII, which NFKD leaves as it is.
  return (ASCII.test(s) ? s : s.normalize("NFKD").replace(MARKS, "")).toLowerCase().trim();
}

/** The words of a text as search terms: normalised, at least two characters, no punctuation. */
export function words(text: string): string[] {
  return normalise(text)
    .split(NOT_A_WORD)
    .filter((w) => w.length >= 2);
}

export const TARGET_GROUPS = ["jobAgreement", "practiceRoute", "bbl", "tozo"] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

/**
 * Terms stored with each candidate at write time, so every search filter is an index lookup
 * (ARRAY_CONTAINS or a comparison) instead of a scan of free text.
 */
export interface SearchTerms {
  /** Words of occupations, skills, competencies, desired work and the description: the `q` filter. */
  words: string[];
  occupations: string[];
  sectors: string[];
  skills: string[];
  languages: string[];
  drivingLicences: string[];
  targetGroups: TargetGroup[];
  /** ISO date, or "" when the candidate gave none (available now). */
  availableFrom: string;
  /** Hours per week the candidate is available, 0 when not given: matched against a vacancy's hours. */
  hoursPerWeek: number;
  /** `item:ability` (`lifting:no`) per work-related physical item the candidate answered: matched against a vacancy's demands. */
  physical: string[];
}

const MAX_WORDS = 400;

export const physicalTerm = (item: string, ability: string) => `${item}:${ability}`;

export function searchTerms({ admin, profile }: Pick<CandidateView, "admin" | "profile">): SearchTerms {
  const phrases = (list: string[] | undefined) => [...new Set((list ?? []).map(normalise))];
  const text = [
    ...(profile.preferredOccupations ?? []),
    ...(profile.skills ?? []),
    ...(profile.competencies ?? []),
    profile.desiredWork ?? "",
    profile.description ?? "",
  ].join(" ");
  return {
    words: [...new Set(words(text))].slice(0, MAX_WORDS),
    occupations: phrases(profile.preferredOccupations),
    sectors: phrases(profile.sectors),
    skills: phrases(profile.skills),
    languages: phrases(profile.languages?.map((l) => l.language)),
    drivingLicences: [...(profile.drivingLicences ?? [])],
    targetGroups: TARGET_GROUPS.filter((g) => admin.targetGroups?.[g]),
    availableFrom: profile.availability?.availableFrom ?? "",
    hoursPerWeek: profile.availability?.hoursPerWeek ?? 0,
    physical: Object.entries(profile.physical ?? {}).map(([item, ability]) => physicalTerm(item, ability)),
  };
}
