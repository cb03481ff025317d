import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isWitnessError } from "../errors/witnessError.ts";
import { derivedTopics } from "../events/derived/derivedEnvelope.ts";
import { eventTypes } from "../events/envelope.ts";
import { clockTick, operationEvent, operationsTopic } from "../testing/rawEvents.ts";
import { hourMs, toIsoTime } from "../windows/windowSpec.ts";
import type { Analyzer, DerivedItem, SourcedEvent } from "./analyzer.ts";
import {
  type AnalyzerGroupState,
  analyzerGroupStateSchema,
  createAnalyzerGroup,
  createAnalyzerGroupState,
  type InputRecord,
  processRecord,
  processRecords,
  selectCycleKeys,
} from "./analyzerGroup.ts";
import { citeEvents, serializeDerivedEvent } from "./derivedEvents.ts";

const t0 = Date.parse("2025-03-24T00:00:00Z");
const partitions = [`${operationsTopic}/0`, `${operationsTopic}/1`];

/** Reports the failures of a key's window while it has no success: enough to exercise the driver. */
const failureCounter = (overrides: Partial<Analyzer> = {}): Analyzer => ({
  name: "failure-counter",
  version: "1",
  outputTopic: derivedTopics.diagnoses,
  inputs: { topics: [operationsTopic], analyzers: [] },
  window: { kind: "tumbling", sizeMs: hourMs },
  keepAliveMs: null,
  cycleCap: null,
  backend: "heuristic",
  keysOf: (event) => (event.type === eventTypes.operationObserved ? [event.data.operation] : []),
  analyzeWindow: (key, _window, events): DerivedItem[] => {
    const ops = events.flatMap((e) => (e.event.type === eventTypes.operationObserved ? [{ sourced: e, data: e.event.data }] : []));
    const failures = ops.filter((o) => !o.data.success);
    if (failures.length === 0 || ops.some((o) => o.data.success)) return [];
    return [
      {
        key: `fails:${key}`,
        evidence: citeEvents(failures.map((f) => f.sourced)),
        data: {
          signature: "boom",
          cause: "unknown",
          affected_endpoints: [key],
          failure_count: failures.length,
          success_count: 0,
          first_seen: toIsoTime(failures[0]!.sourced.timeMs),
          last_seen: toIsoTime(failures.at(-1)!.sourced.timeMs),
          sample_inputs: [],
          sample_error: "boom",
          advice: "stop",
          avoid: true,
          avoid_reason: null,
        },
      },
    ];
  },
  ...overrides,
});

const op = (id: string, minutes: number, operation: string, success = false) =>
  operationEvent({ id, timeMs: t0 + minutes * 60_000 }, { operation, success, duration_ms: 10 });

/** Offsets follow event time in seconds: increasing per partition, as Kafka's would. */
const record = (partition: number, event: InputRecord["event"]): InputRecord => ({
  topic: operationsTopic,
  partition,
  offset: Math.max(0, Math.floor((Date.parse(event.time) - t0) / 1000)),
  event,
});
const tick = (partition: number, minutes: number) => record(partition, clockTick(t0 + minutes * 60_000, operationsTopic, partition));

const run = (analyzers: Analyzer[], records: InputRecord[], options = { graceMs: 0 }) => {
  const group = createAnalyzerGroup("test", analyzers, options);
  return processRecords(group, createAnalyzerGroupState(group, partitions), records);
};

