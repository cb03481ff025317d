import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventTypes } from "../events/envelope.ts";
import { familyOfEventType, rawFamilies } from "../events/families.ts";
import { dayMs } from "../windows/windowSpec.ts";
import { corpusRecords, generateCorpus } from "./corpus.ts";

const corpus = generateCorpus();

describe("generateCorpus", () => {
  it("generates the same events and ground truth for the same seed", () => {
    assert.equal(JSON.stringify(generateCorpus()), JSON.stringify(corpus));
  });

  it("generates other events for another seed", () => {
    assert.notEqual(JSON.stringify(generateCorpus({ seed: "other" }).events), JSON.stringify(corpus.events));
  });

  it("plants the acceptance numbers by default", () => {
    const truth = corpus.groundTruth;
    assert.equal(truth.failureClusters.length, 5);
    assert.equal(truth.successHeavyOperations.length, 4);
    assert.equal(truth.instincts.filter((i) => i.pattern === "failure_retry" || i.pattern === "user_correction").length, 6);
    assert.equal(truth.instincts.filter((i) => i.pattern === "explicit_rule").length, 3);
    assert.equal(truth.users.length, 10);
    const noteDays = new Set(corpus.events.filter((e) => e.type === eventTypes.noteRecorded).map((e) => e.time.slice(0, 10)));
    assert.equal(noteDays.size, 9);
  });

  it("produces only events their topic's schema accepts", () => {
    for (const event of corpus.events) {
      const family = familyOfEventType(event.type);
      assert.ok(family, event.type);
      rawFamilies[family].topicEventSchema.parse(event);
    }
  });

  it("grounds every planted item in events that exist", () => {
    const ids = new Set(corpus.events.map((e) => e.id));
    const truth = corpus.groundTruth;
    const cited = [
      ...truth.failureClusters.flatMap((c) => c.failureIds),
      ...truth.successHeavyOperations.flatMap((o) => o.successIds),
      ...truth.instincts.flatMap((i) => i.observationIds),
      ...truth.auditFindings.map((f) => f.triggerEventId),
    ];
    assert.ok(cited.length > 100);
    for (const id of cited) assert.ok(ids.has(id), id);
  });

  it("plants users who stop writing, so some daily reports are inactivity-flagged", () => {
    assert.ok(corpus.groundTruth.evaluations.dailies.some((d) => d.isInactive));
    assert.ok(corpus.groundTruth.evaluations.dailies.some((d) => !d.isInactive));
  });
});

describe("corpusRecords", () => {
  const records = corpusRecords(corpus);

  it("numbers offsets per partition in event-time order", () => {
    const last = new Map<string, { offset: number; timeMs: number }>();
    for (const record of records) {
      const id = `${record.topic}/${record.partition}`;
      const previous = last.get(id);
      const timeMs = Date.parse(record.event.time);
      if (previous) {
        assert.equal(record.offset, previous.offset + 1);
        assert.ok(timeMs >= previous.timeMs);
      }
      last.set(id, { offset: record.offset, timeMs });
    }
    assert.equal(last.size, 9, "three partitions of three topics");
  });

  it("ticks every partition until well after the last day", () => {
    const ticks = records.filter((r) => r.event.type === eventTypes.clockTick);
    const lastTickMs = Math.max(...ticks.map((t) => Date.parse(t.event.time)));
    assert.equal(lastTickMs, corpus.groundTruth.ticksUntilMs);
    assert.ok(lastTickMs >= corpus.options.startMs + corpus.options.days * dayMs + 7 * dayMs);
  });
});
