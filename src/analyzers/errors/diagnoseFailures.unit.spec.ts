import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DiagnosisData } from "../../events/derived/diagnosis.ts";
import { operationEvent, operationsTopic } from "../../testing/rawEvents.ts";
import { hourMs } from "../../windows/windowSpec.ts";
import type { SourcedEvent } from "../analyzer.ts";
import { avoidVerdictOf, clusterFailures, defaultDiagnosisOptions, diagnoseFailures, isObservedOperation } from "./diagnoseFailures.ts";
import { createErrorAnalyzer } from "./errorAnalyzer.ts";

const t0 = Date.parse("2025-03-24T00:00:00Z");

const sourced = (
  id: string,
  minutes: number,
  operation: string,
  failure: { message: string; code?: string } | null,
  input = "",
): SourcedEvent => {
  const event = operationEvent(
    { id, timeMs: t0 + minutes * 60_000 },
    {
      operation,
      success: failure === null,
      duration_ms: 100,
      input_summary: input,
      error: failure ? { type: null, message: failure.message, code: failure.code ?? null } : null,
    },
  );
  return { id, revision: 0, timeMs: Date.parse(event.time), topic: operationsTopic, partition: 0, offset: minutes, event };
};

const timeoutOn = (id: string, minutes: number, operation: string, ms: number) =>
  sourced(id, minutes, operation, { message: `upstream timed out after ${ms}ms` }, `query ${id}`);

describe("clusterFailures", () => {
  it("clusters failures by signature across endpoints, biggest first", () => {
    const events = [
      timeoutOn("a", 1, "search", 3000),
      timeoutOn("b", 2, "fetch", 4500),
      timeoutOn("c", 3, "search", 5000),
      sourced("d", 4, "search", { message: "column \"x\" does not exist" }),
      sourced("e", 5, "search", null),
    ].filter(isObservedOperation);
    const clusters = clusterFailures(events);
    assert.equal(clusters.length, 2);
    assert.equal(clusters[0]!.signature, "upstream timed out after <n>");
    assert.equal(clusters[0]!.cause, "timeout");
    assert.deepEqual(clusters[0]!.endpoints, ["fetch", "search"]);
    assert.deepEqual(clusters[0]!.failures.map((f) => f.id), ["a", "b", "c"]);
  });
});

describe("diagnoseFailures", () => {
  it("reports a cluster once it reaches the minimum size, with counts, first/last seen, samples and advice", () => {
    const events = [timeoutOn("a", 1, "search", 3000), timeoutOn("b", 2, "search", 4500), timeoutOn("c", 3, "search", 9000), sourced("ok", 4, "search", null)];
    const [item, ...rest] = diagnoseFailures(events);
    assert.equal(rest.length, 0);
    assert.equal(item!.key, "upstream timed out after <n>");
    const data = item!.data as DiagnosisData;
    assert.equal(data.failure_count, 3);
    assert.equal(data.success_count, 1);
    assert.equal(data.first_seen, "2025-03-24T00:01:00.000Z");
    assert.equal(data.last_seen, "2025-03-24T00:03:00.000Z");
    assert.deepEqual(data.sample_inputs, ["query a", "query b", "query c"]);
    assert.match(data.advice, /backoff/);
    assert.equal(data.avoid, false, "a transient cause on an endpoint that also succeeds is not to be avoided");
    assert.deepEqual(item!.evidence.map((c) => c.event_id), ["a", "b", "c"]);
  });

  it("ignores clusters below the minimum size", () => {
    assert.deepEqual(diagnoseFailures([timeoutOn("a", 1, "search", 1), timeoutOn("b", 2, "search", 2)]), []);
  });

  it("redacts secrets in sample inputs and errors", () => {
    const leaky = (id: string, minute: number) =>
      sourced(id, minute, "login", { message: "invalid credentials for ada@example.com", code: "401" }, "password=hunter22");
    const [item] = diagnoseFailures([leaky("a", 1), leaky("b", 2), leaky("c", 3)]);
    const data = item!.data as DiagnosisData;
    assert.doesNotMatch(JSON.stringify(data), /hunter22|ada@example/);
  });

  it("reports only clusters that grew since the given time", () => {
    const events = [timeoutOn("a", 1, "search", 1), timeoutOn("b", 2, "search", 2), timeoutOn("c", 3, "search", 3)];
    assert.equal(diagnoseFailures(events, { ...defaultDiagnosisOptions, freshSinceMs: t0 + 2 * 60_000 }).length, 1);
    assert.equal(diagnoseFailures(events, { ...defaultDiagnosisOptions, freshSinceMs: t0 + 4 * 60_000 }).length, 0);
  });
});

describe("avoid rule", () => {
  it("flags deterministic causes once they repeat", () => {
    assert.equal(avoidVerdictOf("validation", 3, 10, defaultDiagnosisOptions).avoid, true);
    assert.equal(avoidVerdictOf("validation", 2, 0, defaultDiagnosisOptions).avoid, false);
  });

  it("flags transient causes only when the endpoints never succeeded in the window", () => {
    assert.equal(avoidVerdictOf("timeout", 5, 0, defaultDiagnosisOptions).avoid, true);
    assert.equal(avoidVerdictOf("timeout", 5, 1, defaultDiagnosisOptions).avoid, false);
  });
});

describe("error analyzer", () => {
  it("uses a rolling day of operations closed every hour, keyed by one shared key", () => {
    const analyzer = createErrorAnalyzer();
    assert.deepEqual(analyzer.window, { kind: "hopping", sizeMs: 24 * hourMs, hopMs: hourMs });
    assert.deepEqual(analyzer.keysOf(timeoutOn("a", 1, "search", 1).event), ["*"]);
  });
});
