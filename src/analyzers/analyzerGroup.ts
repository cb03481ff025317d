import { createHash } from "node:crypto";
import { z } from "zod";
import { internalError, userError } from "../errors/witnessError.ts";
import { type DerivedEvent, isDerivedEvent } from "../events/derived/derivedFamilies.ts";
import { eventTypes } from "../events/envelope.ts";
import type { RawTopicEvent } from "../events/families.ts";
import {
  assignPartitions,
  createWatermarkState,
  observeEventTime,
  partitionIdOf,
  watermarkOf,
  watermarkStateSchema,
} from "../windows/watermark.ts";
import { createWindowAssigner } from "../windows/windowAssigner.ts";
import {
  addToWindows,
  closeWindows,
  createWindowOperatorState,
  type LateEvent,
  lateOutcomes,
  type PaneEmission,
  type WindowOperatorConfig,
  validateWindowOperatorConfig,
  windowKeyOf,
  windowOperatorStateSchema,
} from "../windows/windowOperator.ts";
import { hourMs, toIsoTime } from "../windows/windowSpec.ts";
import { type AnalyzableEvent, type Analyzer, type SourcedEvent, sourcedEventSchema } from "./analyzer.ts";
import { buildDerivedEvent, buildRetraction, digestItem } from "./derivedEvents.ts";

/**
 * The pure driver of one analyzer consumer group: records in, derived events
 * and late records out. Analyzers of a group share its input partitions and so
 * its watermark; a downstream analyzer (tiers: meta → daily → weekly) receives
 * the results of an upstream one within the same step, before its own windows
 * close, which keeps the chain deterministic without waiting on another topic.
 */

export const defaultGraceMs = 5 * 60_000;
export const defaultAllowedLatenessMs = 7 * 24 * hourMs;

export type AnalyzerGroupOptions = {
  /** Out-of-order tolerance: the watermark trails the slowest partition by this much. */
  graceMs?: number;
  /** Closed windows keep their events this long for corrections; later events are recorded as expired. */
  allowedLatenessMs?: number;
};

type Stage = { analyzer: Analyzer; operator: WindowOperatorConfig; downstream: string[] };

export type AnalyzerGroup = {
  name: string;
  graceMs: number;
  allowedLatenessMs: number;
  stages: readonly Stage[];
  /** Every topic any analyzer of the group reads. */
  inputTopics: readonly string[];
};

export const createAnalyzerGroup = (name: string, analyzers: readonly Analyzer[], options: AnalyzerGroupOptions = {}): AnalyzerGroup => {
  const graceMs = options.graceMs ?? defaultGraceMs;
  const allowedLatenessMs = options.allowedLatenessMs ?? defaultAllowedLatenessMs;
  const seen = new Set<string>();
  for (const analyzer of analyzers) {
    if (seen.has(analyzer.name)) throw userError("analyzers.duplicate", `Analyzer ${analyzer.name} appears twice in group ${name}.`);
    for (const upstream of analyzer.inputs.analyzers) {
      if (!seen.has(upstream)) {
        throw userError("analyzers.order", `Analyzer ${analyzer.name} reads ${upstream}, which must come before it in group ${name}.`);
      }
    }
    seen.add(analyzer.name);
  }
  const stages = analyzers.map((analyzer) => ({
    analyzer,
    operator: validateWindowOperatorConfig({
      assigner: createWindowAssigner(analyzer.window, { timeZoneOf: analyzer.timeZoneOf }),
      allowedLatenessMs,
      keepAliveMs: analyzer.keepAliveMs,
    }),
    downstream: analyzers.filter((other) => other.inputs.analyzers.includes(analyzer.name)).map((other) => other.name),
  }));
  const inputTopics = [...new Set(analyzers.flatMap((a) => a.inputs.topics))].sort();
  return { name, graceMs, allowedLatenessMs, stages, inputTopics };
};

/** What the group keeps per window it has emitted for: whether the cycle cap chose it, and item fingerprints. */
const paneResultsSchema = z.strictObject({ isSelected: z.boolean(), digests: z.record(z.string(), z.string()) });
type PaneResults = z.infer<typeof paneResultsSchema>;

/**
 * Everything a group remembers, as plain JSON: snapshot it with the consumer
 * offsets to restart exactly where the group stopped, and validate a snapshot
 * read back with this schema. Results are kept per key, then per window
 * ("start/end"), like the operator's panes.
 */
export const analyzerGroupStateSchema = z.strictObject({
  watermark: watermarkStateSchema,
  stages: z.record(
    z.string(),
    z.strictObject({
      windows: windowOperatorStateSchema(sourcedEventSchema),
      results: z.record(z.string(), z.record(z.string(), paneResultsSchema)),
    }),
  ),
});
export type AnalyzerGroupState = z.infer<typeof analyzerGroupStateSchema>;
type StageState = AnalyzerGroupState["stages"][string];
type StageResults = StageState["results"];

const resultOf = (results: StageResults, key: string, windowKey: string): PaneResults | undefined => results[key]?.[windowKey];

