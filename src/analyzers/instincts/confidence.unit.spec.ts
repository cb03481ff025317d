import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dayMs, weekMs } from "../../windows/windowSpec.ts";
import { type EvidenceEntry, initialConfidenceOf, scoreConfidence } from "./confidence.ts";

const t0 = Date.parse("2025-03-03T00:00:00Z");
const cite = (id: string) => [{ event_id: id, topic: "witness.sessions", partition: 0, offset: Number(id.replace(/\D/g, "")) || 0 }];
const observed = (session: string, dayOffset: number): EvidenceEntry => ({ kind: "observed", timeMs: t0 + dayOffset * dayMs, sessionId: session, citations: cite(`o${session}`) });
const signal = (kind: "confirmed" | "contradicted", dayOffset: number, id: string): EvidenceEntry => ({
  kind,
  timeMs: t0 + dayOffset * dayMs,
  sessionId: `s-${id}`,
  citations: cite(id),
});

describe("initialConfidenceOf", () => {
  it("starts at 0.3 / 0.5 / 0.7 / 0.85 for 1–2 / 3–5 / 6–10 / 11+ observations", () => {
    assert.deepEqual([1, 2, 3, 5, 6, 10, 11, 40].map(initialConfidenceOf), [0.3, 0.3, 0.5, 0.5, 0.7, 0.7, 0.85, 0.85]);
  });
});

describe("scoreConfidence", () => {
  it("grows with independent observations, counting each session once", () => {
    const entries = ["1", "1", "2", "3"].map((s, i) => observed(s, i * 0.1));
    const score = scoreConfidence(entries, t0 + dayMs);
    assert.equal(score.observationCount, 3);
    assert.equal(score.confidence, 0.5);
    assert.deepEqual(score.history.map((h) => [h.reason, h.confidence]), [["observed", 0.3], ["observed", 0.5]]);
  });

  it("adds 0.05 per confirmation and takes 0.1 per contradiction, citing the evidence", () => {
    const score = scoreConfidence([observed("1", 0), signal("confirmed", 1, "c7"), signal("contradicted", 2, "x9")], t0 + 3 * dayMs);
    assert.equal(score.confidence, 0.25);
    assert.deepEqual(score.history.map((h) => [h.reason, h.delta]), [["observed", 0.3], ["confirmed", 0.05], ["contradicted", -0.1]]);
    assert.deepEqual(score.history[2]!.evidence, cite("x9"));
  });

  it("decays by 0.02 per whole week without supporting evidence, in event time", () => {
    const score = scoreConfidence([observed("1", 0)], t0 + 2 * weekMs + dayMs);
    assert.equal(score.confidence, 0.26);
    assert.deepEqual(score.decayTimesMs, [t0 + weekMs, t0 + 2 * weekMs]);
    assert.deepEqual(score.history.map((h) => h.reason), ["observed", "decayed", "decayed"]);
  });

  it("restarts the unseen clock on new evidence but keeps earlier decay", () => {
    const score = scoreConfidence([observed("1", 0), observed("2", 8)], t0 + 9 * dayMs);
    assert.equal(score.decaySteps, 1);
    assert.equal(score.confidence, 0.28);
  });

  it("ignores confirmations and contradictions before the first observation", () => {
    const score = scoreConfidence([signal("contradicted", 0, "x1"), observed("1", 1)], t0 + 2 * dayMs);
    assert.equal(score.confidence, 0.3);
    assert.equal(score.contradictionCount, 0);
  });

  it("stays within 0..1", () => {
    const many = Array.from({ length: 30 }, (_, i) => signal("contradicted", 1 + i / 100, `x${i}`));
    assert.equal(scoreConfidence([observed("1", 0), ...many], t0 + 2 * dayMs).confidence, 0);
    const praise = Array.from({ length: 30 }, (_, i) => signal("confirmed", 1 + i / 100, `c${i}`));
    assert.equal(scoreConfidence([observed("1", 0), ...praise], t0 + 2 * dayMs).confidence, 1);
  });

  it("gives the same score whatever the order of its input", () => {
    const entries = [observed("1", 0), signal("confirmed", 1, "c1"), observed("2", 2), signal("contradicted", 3, "x1")];
    assert.deepEqual(scoreConfidence(entries, t0 + 20 * dayMs), scoreConfidence([...entries].reverse(), t0 + 20 * dayMs));
  });
});
