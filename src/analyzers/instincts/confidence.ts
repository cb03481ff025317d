import type { Citation } from "../../events/derived/derivedEnvelope.ts";
import { type ConfidenceChange, instinctLimits } from "../../events/derived/instinct.ts";
import { toIsoTime, weekMs } from "../../windows/windowSpec.ts";
import { compareStrings, round } from "../text.ts";

/**
 * Confidence of an instinct as a pure function of its evidence in event time:
 * a starting value from the number of independent observations (distinct
 * sessions) — 0.3 for 1–2, 0.5 for 3–5, 0.7 for 6–10, 0.85 for 11 or more —
 * +0.05 per confirmation, −0.1 per contradiction, −0.02 per whole week without
 * supporting evidence; clamped to 0..1. Every change is recorded with the
 * evidence (event ids and offsets) that caused it.
 */
export const confidenceRules = {
  confirmation: 0.05,
  contradiction: -0.1,
  decayPerWeek: -0.02,
} as const;

export const initialConfidenceOf = (observationCount: number): number => {
  if (observationCount <= 0) return 0;
  if (observationCount <= 2) return 0.3;
  if (observationCount <= 5) return 0.5;
  if (observationCount <= 10) return 0.7;
  return 0.85;
};

export type EvidenceEntry = {
  kind: "observed" | "confirmed" | "contradicted";
  timeMs: number;
  sessionId: string;
  citations: Citation[];
};

export type ConfidenceScore = {
  confidence: number;
  observationCount: number;
  confirmationCount: number;
  contradictionCount: number;
  firstSeenMs: number;
  /** Last supporting evidence (an observation or confirmation). */
  lastSeenMs: number;
  decaySteps: number;
  /** Every change, oldest first (callers keep the latest few). */
  history: ConfidenceChange[];
  /** Times at which the confidence decayed. */
  decayTimesMs: number[];
};

const clamp = (value: number): number => round(Math.min(1, Math.max(0, value)), 4);

const compareEntries = (a: EvidenceEntry, b: EvidenceEntry): number =>
  a.timeMs - b.timeMs || compareStrings(a.kind, b.kind) || compareStrings(a.sessionId, b.sessionId);

/** Replays the evidence in time order up to `untilMs`, recording every change of the confidence. */
export const scoreConfidence = (entries: readonly EvidenceEntry[], untilMs: number): ConfidenceScore => {
  const ordered = [...entries].filter((e) => e.timeMs < untilMs).sort(compareEntries);
  const sessions = new Set<string>();
  let confirmations = 0;
  let contradictions = 0;
  let decaySteps = 0;
  let lastSeenMs: number | null = null;
  let decayedWeeksSinceSeen = 0;
  let confidence = 0;
  const history: ConfidenceChange[] = [];
  const decayTimesMs: number[] = [];

  const current = () =>
    clamp(
      initialConfidenceOf(sessions.size) +
        confidenceRules.confirmation * confirmations +
        confidenceRules.contradiction * contradictions +
        confidenceRules.decayPerWeek * decaySteps,
    );
  const record = (timeMs: number, reason: ConfidenceChange["reason"], citations: Citation[]) => {
    const next = current();
    if (next === confidence) return;
    history.push({
      time: toIsoTime(timeMs),
      reason,
      delta: round(next - confidence, 4),
      confidence: next,
      evidence: citations.slice(0, instinctLimits.citationsPerChange),
    });
    confidence = next;
  };
  const decayUntil = (timeMs: number) => {
    if (lastSeenMs === null) return;
    const weeks = Math.floor((timeMs - lastSeenMs) / weekMs);
    while (decayedWeeksSinceSeen < weeks) {
      decayedWeeksSinceSeen++;
      decaySteps++;
      const decayAtMs = lastSeenMs + decayedWeeksSinceSeen * weekMs;
      decayTimesMs.push(decayAtMs);
      record(decayAtMs, "decayed", []);
    }
  };

  for (const entry of ordered) {
    // Nothing to confirm or contradict before the first observation.
    if (entry.kind !== "observed" && sessions.size === 0) continue;
    decayUntil(entry.timeMs);
    if (entry.kind === "observed") sessions.add(entry.sessionId);
    else if (entry.kind === "confirmed") confirmations++;
    else contradictions++;
    record(entry.timeMs, entry.kind, entry.citations);
    if (entry.kind !== "contradicted") {
      lastSeenMs = entry.timeMs;
      decayedWeeksSinceSeen = 0;
    }
  }
  decayUntil(untilMs);

  const supporting = ordered.filter((e) => e.kind === "observed");
  return {
    confidence,
    observationCount: sessions.size,
    confirmationCount: confirmations,
    contradictionCount: contradictions,
    firstSeenMs: supporting[0]?.timeMs ?? untilMs,
    lastSeenMs: lastSeenMs ?? untilMs,
    decaySteps,
    history,
    decayTimesMs,
  };
};
