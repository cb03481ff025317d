import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InputRecord } from "../analyzers/analyzerGroup.ts";
import { createDefaultAnalyzerGroups } from "../analyzers/defaultAnalyzerGroups.ts";
import { serializeDerivedEvent } from "../analyzers/derivedEvents.ts";
import { derivedFixture } from "../testing/derivedFixtures.ts";
import { clockTick, operationEvent, operationsTopic } from "../testing/rawEvents.ts";
import { checkLabel, diffDerived, mergeByEventTime, rederive, sideTopicName } from "./analyzerReplay.ts";

const at = (iso: string) => Date.parse(iso);
const record = (partition: number, offset: number, timeIso: string, success = true): InputRecord => ({
  topic: operationsTopic,
  partition,
  offset,
  event: operationEvent(
    { id: `r-${partition}-${offset}`, timeMs: at(timeIso) },
    { operation: "POST /v1/pay", success, duration_ms: 40, error: success ? null : { type: "TimeoutError", message: "upstream timed out after 3000 ms" } },
  ),
});

describe("analyzer replay", () => {
  it("merges partitions by event time, keeping each partition in offset order, ties by partition", () => {
    const p0 = [record(0, 0, "2026-11-20T10:00:00Z"), record(0, 1, "2026-11-20T09:00:00Z"), record(0, 2, "2026-11-20T10:05:00Z")];
    const p1 = [record(1, 0, "2026-11-20T09:30:00Z"), record(1, 1, "2026-11-20T10:00:00Z")];
    const merged = mergeByEventTime([p0, p1]).map((r) => `${r.partition}/${r.offset}`);
    assert.deepEqual(merged, ["1/0", "0/0", "0/1", "1/1", "0/2"], "a late record stays behind its partition's earlier ones");
  });

  it("re-derives byte-identically from the same records, whatever order the partitions were read in", () => {
    const failures = Array.from({ length: 6 }, (_, i) => record(i % 2, Math.floor(i / 2), `2026-11-20T09:${String(10 + i).padStart(2, "0")}:00Z`, false));
    const ticks: InputRecord[] = [0, 1].map((partition) => ({ topic: operationsTopic, partition, offset: 100, event: clockTick(at("2026-11-20T12:00:00Z"), operationsTopic, partition) }));
    const p0 = [...failures.filter((r) => r.partition === 0), ticks[0]!];
    const p1 = [...failures.filter((r) => r.partition === 1), ticks[1]!];
    const groups = createDefaultAnalyzerGroups().filter((g) => g.name === "witness-analyzer-errors");
    const once = rederive(groups, mergeByEventTime([p0, p1])).map(serializeDerivedEvent);
    const again = rederive(groups, mergeByEventTime([p1, p0])).map(serializeDerivedEvent);
    assert.ok(once.length > 0, "the failures form a diagnosis once the tick closes their windows");
    assert.deepEqual(again, once);
  });

  it("reports added, removed and changed results by analyzer, key and window, matching across analyzer versions", () => {
    const kept = derivedFixture("witness.diagnoses", "timeout-transient");
    const dropped = derivedFixture("witness.diagnoses", "rate-limit-two-endpoints-avoid");
    const newVersion = { ...kept, id: "f".repeat(64), analyzer_version: "2", data: { ...kept.data!, advice: "Retry with backoff; the upstream recovers." } };
    const added = { ...kept, id: "e".repeat(64), key: "another-signature", subject: "another-signature" };
    const { changes, unchanged } = diffDerived([kept, dropped], [newVersion, added]);
    assert.equal(unchanged, 0);
    assert.deepEqual(
      changes.map((c) => [c.change, c.key, c.live?.analyzer_version ?? null, c.replay?.analyzer_version ?? null]).sort(),
      [
        ["added", "another-signature", null, kept.analyzer_version],
        ["changed", kept.key, kept.analyzer_version, "2"],
        ["removed", dropped.key, dropped.analyzer_version, null],
      ].sort(),
    );
    assert.deepEqual(diffDerived([kept], [kept]), { changes: [], unchanged: 1 });
  });

  it("counts only standing results: a retracted latest revision is no result", () => {
    const retracted = derivedFixture("witness.diagnoses", "retracted-correction");
    assert.equal(retracted.retracted, true);
    assert.deepEqual(diffDerived([retracted], []), { changes: [], unchanged: 0 });
  });

  it("names side topics after the derived topic and a checked label", () => {
    assert.equal(sideTopicName("t1.witness.diagnoses", checkLabel("v2")), "t1.witness.diagnoses.replay-v2");
    assert.throws(() => checkLabel(undefined), /--label/);
    assert.throws(() => checkLabel("has space"), /letters, digits/);
  });
});
