import type { PlaybookData } from "../../events/derived/playbook.ts";
import { redactExcerpt } from "../../events/redact.ts";
import { toIsoTime } from "../../windows/windowSpec.ts";
import type { DerivedItem, SourcedEvent } from "../analyzer.ts";
import { citeEvents } from "../derivedEvents.ts";
import { adviceFor, clusterFailures, defaultDiagnosisOptions, isObservedOperation, type ObservedOperation } from "../errors/diagnoseFailures.ts";
import { percentile, round, truncate } from "../text.ts";
import { deriveInputPattern } from "./inputPattern.ts";

export type PlaybookOptions = {
  /** Successes of one operation within the lookback before it earns a playbook. */
  minSuccesses: number;
  /** Failures of one signature before it becomes an avoid note. */
  minFailuresForAvoidNote: number;
};

export const defaultPlaybookOptions: PlaybookOptions = {
  minSuccesses: 3,
  minFailuresForAvoidNote: defaultDiagnosisOptions.minClusterSize,
};

/** Notes from the failure clusters of the operation: what went wrong repeatedly and what to do instead. */
export const avoidNotesOf = (operations: readonly ObservedOperation[], minFailures: number): string[] =>
  clusterFailures(operations)
    .filter((cluster) => cluster.failures.length >= minFailures)
    .slice(0, 5)
    .map((cluster) =>
      truncate(`Avoid ${cluster.signature} (${cluster.cause}, ${cluster.failures.length}×): ${adviceFor(cluster.cause, cluster.endpoints)}`, 300),
    );

/**
 * The playbook of one operation over its window, or null below the success
 * threshold. With `freshSinceMs`, only an operation that succeeded since then
 * gets one, so overlapping windows re-emit a playbook only as evidence grows.
 */
export const buildPlaybook = (
  operation: string,
  events: readonly SourcedEvent[],
  options: PlaybookOptions & { freshSinceMs?: number } = defaultPlaybookOptions,
): DerivedItem | null => {
  const attempts = events.filter(isObservedOperation).filter((op) => op.event.data.operation === operation);
  const successes = attempts.filter((op) => op.event.data.success);
  if (successes.length < options.minSuccesses) return null;
  const lastSuccess = successes.at(-1)!;
  if (options.freshSinceMs !== undefined && lastSuccess.timeMs < options.freshSinceMs) return null;

  const durations = successes.map((op) => op.event.data.duration_ms);
  const summaries = successes.map((op) => op.event.data.input_summary);
  const data: PlaybookData = {
    operation,
    kind: lastSuccess.event.data.kind,
    input_pattern: deriveInputPattern(summaries),
    success_count: successes.length,
    attempt_count: attempts.length,
    success_rate: round(successes.length / attempts.length, 4),
    mean_duration_ms: round(durations.reduce((sum, d) => sum + d, 0) / durations.length),
    p95_duration_ms: percentile(durations, 95),
    first_success: toIsoTime(successes[0]!.timeMs),
    last_success: toIsoTime(lastSuccess.timeMs),
    sample_inputs: [...new Set(summaries.map((s) => redactExcerpt(s, 200)).filter((s) => s.length > 0))].slice(-3),
    avoid_notes: avoidNotesOf(attempts, options.minFailuresForAvoidNote),
  };
  return { key: operation, data, evidence: citeEvents(successes) };
};
