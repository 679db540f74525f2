// Matter type names as firms and Smokeball's per-state catalogs spell them. docs/architecture.md §6: matching ignores
// case, punctuation, `&` vs `and` and extra spaces, so "Workers' Compensation", "WORKERS COMPENSATION"
// and "Motor-Vehicle Accident" find "Workers Compensation" and "Motor Vehicle Accident".

// Apostrophes are dropped rather than read as a space, so "Worker's" and "Workers'" both become "workers"
// (a space would give "worker s"). Curly and modifier apostrophes are what word processors paste.
const APOSTROPHES = /['\u2018\u2019\u02bc`]/gu;
const AMPERSAND = /&/gu;
// Any other punctuation (hyphens, dashes, dots, slashes, brackets) and any run of whitespace is one space.
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
// Accents are not meaningful in a type name ("Défense" is "Defense"); NFKD splits them off as marks.
const COMBINING_MARKS = /\p{M}/gu;

/**
 * The comparison key of a matter type name: lower case, words of letters and digits, single spaces. A type
 * without a name (the OAS allows `name: null`) has the key '', which no lookup matches.
 */
export function normalizeMatterTypeName(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(AMPERSAND, ' and ')
    .replace(NOT_LETTER_OR_DIGIT, ' ')
    .trim();
}

/** Location codes are case-insensitive in practice (`IL`, `il`; see matter-type-cache.ts). */
export const sameLocation = (a: string | null | undefined, b: string): boolean => (a ?? '').trim().toUpperCase() === b.trim().toUpperCase();