describe("analyzer group", () => {
  it("emits a derived event when the watermark closes a window: deterministic id, revision 1, time = window end", () => {
    const { derived } = run([failureCounter()], [record(0, op("a", 5, "search")), record(1, op("b", 10, "search")), tick(0, 60), tick(1, 60)]);
    assert.equal(derived.length, 1);
    const [event] = derived;
    assert.equal(event!.revision, 1);
    assert.equal(event!.time, "2025-03-24T01:00:00.000Z");
    assert.equal(event!.window_start, "2025-03-24T00:00:00.000Z");
    assert.match(event!.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(event!.evidence.map((c) => c.event_id), ["a", "b"]);
  });

  it("closes windows of quiet keys on clock ticks alone", () => {
    const { derived } = run([failureCounter()], [record(0, op("a", 5, "search")), tick(1, 30), tick(0, 61)]);
    assert.equal(derived.length, 0, "partition 1 is still at 00:30");
    const resumed = run([failureCounter()], [record(0, op("a", 5, "search")), tick(1, 30), tick(0, 61), tick(1, 61)]);
    assert.equal(resumed.derived.length, 1);
  });

  it("produces byte-identical events whatever the interleaving of partitions", () => {
    const p0 = [record(0, op("a", 5, "search")), record(0, op("c", 20, "fetch")), tick(0, 60)];
    const p1 = [record(1, op("b", 10, "search")), record(1, op("d", 30, "fetch")), tick(1, 60)];
    const first = run([failureCounter()], [...p0, ...p1]).derived.map(serializeDerivedEvent);
    const second = run([failureCounter()], [p1[0]!, p0[0]!, p1[1]!, p0[1]!, p1[2]!, p0[2]!]).derived.map(serializeDerivedEvent);
    assert.equal(first.length, 2);
    assert.deepEqual([...first].sort(), [...second].sort());
  });

  it("turns a late event into a correction with the same id and a higher revision", () => {
    const { derived, late } = run(
      [failureCounter()],
      [record(0, op("a", 5, "search")), tick(0, 60), tick(1, 60), record(1, op("late", 50, "search"))],
    );
    assert.equal(derived.length, 2);
    assert.equal(derived[1]!.id, derived[0]!.id);
    assert.equal(derived[1]!.revision, 2);
    assert.equal(derived[1]!.evidence_count, 2);
    assert.deepEqual(late.map((l) => [l.event_id, l.outcome]), [["late", "corrected"]]);
  });

  it("retracts a result that a late event no longer supports", () => {
    const { derived } = run(
      [failureCounter()],
      [record(0, op("a", 5, "search")), tick(0, 60), tick(1, 60), record(1, op("ok", 50, "search", true))],
    );
    assert.deepEqual(derived.map((e) => [e.revision, e.retracted, e.data === null]), [[1, false, false], [2, true, true]]);
  });

  it("caps the keys of one cycle, choosing those with most events", () => {
    const records = [
      record(0, op("a1", 1, "alpha")),
      record(0, op("b1", 1, "beta")),
      record(0, op("b2", 2, "beta")),
      record(0, op("c1", 1, "gamma")),
      record(0, op("c2", 2, "gamma")),
      record(0, op("c3", 3, "gamma")),
      tick(0, 60),
      tick(1, 60),
    ];
    const { derived } = run([failureCounter({ cycleCap: 2 })], records);
    assert.deepEqual(derived.map((e) => e.key).sort(), ["fails:beta", "fails:gamma"]);
  });

  it("breaks ties in the cycle cap by key hash, deterministically", () => {
    const candidates = ["u1", "u2", "u3", "u4"].map((key) => ({ key, eventCount: 1 }));
    assert.deepEqual(selectCycleKeys(candidates, 2), selectCycleKeys([...candidates].reverse(), 2));
    assert.equal(selectCycleKeys(candidates, 2).size, 2);
  });

  it("hands results of an upstream analyzer to a downstream one before its window closes", () => {
    const upstream = failureCounter();
    const downstream = failureCounter({
      name: "per-day",
      window: { kind: "calendar", period: "day" },
      inputs: { topics: [], analyzers: ["failure-counter"] },
      keysOf: (event) => (event.type === "witness.diagnosis.derived" ? ["all"] : []),
      analyzeWindow: (_key, _window, events: readonly SourcedEvent[]) => [
        {
          key: "days",
          evidence: citeEvents(events),
          data: {
            signature: `upstream results: ${events.length}`,
            cause: "unknown",
            affected_endpoints: ["all"],
            failure_count: Math.max(1, events.length),
            success_count: 0,
            first_seen: toIsoTime(t0),
            last_seen: toIsoTime(t0),
            sample_inputs: [],
            sample_error: "",
            advice: "look",
            avoid: false,
            avoid_reason: null,
          },
        },
      ],
    });
    const { derived } = run([upstream, downstream], [record(0, op("a", 23 * 60 + 30, "search")), tick(0, 24 * 60), tick(1, 24 * 60)]);
    const daily = derived.filter((e) => e.analyzer === "per-day");
    assert.equal(daily.length, 1);
    const data = daily[0]!.data;
    assert.equal(data !== null && "signature" in data ? data.signature : "", "upstream results: 1");
    assert.equal(daily[0]!.evidence[0]!.topic, null, "handed over inside the group, not read from a topic");
  });

  it("rejects a group in which an analyzer reads one that comes after it", () => {
    const downstream = failureCounter({ name: "b", inputs: { topics: [], analyzers: ["a"] } });
    assert.throws(
      () => createAnalyzerGroup("bad", [downstream, failureCounter({ name: "a" })]),
      (error) => isWitnessError(error) && error.code === "analyzers.order",
    );
  });

  it("resumes from a validated JSON snapshot of its state exactly where it stopped", () => {
    const group = createAnalyzerGroup("test", [failureCounter()], { graceMs: 0 });
    const records = [record(0, op("a", 5, "search")), record(1, op("b", 70, "fetch")), tick(0, 60), tick(1, 60), tick(0, 130), tick(1, 130)];
    const straight = processRecords(group, createAnalyzerGroupState(group, partitions), records);
    const firstHalf = processRecords(group, createAnalyzerGroupState(group, partitions), records.slice(0, 3));
    const snapshot: AnalyzerGroupState = analyzerGroupStateSchema.parse(JSON.parse(JSON.stringify(firstHalf.state)));
    const secondHalf = processRecords(group, snapshot, records.slice(3));
    assert.deepEqual(
      [...firstHalf.derived, ...secondHalf.derived].map(serializeDerivedEvent),
      straight.derived.map(serializeDerivedEvent),
    );
  });

  it("ignores a redelivered record", () => {
    const group = createAnalyzerGroup("test", [failureCounter()], { graceMs: 0 });
    const first = record(0, op("a", 5, "search"));
    let state = createAnalyzerGroupState(group, partitions);
    state = processRecord(group, state, first).state;
    state = processRecords(group, state, [tick(0, 60), tick(1, 60)]).state;
    const again = processRecord(group, state, first);
    assert.deepEqual(again.derived, []);
    assert.deepEqual(again.late, []);
  });
});
