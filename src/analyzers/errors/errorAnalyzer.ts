import { derivedTopics } from "../../events/derived/derivedEnvelope.ts";
import { eventTypes } from "../../events/envelope.ts";
import { hourMs } from "../../windows/windowSpec.ts";
import type { Analyzer } from "../analyzer.ts";
import { defaultDiagnosisOptions, type DiagnosisOptions, diagnoseFailures } from "./diagnoseFailures.ts";

export const errorAnalyzerName = "error-analysis";
export const errorAnalyzerVersion = "1";

export type ErrorAnalyzerOptions = DiagnosisOptions & { windowSizeMs: number; hopMs: number };

export const defaultErrorAnalyzerOptions: ErrorAnalyzerOptions = { ...defaultDiagnosisOptions, windowSizeMs: 24 * hourMs, hopMs: hourMs };

/** Every operation shares one window key: a signature clusters across endpoints, and successes feed the avoid rule. */
export const allOperationsKey = "*";

/**
 * Error analysis over witness.operations: a rolling day of operations, closed
 * every hour; a diagnosis per error signature (key) whenever its cluster has
 * grown within the last hour.
 */
export const createErrorAnalyzer = (overrides: Partial<ErrorAnalyzerOptions> = {}): Analyzer => {
  const options = { ...defaultErrorAnalyzerOptions, ...overrides };
  return {
    name: errorAnalyzerName,
    version: errorAnalyzerVersion,
    outputTopic: derivedTopics.diagnoses,
    inputs: { topics: ["witness.operations"], analyzers: [] },
    window: { kind: "hopping", sizeMs: options.windowSizeMs, hopMs: options.hopMs },
    keepAliveMs: null,
    cycleCap: null,
    backend: "heuristic",
    keysOf: (event) => (event.type === eventTypes.operationObserved ? [allOperationsKey] : []),
    analyzeWindow: (_key, window, events) => diagnoseFailures(events, { ...options, freshSinceMs: window.endMs - options.hopMs }),
  };
};
