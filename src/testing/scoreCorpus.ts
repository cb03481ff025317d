import { latestRevisions } from "../analyzers/derivedEvents.ts";
import type { DerivedEvent } from "../events/derived/derivedFamilies.ts";
import type { DiagnosisData } from "../events/derived/diagnosis.ts";
import type { EvaluationData } from "../events/derived/evaluation.ts";
import type { InstinctData } from "../events/derived/instinct.ts";
import type { PlaybookData } from "../events/derived/playbook.ts";
import type { GroundTruth } from "./corpus.ts";

/**
 * Recall and precision of derived events against a corpus's ground truth. Items
 * are counted by key (a diagnosis per signature, a playbook per operation, an
 * instinct per instinct key, a finding per key, an evaluation per user and
 * window), over the latest revision of every derived event, retractions dropped.
 * A planted item is found when an item matches it (by cited evidence, operation
 * or window) with the planted properties; an emitted item is spurious when it
 * matches nothing planted, or is a second item for the same planted one.
 */
export type AnalyzerScore = {
  analyzer: string;
  planted: number;
  found: number;
  emitted: number;
  spurious: number;
  recall: number;
  /** 1 − spurious / emitted. */
  precision: number;
  missing: string[];
  spuriousKeys: string[];
};

const score = (analyzer: string, planted: string[], foundIds: Set<string>, emittedKeys: string[], spuriousKeys: string[]): AnalyzerScore => ({
  analyzer,
  planted: planted.length,
  found: foundIds.size,
  emitted: emittedKeys.length,
  spurious: spuriousKeys.length,
  recall: planted.length === 0 ? 1 : foundIds.size / planted.length,
  precision: emittedKeys.length === 0 ? 1 : 1 - spuriousKeys.length / emittedKeys.length,
  missing: planted.filter((id) => !foundIds.has(id)),
  spuriousKeys,
});

const byKey = <T>(events: DerivedEvent[], analyzer: string): Map<string, Array<DerivedEvent & { data: T }>> => {
  const groups = new Map<string, Array<DerivedEvent & { data: T }>>();
  for (const event of events) {
    if (event.analyzer !== analyzer || event.data === null) continue;
    groups.set(event.key, [...(groups.get(event.key) ?? []), event as DerivedEvent & { data: T }]);
  }
  return groups;
};

/** Matches emitted keys to planted ids; a planted id takes the first key (in key order) that matches it. */
const matchByEvidence = (
  analyzer: string,
  groups: Map<string, DerivedEvent[]>,
  planted: Array<{ id: string; ids: Set<string> }>,
  isFound: (plantedId: string, key: string) => boolean,
): AnalyzerScore => {
  const keys = [...groups.keys()].sort();
  const found = new Set<string>();
  const claimed = new Set<string>();
  const spurious: string[] = [];
  for (const key of keys) {
    const cited = new Set(groups.get(key)!.flatMap((e) => [...e.evidence.map((c) => c.event_id), ...observationIdsOf(e)]));
    const match = planted.find((p) => [...p.ids].some((id) => cited.has(id)));
    if (!match || claimed.has(match.id)) {
      spurious.push(key);
      continue;
    }
    claimed.add(match.id);
    if (isFound(match.id, key)) found.add(match.id);
  }
  return score(analyzer, planted.map((p) => p.id), found, keys, spurious);
};

const observationIdsOf = (event: DerivedEvent): string[] =>
  event.data !== null && "observation_ids" in event.data ? event.data.observation_ids : [];

