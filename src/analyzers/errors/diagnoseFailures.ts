import type { CauseClass, DiagnosisData } from "../../events/derived/diagnosis.ts";
import { eventTypes } from "../../events/envelope.ts";
import type { OperationObserved } from "../../events/operationObserved.ts";
import { redactExcerpt } from "../../events/redact.ts";
import { toIsoTime } from "../../windows/windowSpec.ts";
import type { DerivedItem, SourcedEvent } from "../analyzer.ts";
import { citeEvents } from "../derivedEvents.ts";
import { compareStrings, truncate } from "../text.ts";
import { classifyCause, deterministicCauses } from "./causeClass.ts";
import { errorSignatureOf } from "./errorSignature.ts";

export type ObservedOperation = SourcedEvent & { event: OperationObserved };

export const isObservedOperation = (sourced: SourcedEvent): sourced is ObservedOperation =>
  sourced.event.type === eventTypes.operationObserved;

/** Failures sharing one signature, in event-time order. */
export type FailureCluster = {
  signature: string;
  cause: CauseClass;
  failures: ObservedOperation[];
  endpoints: string[];
};

const messageOf = (op: OperationObserved): { type: string | null; message: string; code: string | null } =>
  op.data.error ?? { type: null, message: op.data.output_summary ?? "failed without an error message", code: null };

/** Groups the failures among the operations by normalised error signature, biggest cluster first. */
export const clusterFailures = (operations: readonly ObservedOperation[]): FailureCluster[] => {
  const bySignature = new Map<string, ObservedOperation[]>();
  for (const op of operations) {
    if (op.event.data.success) continue;
    const signature = errorSignatureOf(messageOf(op.event));
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), op]);
  }
  return [...bySignature.entries()]
    .map(([signature, failures]) => {
      // The cause most failures of the cluster are classified as (ties: alphabetical), stable under growth.
      const votes = new Map<CauseClass, number>();
      for (const failure of failures) {
        const cause = classifyCause(messageOf(failure.event));
        votes.set(cause, (votes.get(cause) ?? 0) + 1);
      }
      const cause = [...votes.entries()].sort(([a, x], [b, y]) => y - x || compareStrings(a, b))[0]![0];
      const endpoints = [...new Set(failures.map((f) => f.event.data.operation))].sort(compareStrings);
      return { signature, cause, failures, endpoints };
    })
    .sort((a, b) => b.failures.length - a.failures.length || compareStrings(a.signature, b.signature));
};

const adviceByCause: Record<CauseClass, (endpoints: string) => string> = {
  timeout: (e) => `Timeouts on ${e}: raise the timeout or shrink the request, and retry with exponential backoff.`,
  rate_limit: (e) => `Rate limited on ${e}: space calls out, honour Retry-After, and batch requests where possible.`,
  auth: (e) => `Credentials rejected by ${e}: refresh the token or fix permissions first; retrying unchanged will fail again.`,
  validation: (e) => `Input rejected by ${e}: fix the request shape before calling again; do not retry it unchanged.`,
  dependency: (e) => `A dependency behind ${e} is failing (5xx or connection): retry later with backoff or use a fallback.`,
  malformed_model_output: (e) => `Model output from ${e} does not parse: ask for strict JSON, validate and repair it, or lower the temperature.`,
  context_overflow: (e) => `Input too large for the model behind ${e}: summarise or split it (map-reduce) before calling.`,
  unknown: (e) => `Repeated failure on ${e}: inspect a sample input and error before retrying.`,
};

export const adviceFor = (cause: CauseClass, endpoints: readonly string[]): string =>
  truncate(adviceByCause[cause](endpoints.length === 1 ? endpoints[0]! : `${endpoints.length} endpoints (${endpoints.join(", ")})`), 500);

export type DiagnosisOptions = {
  /** A signature needs this many failures in the window to be a diagnosis. */
  minClusterSize: number;
  /** Repeated failures from this count on can earn the avoid flag. */
  avoidMinFailures: number;
};

export const defaultDiagnosisOptions: DiagnosisOptions = { minClusterSize: 3, avoidMinFailures: 3 };

/**
 * The avoid rule ("don't do this"): enough repeated failures, and either a cause
 * that fails the same way on every retry, or not one success of the affected
 * endpoints in the window.
 */
export const avoidVerdictOf = (
  cause: CauseClass,
  failureCount: number,
  successCount: number,
  options: DiagnosisOptions,
): { avoid: boolean; reason: string | null } => {
  if (failureCount < options.avoidMinFailures) return { avoid: false, reason: null };
  if (deterministicCauses.has(cause)) return { avoid: true, reason: `${failureCount} failures with a ${cause} cause, which retrying cannot fix` };
  if (successCount === 0) return { avoid: true, reason: `${failureCount} failures and no success of the affected endpoints in the window` };
  return { avoid: false, reason: null };
};

/** Diagnosis data of one cluster, given every operation of the window (for the successes). */
export const diagnoseCluster = (
  cluster: FailureCluster,
  operations: readonly ObservedOperation[],
  options: DiagnosisOptions = defaultDiagnosisOptions,
): DiagnosisData => {
  const endpoints = new Set(cluster.endpoints);
  const successCount = operations.filter((op) => op.event.data.success && endpoints.has(op.event.data.operation)).length;
  const verdict = avoidVerdictOf(cluster.cause, cluster.failures.length, successCount, options);
  const sampleInputs = [
    ...new Set(cluster.failures.map((f) => redactExcerpt(f.event.data.input_summary, 200)).filter((s) => s.length > 0)),
  ].slice(0, 3);
  return {
    signature: cluster.signature,
    cause: cluster.cause,
    affected_endpoints: cluster.endpoints.slice(0, 50),
    failure_count: cluster.failures.length,
    success_count: successCount,
    first_seen: toIsoTime(cluster.failures[0]!.timeMs),
    last_seen: toIsoTime(cluster.failures.at(-1)!.timeMs),
    sample_inputs: sampleInputs,
    sample_error: redactExcerpt(messageOf(cluster.failures[0]!.event).message, 500),
    advice: adviceFor(cluster.cause, cluster.endpoints),
    avoid: verdict.avoid,
    avoid_reason: verdict.reason,
  };
};

/**
 * Diagnoses of a window: one per signature with at least `minClusterSize`
 * failures. With `freshSinceMs`, only clusters that grew since then are
 * reported, so overlapping windows re-emit a diagnosis only as it grows.
 */
export const diagnoseFailures = (
  events: readonly SourcedEvent[],
  options: DiagnosisOptions & { freshSinceMs?: number } = defaultDiagnosisOptions,
): DerivedItem[] => {
  const operations = events.filter(isObservedOperation);
  return clusterFailures(operations)
    .filter((cluster) => cluster.failures.length >= options.minClusterSize)
    .filter((cluster) => options.freshSinceMs === undefined || cluster.failures.at(-1)!.timeMs >= options.freshSinceMs)
    .map((cluster) => ({ key: cluster.signature, data: diagnoseCluster(cluster, operations, options), evidence: citeEvents(cluster.failures) }));
};