export const createAnalyzerGroupState = (group: AnalyzerGroup, partitionIds: readonly string[]): AnalyzerGroupState => ({
  watermark: createWatermarkState(partitionIds, group.graceMs),
  stages: Object.fromEntries(group.stages.map(({ analyzer }) => [analyzer.name, { windows: createWindowOperatorState(), results: {} }])),
});

export const reassignPartitions = (state: AnalyzerGroupState, partitionIds: readonly string[]): AnalyzerGroupState => ({
  ...state,
  watermark: assignPartitions(state.watermark, partitionIds),
});

/** The side record of an event that came after its window closed. */
export const lateRecordSchema = z.strictObject({
  group: z.string(),
  analyzer: z.string(),
  key: z.string(),
  window_start: z.string(),
  window_end: z.string(),
  event_id: z.string(),
  event_time: z.string(),
  watermark: z.string(),
  outcome: z.enum([...lateOutcomes, "unselected"]),
});
export type LateRecord = z.infer<typeof lateRecordSchema>;

/** A record read from Kafka: a raw event (or tick), or a derived event when a group reads a derived topic. */
export type InputRecord = { topic: string; partition: number; offset: number; event: RawTopicEvent | DerivedEvent };

export type StepResult = { state: AnalyzerGroupState; derived: DerivedEvent[]; late: LateRecord[] };

/** Event time used for windows: a derived event belongs to the window it describes. */
export const windowTimeOf = (event: RawTopicEvent | DerivedEvent): number =>
  Date.parse(isDerivedEvent(event) ? event.window_start : event.time);

const keyHash = (key: string): string => createHash("sha256").update(key).digest("hex");

/**
 * Chooses at most `cap` keys of a cycle: most events first, then by hash of the
 * key — deterministic, and not biased towards alphabetically early users.
 */
