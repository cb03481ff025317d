import type { Trajectory } from "../../events/derived/evaluation.ts";
import { redactExcerpt } from "../../events/redact.ts";
import { compareStrings, maskVariableParts, round } from "../text.ts";

/**
 * Deterministic reading of free-text notes about a user: sentiment from a small
 * lexicon (with negation), themes from recurring words, friction from negative
 * sentences, adjustments from what the friction is about, and a trajectory from
 * how sentiment moves over time.
 */

const positiveWords = new Set(
  (
    "progress improved improving improves better great good happy pleased resolved solved fixed works working success successful " +
    "smooth productive clear thanks thank confident excited finished completed done learned faster easy helpful appreciated " +
    "satisfied enjoy enjoyed enjoying calm focused motivated relieved"
  ).split(" "),
);

/** Negative words, each with the kind of friction it signals. */
const negativeWords: ReadonlyMap<string, FrictionKind> = new Map([
  ...["confused", "confusing", "unclear", "lost", "puzzled"].map((w) => [w, "confusion"] as const),
  ...["frustrated", "frustrating", "frustration", "annoyed", "annoying", "angry", "upset", "unhappy", "impatient"].map((w) => [w, "frustration"] as const),
  ...["slow", "tired", "overwhelmed", "exhausted", "verbose", "long"].map((w) => [w, "overload"] as const),
  ...["again", "repeated", "repeating", "repeat", "same"].map((w) => [w, "repetition"] as const),
  ...["error", "errors", "failed", "failing", "fails", "broken", "bug", "bugs", "wrong", "crash", "crashed", "worse"].map((w) => [w, "defects"] as const),
  ...["stuck", "blocked", "difficult", "hard", "struggle", "struggling", "struggled"].map((w) => [w, "blockage"] as const),
  ...["ignored", "ignoring", "complained", "complaint", "disagreed"].map((w) => [w, "preferences"] as const),
]);

type FrictionKind = "confusion" | "frustration" | "overload" | "repetition" | "defects" | "blockage" | "preferences";

const adjustmentByFriction: Record<FrictionKind, string> = {
  confusion: "Explain steps more explicitly and check understanding before moving on.",
  frustration: "Acknowledge the frustration and narrow the next step to one concrete action.",
  overload: "Shorten answers and reduce the number of steps per turn.",
  repetition: "Do not repeat a failed approach; switch strategy after one failure.",
  defects: "Verify fixes (run the tests) before declaring them done.",
  blockage: "Break the task into smaller sub-goals with a visible checkpoint each.",
  preferences: "Follow the user's stated preferences explicitly and confirm them.",
};

const negators = new Set(["not", "no", "never", "isn't", "wasn't", "didn't", "doesn't", "don't", "hardly", "without"]);

const themeStopwords = new Set(
  (
    "the a an and or but for with from into onto about that this these those there their they them then than when what which who " +
    "while were was are is be been being have has had does did doing done will would could should can may might must shall " +
    "user users today session sessions asked asks wants wanted said says seems seemed still also very really much more most some " +
    "again after before during over under just only even well like felt feels feel time times day days week note notes turn turns " +
    "help helped helping working work worked thing things need needs needed made make makes going getting get got your you our " +
    "together reviewed review discussed discuss asked options went seemed"
  ).split(" "),
);

const wordsIn = (text: string): string[] => text.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [];

export type NoteScore = { positive: number; negative: number; sentiment: number; frictionKinds: FrictionKind[] };

/** Positive and negative lexicon hits (a negator flips the next sentiment word), sentiment in −1..1. */
export const scoreNote = (text: string): NoteScore => {
  let positive = 0;
  let negative = 0;
  const frictionKinds: FrictionKind[] = [];
  const words = wordsIn(text);
  words.forEach((word, index) => {
    const isNegated = index > 0 && negators.has(words[index - 1]!);
    const friction = negativeWords.get(word);
    if (positiveWords.has(word)) {
      if (isNegated) negative++;
      else positive++;
    } else if (friction) {
      if (isNegated) positive++;
      else {
        negative++;
        frictionKinds.push(friction);
      }
    }
  });
  return { positive, negative, sentiment: positive + negative === 0 ? 0 : (positive - negative) / (positive + negative), frictionKinds };
};

export const meanOf = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length);

const stdevOf = (values: readonly number[]): number => {
  const mean = meanOf(values);
  return Math.sqrt(meanOf(values.map((v) => (v - mean) ** 2)));
};

