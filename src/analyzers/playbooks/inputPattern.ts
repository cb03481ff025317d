import { redactSecrets } from "../../events/redact.ts";
import { compareStrings, maskVariableParts, truncate } from "../text.ts";

export const inputPatternMaxChars = 300;

const tokensOf = (summary: string): string[] => maskVariableParts(redactSecrets(summary)).toLowerCase().split(" ").filter(Boolean);

/**
 * The common shape of a set of input summaries, deterministically: variable
 * parts masked (<n>, <id>, <str> …), then the most common masked summary with
 * every word that fewer than half of the summaries contain replaced by `*`.
 *
 *   "search orders for customer c-1042 in region eu"
 *   "search orders for customer c-2211 in region us"  →  "search orders for customer <id> in region *"
 */
export const deriveInputPattern = (summaries: readonly string[]): string => {
  const tokenized = summaries.map(tokensOf).filter((tokens) => tokens.length > 0);
  if (tokenized.length === 0) return "";
  const counts = new Map<string, number>();
  for (const tokens of tokenized) {
    const joined = tokens.join(" ");
    counts.set(joined, (counts.get(joined) ?? 0) + 1);
  }
  // The mode; ties go to the shorter, then the alphabetically first summary.
  const base = [...counts.entries()].sort(([a, x], [b, y]) => y - x || a.length - b.length || compareStrings(a, b))[0]![0];
  if (counts.size === 1) return truncate(base, inputPatternMaxChars);

  const documentFrequency = new Map<string, number>();
  for (const tokens of tokenized) for (const token of new Set(tokens)) documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
  const pattern: string[] = [];
  for (const token of base.split(" ")) {
    const isCommon = (documentFrequency.get(token) ?? 0) * 2 > tokenized.length;
    const word = isCommon ? token : "*";
    if (word === "*" && pattern.at(-1) === "*") continue;
    pattern.push(word);
  }
  return truncate(pattern.join(" "), inputPatternMaxChars);
};
