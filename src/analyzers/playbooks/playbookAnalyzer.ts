import { derivedTopics } from "../../events/derived/derivedEnvelope.ts";
import { eventTypes } from "../../events/envelope.ts";
import { dayMs, hourMs } from "../../windows/windowSpec.ts";
import type { Analyzer } from "../analyzer.ts";
import { buildPlaybook, defaultPlaybookOptions, type PlaybookOptions } from "./buildPlaybook.ts";

export const playbookAnalyzerName = "playbook-builder";
export const playbookAnalyzerVersion = "1";

export type PlaybookAnalyzerOptions = PlaybookOptions & { lookbackMs: number; hopMs: number };

export const defaultPlaybookAnalyzerOptions: PlaybookAnalyzerOptions = { ...defaultPlaybookOptions, lookbackMs: 7 * dayMs, hopMs: hourMs };

/**
 * Playbooks over witness.operations, keyed by operation: a 7-day lookback closed
 * every hour; an operation with ≥ N successes in the lookback and a new success
 * in the last hour gets an updated playbook.
 */
export const createPlaybookAnalyzer = (overrides: Partial<PlaybookAnalyzerOptions> = {}): Analyzer => {
  const options = { ...defaultPlaybookAnalyzerOptions, ...overrides };
  return {
    name: playbookAnalyzerName,
    version: playbookAnalyzerVersion,
    outputTopic: derivedTopics.playbooks,
    inputs: { topics: ["witness.operations"], analyzers: [] },
    window: { kind: "hopping", sizeMs: options.lookbackMs, hopMs: options.hopMs },
    keepAliveMs: null,
    cycleCap: null,
    backend: "heuristic",
    keysOf: (event) => (event.type === eventTypes.operationObserved ? [event.data.operation] : []),
    analyzeWindow: (key, window, events) => {
      const playbook = buildPlaybook(key, events, { ...options, freshSinceMs: window.endMs - options.hopMs });
      return playbook ? [playbook] : [];
    },
  };
};