export const scoreCorpus = (truth: GroundTruth, derived: readonly DerivedEvent[]): AnalyzerScore[] => {
  const events = latestRevisions(derived).filter((e) => !e.retracted);
  const latestOf = <T>(list: Array<DerivedEvent & { data: T }>) => [...list].sort((a, b) => Date.parse(a.window_end) - Date.parse(b.window_end)).at(-1)!;

  const diagnoses = byKey<DiagnosisData>(events, "error-analysis");
  const errorScore = matchByEvidence(
    "error-analysis",
    diagnoses,
    truth.failureClusters.map((c) => ({ id: c.id, ids: new Set(c.failureIds) })),
    (id, key) => {
      const planted = truth.failureClusters.find((c) => c.id === id)!;
      const latest = latestOf(diagnoses.get(key)!);
      return latest.data.cause === planted.cause && latest.data.avoid === planted.avoid && planted.endpoints.every((e) => latest.data.affected_endpoints.includes(e));
    },
  );

  const playbooks = byKey<PlaybookData>(events, "playbook-builder");
  const plantedOps = truth.successHeavyOperations;
  const playbookFound = new Set(
    plantedOps
      .filter((p) => playbooks.has(p.operation) && (!p.hasAvoidNotes || playbooks.get(p.operation)!.some((e) => e.data.avoid_notes.length > 0)))
      .map((p) => p.operation),
  );
  const playbookScore = score(
    "playbook-builder",
    plantedOps.map((p) => p.operation),
    playbookFound,
    [...playbooks.keys()].sort(),
    [...playbooks.keys()].filter((key) => !plantedOps.some((p) => p.operation === key)).sort(),
  );

  const instincts = byKey<InstinctData>(events, "instinct-extractor");
  const instinctScore = matchByEvidence(
    "instinct-extractor",
    instincts,
    truth.instincts.map((i) => ({ id: i.id, ids: new Set(i.observationIds) })),
    (id, key) => {
      const planted = truth.instincts.find((i) => i.id === id)!;
      const latest = latestOf(instincts.get(key)!);
      return latest.data.pattern === planted.pattern && latest.data.scope === planted.scope;
    },
  );

  const findings = byKey<EvaluationData>(events, "session-audit");
  const plantedFindings = truth.auditFindings.map((f) => `${f.rule}:${f.triggerEventId}`);
  const auditScore = score(
    "session-audit",
    plantedFindings,
    new Set(plantedFindings.filter((key) => findings.has(key))),
    [...findings.keys()].sort(),
    [...findings.keys()].filter((key) => !plantedFindings.includes(key)).sort(),
  );

  const windowScore = (analyzer: string, planted: string[], idOf: (event: DerivedEvent & { data: EvaluationData }) => string, isFound: (id: string, event: DerivedEvent & { data: EvaluationData }) => boolean) => {
    const emitted = [...byKey<EvaluationData>(events, analyzer).values()].flat();
    const ids = emitted.map(idOf).sort();
    const found = new Set(emitted.filter((e) => planted.includes(idOf(e)) && isFound(idOf(e), e)).map(idOf));
    return score(analyzer, planted, found, ids, ids.filter((id) => !planted.includes(id)));
  };
  const metaScore = windowScore(
    "tier-meta",
    truth.evaluations.metas.map((m) => `${m.userId}@${m.windowStart}`),
    (e) => `${e.key}@${e.window_start}`,
    () => true,
  );
  const dailyScore = windowScore(
    "tier-daily",
    truth.evaluations.dailies.map((d) => `${d.userId}@${d.date}`),
    (e) => `${e.key}@${e.data.daily!.date}`,
    (id, e) => truth.evaluations.dailies.find((d) => `${d.userId}@${d.date}` === id)!.isInactive === e.data.daily!.inactivity_flag,
  );
  const weeklyScore = windowScore(
    "tier-weekly",
    truth.evaluations.weeklies.map((w) => `${w.userId}@${w.weekStart}`),
    (e) => `${e.key}@${e.data.weekly!.week_start}`,
    () => true,
  );

  return [errorScore, playbookScore, instinctScore, auditScore, metaScore, dailyScore, weeklyScore];
};

export const formatScores = (scores: readonly AnalyzerScore[]): string => {
  const header = "analyzer             planted  found  emitted  spurious  recall  precision";
  const rows = scores.map(
    (s) =>
      `${s.analyzer.padEnd(20)} ${String(s.planted).padStart(7)} ${String(s.found).padStart(6)} ${String(s.emitted).padStart(8)} ${String(s.spurious).padStart(9)} ${s.recall.toFixed(2).padStart(7)} ${s.precision.toFixed(2).padStart(10)}`,
  );
  return [header, ...rows].join("\n");
};
