import type { Citation } from "../../events/derived/derivedEnvelope.ts";
import { type InstinctData, instinctLimits, type InstinctPattern } from "../../events/derived/instinct.ts";
import { redactSecrets } from "../../events/redact.ts";
import { toIsoTime } from "../../windows/windowSpec.ts";
import type { DerivedItem, SourcedEvent } from "../analyzer.ts";
import { citeEvents } from "../derivedEvents.ts";
import { buildSessionTimelines } from "../sessions/sessionTimeline.ts";
import { compareStrings, jaccard, round, truncate } from "../text.ts";
import { type EvidenceEntry, scoreConfidence } from "./confidence.ts";
import { classifyDomain } from "./instinctDomain.ts";
import {
  type DetectionOptions,
  defaultDetectionOptions,
  defaultSequenceOptions,
  detectAdviceSignals,
  detectCorrections,
  detectExplicitRules,
  detectFailureRetries,
  detectRepeatedSequences,
  type InstinctObservation,
  type InstinctSignal,
  type SequenceOptions,
} from "./instinctObservations.ts";
import { defaultMergeThreshold, type InstinctCluster, mergeInstincts } from "./mergeInstincts.ts";

export type InstinctOptions = {
  detection: DetectionOptions;
  sequences: SequenceOptions;
  mergeThreshold: number;
  /**
   * Independent sightings (sessions) before an instinct is reported: a user's
   * own words count at once; a retry that worked must work twice, since one
   * success can be luck.
   */
  minSessions: Record<InstinctPattern, number>;
  /** Promotion to global scope: seen in this many projects with at least this mean per-project confidence. */
  globalMinProjects: number;
  globalMinConfidence: number;
};

export const defaultInstinctOptions: InstinctOptions = {
  detection: defaultDetectionOptions,
  sequences: defaultSequenceOptions,
  mergeThreshold: defaultMergeThreshold,
  minSessions: { failure_retry: 2, user_correction: 1, explicit_rule: 1, repeated_sequence: defaultSequenceOptions.minSessions },
  globalMinProjects: 2,
  globalMinConfidence: 0.8,
};

const isOppositeRule = (a: InstinctObservation, b: InstinctObservation, threshold: number): boolean => {
  if (!a.rule || !b.rule || a.rule.polarity === b.rule.polarity) return false;
  const aPrefers = a.rule.polarity.startsWith("prefer:");
  if (aPrefers !== b.rule.polarity.startsWith("prefer:")) return false;
  return jaccard(new Set(a.rule.subject), new Set(b.rule.subject)) >= threshold;
};

const uniqueCitations = (citations: readonly Citation[]): Citation[] => {
  const seen = new Set<string>();
  return citations.filter((c) => (seen.has(c.event_id) ? false : (seen.add(c.event_id), true)));
};

const evidenceEntriesOf = (
  cluster: InstinctCluster,
  allObservations: readonly InstinctObservation[],
  signals: readonly InstinctSignal[],
  threshold: number,
): Array<EvidenceEntry & { project: string | null }> => {
  const identities = new Set(cluster.identities);
  const observed = cluster.observations.map((o) => ({
    kind: "observed" as const,
    timeMs: o.timeMs,
    sessionId: o.sessionId,
    project: o.project,
    citations: citeEvents(o.evidence),
  }));
  const signalled = signals
    .filter((s) => (s.identity !== null && identities.has(s.identity)) || s.instinctKey === cluster.key)
    .map((s) => ({ kind: s.kind, timeMs: s.timeMs, sessionId: s.sessionId, project: s.project, citations: citeEvents(s.evidence) }));
  const opposed =
    cluster.pattern === "explicit_rule"
      ? allObservations
          .filter((o) => isOppositeRule(cluster.representative, o, threshold))
          .map((o) => ({ kind: "contradicted" as const, timeMs: o.timeMs, sessionId: o.sessionId, project: o.project, citations: citeEvents(o.evidence) }))
      : [];
  return [...observed, ...signalled, ...opposed];
};

/**
 * Instincts of a window of session observations, as of `untilMs` (the window
 * end). With `freshSinceMs`, only instincts with new evidence or a decay step
 * since then are reported, so overlapping windows re-emit an instinct only when
 * its confidence story changed.
 */
export const extractInstincts = (
  events: readonly SourcedEvent[],
  timing: { untilMs: number; freshSinceMs?: number },
  options: InstinctOptions = defaultInstinctOptions,
): DerivedItem[] => {
  const timelines = buildSessionTimelines(events);
  const observations: InstinctObservation[] = [];
  const signals: InstinctSignal[] = [];
  for (const timeline of timelines) {
    const retries = detectFailureRetries(timeline, options.detection);
    observations.push(...retries.observations, ...detectCorrections(timeline, options.detection), ...detectExplicitRules(timeline));
    signals.push(...retries.signals, ...detectAdviceSignals(timeline));
  }
  observations.push(...detectRepeatedSequences(timelines, options.sequences));

  const items: DerivedItem[] = [];
  for (const cluster of mergeInstincts(observations, options.mergeThreshold)) {
    const entries = evidenceEntriesOf(cluster, observations, signals, options.mergeThreshold);
    const score = scoreConfidence(entries, timing.untilMs);
    if (score.observationCount < options.minSessions[cluster.pattern]) continue;
    const fresh = timing.freshSinceMs;
    if (fresh !== undefined && ![...entries.map((e) => e.timeMs), ...score.decayTimesMs].some((t) => t >= fresh && t < timing.untilMs)) continue;

    const projects = [...new Set(cluster.observations.flatMap((o) => (o.project === null ? [] : [o.project])))].sort(compareStrings);
    const perProject = projects.map((project) => scoreConfidence(entries.filter((e) => e.project === project), timing.untilMs).confidence);
    const meanProjectConfidence = perProject.length === 0 ? 0 : perProject.reduce((sum, c) => sum + c, 0) / perProject.length;
    const isGlobal = projects.length >= options.globalMinProjects && meanProjectConfidence >= options.globalMinConfidence;

    const { representative } = cluster;
    const excerpts = [...new Set(cluster.observations.map((o) => o.excerpt).filter((e) => e.length > 0))].slice(-instinctLimits.excerpts);
    const observationIds = [...new Set(cluster.observations.flatMap((o) => o.evidence.map((step) => step.id)))].slice(-instinctLimits.observationIds);
    const data: InstinctData = {
      trigger: truncate(redactSecrets(representative.trigger), instinctLimits.triggerChars),
      action: truncate(redactSecrets(representative.action), instinctLimits.actionChars),
      confidence: round(score.confidence, 4),
      domain: classifyDomain(representative.trigger, representative.action),
      scope: isGlobal ? "global" : "project",
      pattern: cluster.pattern,
      projects: projects.slice(0, 20),
      evidence_excerpts: excerpts.length > 0 ? excerpts : [representative.action],
      observation_ids: observationIds,
      observation_count: score.observationCount,
      confirmation_count: score.confirmationCount,
      contradiction_count: score.contradictionCount,
      first_seen: toIsoTime(score.firstSeenMs),
      last_seen: toIsoTime(score.lastSeenMs),
      confidence_history: score.history.slice(-instinctLimits.historyEntries),
    };
    const citations = uniqueCitations(entries.sort((a, b) => a.timeMs - b.timeMs).flatMap((e) => e.citations));
    items.push({ key: cluster.key, data, evidence: citations });
  }
  return items.sort((a, b) => compareStrings(a.key, b.key));
};