export const selectCycleKeys = (candidates: ReadonlyArray<{ key: string; eventCount: number }>, cap: number | null): Set<string> => {
  if (cap === null || candidates.length <= cap) return new Set(candidates.map((c) => c.key));
  const ranked = [...candidates]
    .map((c) => ({ ...c, hash: keyHash(c.key) }))
    .sort((a, b) => b.eventCount - a.eventCount || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return new Set(ranked.slice(0, cap).map((c) => c.key));
};

const sourcedOf = (record: InputRecord | null, event: AnalyzableEvent): SourcedEvent => ({
  id: event.id,
  revision: isDerivedEvent(event) ? event.revision : 0,
  timeMs: windowTimeOf(event),
  topic: record?.topic ?? null,
  partition: record?.partition ?? null,
  offset: record?.offset ?? null,
  event,
});

/** Mutable scratch for one step; the state it produces is new, the input state is never touched. */
type Step = { group: AnalyzerGroup; stages: Record<string, StageState>; derived: DerivedEvent[]; late: LateRecord[] };

const lateRecordOf = (group: AnalyzerGroup, analyzer: Analyzer, late: LateEvent, outcome?: LateRecord["outcome"]): LateRecord => ({
  group: group.name,
  analyzer: analyzer.name,
  key: late.key,
  window_start: toIsoTime(late.window.startMs),
  window_end: toIsoTime(late.window.endMs),
  event_id: late.eventId,
  event_time: toIsoTime(late.eventTimeMs),
  watermark: toIsoTime(late.watermarkMs),
  outcome: outcome ?? late.outcome,
});

/** Analyses emitted windows and emits what changed; results flow on to downstream stages. */
const emitPanes = (step: Step, stage: Stage, emissions: readonly PaneEmission<SourcedEvent>[], watermarkMs: number | null): void => {
  if (emissions.length === 0) return;
  const { analyzer } = stage;
  const stageState = step.stages[analyzer.name]!;
  let results = stageState.results;
  const copiedKeys = new Set<string>();
  const setResult = (key: string, windowKey: string, value: PaneResults) => {
    if (results === stageState.results) results = { ...results };
    if (!copiedKeys.has(key)) {
      results[key] = { ...(results[key] ?? {}) };
      copiedKeys.add(key);
    }
    results[key]![windowKey] = value;
  };

  // First closes of the same window form a cycle, capped; corrections keep the first decision.
  const cycles = new Map<string, PaneEmission<SourcedEvent>[]>();
  for (const emission of emissions) {
    if (emission.reason !== "closed") continue;
    const cycleId = windowKeyOf(emission.window);
    cycles.set(cycleId, [...(cycles.get(cycleId) ?? []), emission]);
  }
  const selected = new Set<PaneEmission<SourcedEvent>>();
  for (const panes of cycles.values()) {
    const keys = selectCycleKeys(panes.map((p) => ({ key: p.key, eventCount: p.events.length })), analyzer.cycleCap);
    for (const pane of panes) if (keys.has(pane.key)) selected.add(pane);
  }

  const produced: DerivedEvent[] = [];
  for (const emission of emissions) {
    const windowKey = windowKeyOf(emission.window);
    const previous = resultOf(results, emission.key, windowKey);
    const isSelected = emission.reason === "closed" ? selected.has(emission) : (previous?.isSelected ?? true);
    if (!isSelected) {
      setResult(emission.key, windowKey, { isSelected: false, digests: {} });
      continue;
    }
    const events = emission.events.filter((e) => !(isDerivedEvent(e.event) && e.event.retracted));
    const items = analyzer.analyzeWindow(emission.key, emission.window, events);
    const parts = { analyzer, window: emission.window, revision: emission.revision };
    const digests: Record<string, string> = {};
    for (const item of items) {
      if (item.key in digests) {
        throw internalError("analyzers.duplicate_key", `Analyzer ${analyzer.name} returned the key ${item.key} twice for one window.`);
      }
      digests[item.key] = digestItem(item);
      if (previous?.digests[item.key] !== digests[item.key]) produced.push(buildDerivedEvent({ ...parts, key: item.key }, item));
    }
    for (const key of Object.keys(previous?.digests ?? {}).sort()) {
      if (!(key in digests)) produced.push(buildRetraction({ ...parts, key }));
    }
    setResult(emission.key, windowKey, { isSelected: true, digests });
  }
  step.stages[analyzer.name] = { ...stageState, results };
  step.derived.push(...produced);

  for (const name of stage.downstream) {
    const target = step.group.stages.find((s) => s.analyzer.name === name)!;
    for (const event of produced) addToStage(step, target, sourcedOf(null, event), watermarkMs);
  }
};

const addToStage = (step: Step, stage: Stage, sourced: SourcedEvent, watermarkMs: number | null): void => {
  const keys = stage.analyzer.keysOf(sourced.event);
  if (keys.length === 0) return;
  const stageState = step.stages[stage.analyzer.name]!;
  const added = addToWindows(stage.operator, stageState.windows, sourced, keys, watermarkMs);
  step.stages[stage.analyzer.name] = { ...stageState, windows: added.state };
  for (const late of added.late) {
    const isUnselected = resultOf(stageState.results, late.key, windowKeyOf(late.window))?.isSelected === false;
    step.late.push(lateRecordOf(step.group, stage.analyzer, late, isUnselected ? "unselected" : undefined));
  }
  emitPanes(step, stage, added.corrections, watermarkMs);
};

/**
 * Feeds one record through the group: the watermark moves (ticks included),
 * the event joins its windows (a late one triggers corrections), then every
 * stage in order closes what the watermark has passed.
 */
export const processRecord = (group: AnalyzerGroup, state: AnalyzerGroupState, record: InputRecord): StepResult => {
  const step: Step = { group, stages: { ...state.stages }, derived: [], late: [] };
  const watermarkBeforeMs = watermarkOf(state.watermark);
  const watermark = observeEventTime(state.watermark, partitionIdOf(record.topic, record.partition), Date.parse(record.event.time));

  if (record.event.type !== eventTypes.clockTick) {
    const sourced = sourcedOf(record, record.event as AnalyzableEvent);
    for (const stage of group.stages) {
      if (stage.analyzer.inputs.topics.includes(record.topic)) addToStage(step, stage, sourced, watermarkBeforeMs);
    }
  }

  const watermarkAfterMs = watermarkOf(watermark);
  for (const stage of group.stages) {
    const stageState = step.stages[stage.analyzer.name]!;
    const closed = closeWindows(stage.operator, stageState.windows, watermarkAfterMs);
    if (closed.state === stageState.windows) continue;
    let results = stageState.results;
    if (closed.evicted.length > 0) {
      results = { ...results };
      for (const { key, window } of closed.evicted) {
        if (!results[key]) continue;
        const { [windowKeyOf(window)]: _dropped, ...rest } = results[key]!;
        if (Object.keys(rest).length === 0) delete results[key];
        else results[key] = rest;
      }
    }
    step.stages[stage.analyzer.name] = { windows: closed.state, results };
    // Results handed downstream count as on time for this step: judge them by the watermark before it.
    emitPanes(step, stage, closed.emissions, watermarkBeforeMs);
  }
  return { state: { watermark, stages: step.stages }, derived: step.derived, late: step.late };
};

/** Folds records through the group. */
export const processRecords = (group: AnalyzerGroup, state: AnalyzerGroupState, records: Iterable<InputRecord>): StepResult => {
  let current = state;
  const derived: DerivedEvent[] = [];
  const late: LateRecord[] = [];
  for (const record of records) {
    const result = processRecord(group, current, record);
    current = result.state;
    derived.push(...result.derived);
    late.push(...result.late);
  }
  return { state: current, derived, late };
};

/** Runs a group over a finite set of records, assigned every partition they come from (tests, replays, benchmarks). */
export const runAnalyzerGroup = (group: AnalyzerGroup, records: readonly InputRecord[]): StepResult => {
  const partitionIds = [
    ...new Set(records.filter((r) => group.inputTopics.includes(r.topic)).map((r) => partitionIdOf(r.topic, r.partition))),
  ];
  const relevant = records.filter((r) => group.inputTopics.includes(r.topic));
  return processRecords(group, createAnalyzerGroupState(group, partitionIds), relevant);
};
