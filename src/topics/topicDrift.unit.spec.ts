import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TopicSpec } from "./catalogue.ts";
import { planTopics } from "./topicDrift.ts";

const declared: TopicSpec[] = [
  { name: "witness.operations", role: "raw", family: "operation", partitions: 3, config: { "cleanup.policy": "delete", "retention.ms": "-1" } },
  { name: "witness.diagnoses", role: "derived", partitions: 3, config: { "cleanup.policy": "compact" } },
  { name: "witness.dlq", role: "dead-letter", partitions: 1, config: {} },
];

describe("planning topics against the cluster", () => {
  it("lists every declared topic the cluster lacks as missing", () => {
    const plan = planTopics(declared, []);
    assert.deepEqual(plan.missing.map((t) => t.name), ["witness.operations", "witness.diagnoses", "witness.dlq"]);
    assert.deepEqual(plan.drift, []);
  });

  it("is satisfied by a cluster that matches the catalogue", () => {
    const plan = planTopics(declared, [
      { name: "witness.operations", partitions: 3, config: { "cleanup.policy": "delete", "retention.ms": "-1" } },
      { name: "witness.diagnoses", partitions: 3, config: { "cleanup.policy": "compact" } },
      { name: "witness.dlq", partitions: 1, config: {} },
    ]);
    assert.deepEqual(plan, { missing: [], drift: [], matching: ["witness.operations", "witness.diagnoses", "witness.dlq"] });
  });

  it("reports fewer partitions than declared as drift, without planning anything destructive", () => {
    const plan = planTopics(declared, [{ name: "witness.operations", partitions: 1, config: { "cleanup.policy": "delete", "retention.ms": "-1" } }]);
    assert.deepEqual(plan.drift.map((d) => [d.topic, d.setting, d.declared, d.actual]), [["witness.operations", "partitions", "3", "1"]]);
    assert.deepEqual(plan.missing.map((t) => t.name), ["witness.diagnoses", "witness.dlq"]);
  });

  it("reports a changed cleanup policy as drift and says how to fix it", () => {
    const plan = planTopics(declared, [{ name: "witness.diagnoses", partitions: 3, config: { "cleanup.policy": "delete" } }]);
    assert.equal(plan.drift.length, 1);
    assert.match(plan.drift[0]!.hint, /cleanup.policy=compact/);
  });

  it("asks to raise the declared count when the topic has more partitions, since Kafka cannot shrink", () => {
    const plan = planTopics(declared, [{ name: "witness.dlq", partitions: 4, config: {} }]);
    assert.match(plan.drift[0]!.hint, /cannot shrink/);
  });
});
