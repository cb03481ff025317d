/**
 * Deterministic text helpers shared by the heuristic analyzers: masking the
 * variable parts of a message, tokens with light stemming, Jaccard similarity.
 */

type Mask = { placeholder: string; pattern: RegExp };

// Order matters: structured values (URLs, emails, UUIDs, timestamps) before the
// generic ones that would otherwise eat their pieces (paths, hex, numbers).
const masks: readonly Mask[] = [
  { placeholder: "<url>", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)\]]+/gi },
  { placeholder: "<email>", pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  { placeholder: "<uuid>", pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi },
  {
    placeholder: "<time>",
    pattern: /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g,
  },
  // Quotes only when they look like delimiters, so the apostrophe in "don't" is not a quote.
  { placeholder: "<str>", pattern: /(?<=^|[\s(\[{=:,])(["'`])[^\n]{0,200}?\1(?=$|[\s)\]}.,;:!?])/g },
  { placeholder: "<path>", pattern: /(?<=^|[\s(=:,])(?:[A-Za-z]:\\|~?\.{0,2}\/)?(?:[\w.@-]+[\\/])+[\w.@-]*/g },
  { placeholder: "<path>", pattern: /(?<=^|[\s(=:,])\/[\w.@-]+/g },
  { placeholder: "<hex>", pattern: /\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi },
  { placeholder: "<ip>", pattern: /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g },
  { placeholder: "<n>", pattern: /\b\d+(?:\.\d+){2,}\b/g },
  { placeholder: "<id>", pattern: /\b(?=[\w-]*\d)(?=[\w-]*[a-z])[a-z0-9]+(?:[_-][a-z0-9]+)+\b/gi },
  { placeholder: "<id>", pattern: /\b(?=[a-z]*\d)[a-z]+\d[a-z0-9]{3,}\b/gi },
  { placeholder: "<n>", pattern: /(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:ms|s|kb|mb|gb|b)?\b/gi },
];

/** Replaces ids, numbers, UUIDs, quoted values, paths, timestamps, hex, emails and URLs by placeholders. */
export const maskVariableParts = (text: string): string =>
  masks
    .reduce((current, { placeholder, pattern }) => current.replace(pattern, placeholder), text)
    .replace(/\s+/g, " ")
    .trim();

export const truncate = (text: string, maxChars: number): string =>
  text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;

const stopwords = new Set(
  (
    "a an and are as at be been but by can could do does for from had has have how i if in into is it its me my of on or our " +
    "please so that the their them then there these this to was we were what when where which while who will with would you your " +
    "just also all any some very really should must always never dont don't do not prefer over instead use using"
  ).split(" "),
);

/** Light suffix stripping so that "linter", "linting" and "lint" meet. */
export const stemToken = (token: string): string => {
  let stem = token;
  for (const suffix of ["ing", "ed", "er", "es", "s"]) {
    if (stem.length > suffix.length + 2 && stem.endsWith(suffix)) {
      stem = stem.slice(0, -suffix.length);
      break;
    }
  }
  // "committ" → "commit", "runn" → "run"
  if (stem.length > 3 && stem.at(-1) === stem.at(-2) && !/[aeiou]/.test(stem.at(-1)!)) stem = stem.slice(0, -1);
  return stem;
};

/** Lower-cased word tokens, placeholders kept whole. */
export const wordsOf = (text: string): string[] => text.toLowerCase().match(/<[a-z]+>|[a-z0-9][a-z0-9_.+#-]*/g) ?? [];

/** Content tokens: stopwords dropped, stemmed; the basis of similarity. */
export const contentTokensOf = (text: string): string[] =>
  wordsOf(text)
    .filter((token) => !stopwords.has(token))
    .map(stemToken);

export const jaccard = (a: ReadonlySet<string>, b: ReadonlySet<string>): number => {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / (a.size + b.size - shared);
};

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Nearest-rank percentile of an unsorted list (p in 0..100). */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
};

export const round = (value: number, digits = 3): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