/**
 * How sentiment moves over a time-ordered series: volatile when it keeps
 * flipping sign with a large spread; otherwise improving or declining when the
 * later half differs from the earlier half by at least 0.4; else stable.
 */
export const trajectoryOf = (sentiments: readonly number[]): Trajectory => {
  if (sentiments.length < 2) return "stable";
  const signed = sentiments.filter((s) => s !== 0);
  let flips = 0;
  for (let i = 1; i < signed.length; i++) if (Math.sign(signed[i]!) !== Math.sign(signed[i - 1]!)) flips++;
  if (sentiments.length >= 4 && signed.length >= 3 && flips / (signed.length - 1) >= 0.6 && stdevOf(sentiments) >= 0.6) return "volatile";
  const half = Math.floor(sentiments.length / 2);
  const delta = meanOf(sentiments.slice(sentiments.length - half)) - meanOf(sentiments.slice(0, half));
  if (delta >= 0.4) return "improving";
  if (delta <= -0.4) return "declining";
  return "stable";
};

/** Recurring words across notes (in how many notes they appear), most common first. */
export const themesOf = (texts: readonly string[], max = 5): string[] => {
  const documentFrequency = new Map<string, number>();
  for (const text of texts) {
    const words = new Set(
      wordsIn(maskVariableParts(text)).filter(
        (w) => w.length >= 4 && !themeStopwords.has(w) && !positiveWords.has(w) && !negativeWords.has(w) && !w.includes("'"),
      ),
    );
    for (const word of words) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  }
  const minNotes = texts.length >= 3 ? 2 : 1;
  return [...documentFrequency.entries()]
    .filter(([, count]) => count >= minNotes)
    .sort(([a, x], [b, y]) => y - x || compareStrings(a, b))
    .slice(0, max)
    .map(([word]) => word);
};

const sentencesOf = (text: string): string[] =>
  text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The negative sentences of the notes, redacted, most frequent first (ties: first seen). */
export const frictionPointsOf = (texts: readonly string[], max = 5): string[] => {
  const counts = new Map<string, { text: string; count: number; first: number }>();
  texts.forEach((text, index) => {
    for (const sentence of sentencesOf(text)) {
      const score = scoreNote(sentence);
      if (score.negative <= score.positive) continue;
      const excerpt = redactExcerpt(sentence.replace(/[.!?;]+$/, ""), 200);
      const key = maskVariableParts(excerpt).toLowerCase();
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { text: excerpt, count: 1, first: index });
    }
  });
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .slice(0, max)
    .map((entry) => entry.text);
};

export const keepApproachAdjustment = "Keep the current approach; it is working.";
export const keepObservingAdjustment = "Keep observing; no clear friction yet.";
const defaultAdjustments = new Set([keepApproachAdjustment, keepObservingAdjustment]);

/**
 * Drops the "keep …" defaults when a concrete adjustment is present, so a report
 * never both keeps and changes its approach; with only defaults, keeps the one
 * that fits the sentiment.
 */
export const concreteAdjustments = (adjustments: readonly string[], sentiment: number): string[] => {
  const concrete = adjustments.filter((a) => !defaultAdjustments.has(a));
  if (concrete.length > 0) return concrete;
  return adjustments.length === 0 ? [] : [sentiment > 0 ? keepApproachAdjustment : keepObservingAdjustment];
};

/** Adjustments for the kinds of friction in the notes, most frequent kind first. */
export const adjustmentsOf = (texts: readonly string[], max = 5): string[] => {
  const counts = new Map<FrictionKind, number>();
  for (const text of texts) for (const kind of scoreNote(text).frictionKinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const ranked = [...counts.entries()].sort(([a, x], [b, y]) => y - x || compareStrings(a, b)).map(([kind]) => adjustmentByFriction[kind]);
  if (ranked.length > 0) return ranked.slice(0, max);
  const mean = meanOf(texts.map((t) => scoreNote(t).sentiment));
  return [mean > 0 ? keepApproachAdjustment : keepObservingAdjustment];
};

export const describeSentiment = (sentiment: number): string =>
  sentiment >= 0.25 ? "mostly positive" : sentiment <= -0.25 ? "mostly negative" : "mixed";

export const roundSentiment = (sentiment: number): number => round(Math.max(-1, Math.min(1, sentiment)), 3);
