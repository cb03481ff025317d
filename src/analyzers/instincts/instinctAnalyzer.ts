import { derivedTopics } from "../../events/derived/derivedEnvelope.ts";
import { eventTypes } from "../../events/envelope.ts";
import { dayMs, hourMs } from "../../windows/windowSpec.ts";
import type { Analyzer } from "../analyzer.ts";
import { defaultInstinctOptions, extractInstincts, type InstinctOptions } from "./extractInstincts.ts";

export const instinctAnalyzerName = "instinct-extractor";
export const instinctAnalyzerVersion = "1";

export type InstinctAnalyzerOptions = InstinctOptions & { lookbackMs: number; hopMs: number };

export const defaultInstinctAnalyzerOptions: InstinctAnalyzerOptions = {
  ...defaultInstinctOptions,
  lookbackMs: 28 * dayMs,
  hopMs: 6 * hourMs,
};

/** Every session shares one window key: instincts are learned across sessions and projects. */
export const allSessionsKey = "*";

/**
 * The instinct extractor over witness.sessions: a 28-day lookback closed every
 * 6 hours. Confidence is recomputed from the evidence in the lookback, so a
 * correction of a window is as easy as its first result; an instinct is
 * re-emitted when it has new evidence or its confidence decayed in the last hop.
 * Advice citations (`advice_cited` observations whose `key` attribute is an
 * instinct key) confirm it on success and contradict it on failure.
 */
export const createInstinctAnalyzer = (overrides: Partial<InstinctAnalyzerOptions> = {}): Analyzer => {
  const options = { ...defaultInstinctAnalyzerOptions, ...overrides };
  return {
    name: instinctAnalyzerName,
    version: instinctAnalyzerVersion,
    outputTopic: derivedTopics.instincts,
    inputs: { topics: ["witness.sessions"], analyzers: [] },
    window: { kind: "hopping", sizeMs: options.lookbackMs, hopMs: options.hopMs },
    keepAliveMs: null,
    cycleCap: null,
    backend: "heuristic",
    keysOf: (event) => (event.type === eventTypes.sessionObserved ? [allSessionsKey] : []),
    analyzeWindow: (_key, window, events) =>
      extractInstincts(events, { untilMs: window.endMs, freshSinceMs: window.endMs - options.hopMs }, options),
  };
};
