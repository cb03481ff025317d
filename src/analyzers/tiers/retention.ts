import type { EvaluationEvent, EvaluationKind } from "../../events/derived/evaluation.ts";
import { dayMs, hourMs } from "../../windows/windowSpec.ts";

/**
 * How long each kind of evaluation is kept after its window ends. One topic
 * carries them all, so the topic keeps the longest (configure witness.evaluations
 * with `retention.ms` ≥ the daily figure) and the projection's clean-up drops
 * rows past their kind's retention.
 */
export const evaluationRetentionMs: Record<EvaluationKind, number> = {
  meta: 48 * hourMs,
  daily: 90 * dayMs,
  weekly: 365 * dayMs,
  audit_finding: 90 * dayMs,
};

/** True once an evaluation is past its retention at event time `nowMs` (e.g. the projection's watermark). */
export const isPastRetention = (event: Pick<EvaluationEvent, "window_end" | "data">, nowMs: number): boolean =>
  event.data !== null && Date.parse(event.window_end) + evaluationRetentionMs[event.data.kind] <= nowMs;
