import { derivedTopics } from "../../events/derived/derivedEnvelope.ts";
import { eventTypes } from "../../events/envelope.ts";
import { hourMs } from "../../windows/windowSpec.ts";
import type { Analyzer } from "../analyzer.ts";
import { buildSessionTimelines } from "../sessions/sessionTimeline.ts";
import { auditSession } from "./auditSession.ts";

export const auditAnalyzerName = "session-audit";
export const auditAnalyzerVersion = "1";

export type AuditAnalyzerOptions = { lookAheadMs: number };
export const defaultAuditAnalyzerOptions: AuditAnalyzerOptions = { lookAheadMs: hourMs };

/**
 * Session audit over witness.sessions, keyed by session: hopping windows of two
 * look-ahead spans advancing by one. Each window judges only the steps of its
 * first span, so every step is judged exactly once and always with at least one
 * span of what followed it. Findings go to witness.evaluations (kind audit_finding).
 */
export const createAuditAnalyzer = (overrides: Partial<AuditAnalyzerOptions> = {}): Analyzer => {
  const options = { ...defaultAuditAnalyzerOptions, ...overrides };
  return {
    name: auditAnalyzerName,
    version: auditAnalyzerVersion,
    outputTopic: derivedTopics.evaluations,
    inputs: { topics: ["witness.sessions"], analyzers: [] },
    window: { kind: "hopping", sizeMs: 2 * options.lookAheadMs, hopMs: options.lookAheadMs },
    keepAliveMs: null,
    cycleCap: null,
    backend: "heuristic",
    keysOf: (event) => (event.type === eventTypes.sessionObserved ? [event.data.session_id] : []),
    analyzeWindow: (_sessionId, window, events) =>
      buildSessionTimelines(events).flatMap((timeline) => auditSession(timeline, window.startMs, window.startMs + options.lookAheadMs)),
  };
};
