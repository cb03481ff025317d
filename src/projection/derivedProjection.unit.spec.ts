import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { deriveEventId, derivedTopics, type DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import { derivedFamilies, type DerivedEvent } from "../events/derived/derivedFamilies.ts";
import { derivedFixture, readDerivedFixtures, type DerivedEventOf } from "../testing/derivedFixtures.ts";
import { parseTopicCatalogue } from "../topics/catalogue.ts";
import { derivedProjectedTopics, derivedRowsPerStatement } from "./derivedProjection.ts";
import { createDerivedTablesSql } from "./derivedTables.ts";
import { openDuckdbStore, type ProjectionStore } from "./duckdbStore.ts";

const catalogue = parseTopicCatalogue({
  prefix: "spec.",
  topics: [
    { name: "witness.operations", role: "raw", family: "operation", partitions: 1 },
    ...Object.values(derivedTopics).map((name) => ({ name, role: "derived", partitions: 1 })),
    { name: "witness.dlq", role: "dead-letter", partitions: 1 },
  ],
});
const projectedTopics = derivedProjectedTopics(catalogue);

/** A valid event of the same family: the fixture with changes, checked by the family's schema. */
const revise = <T extends DerivedTopic>(topic: T, event: DerivedEventOf<T>, changes: Record<string, unknown>): DerivedEventOf<T> =>
  derivedFamilies[topic].eventSchema.parse({ ...event, ...changes }) as DerivedEventOf<T>;

const diagnosis = () => derivedFixture(derivedTopics.diagnoses, "rate-limit-two-endpoints-avoid");
const correctedDiagnosis = () => {
  const original = diagnosis();
  return revise(derivedTopics.diagnoses, original, { revision: 2, evidence_count: 5, data: { ...original.data!, failure_count: 5 } });
};

describe("the derived projection", () => {
  let store: ProjectionStore;
  let nextOffset = 0;

  beforeEach(async () => {
    store = await openDuckdbStore(":memory:");
    const connection = await store.connect();
    for (const sql of createDerivedTablesSql()) await connection.run(sql);
    nextOffset = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  /** One projector batch of a derived topic, at the next offsets of partition 0. */
  const deliver = async (topic: DerivedTopic, events: readonly DerivedEvent[]) => {
    const projected = projectedTopics.find((t) => t.topic === `spec.${topic}`)!;
    const rows = events.map((event) => ({ event, position: { topic: projected.topic, partition: 0, offset: String(nextOffset++) } }));
    await store.withTransaction("derived", (tx) => projected.project(tx, rows));
  };
  const rowsOf = async (sql: string) => (await store.query(sql)).rows;

  it("projects the derived topics of the catalogue by their cluster names", () => {
    assert.deepEqual(
      projectedTopics.map((t) => t.topic),
      Object.values(derivedTopics).map((name) => `spec.${name}`),
    );
  });

  it("replaces the current row with a correction of higher revision and keeps both revisions in history", async () => {
    await deliver(derivedTopics.diagnoses, [diagnosis()]);
    await deliver(derivedTopics.diagnoses, [correctedDiagnosis()]);

    assert.deepEqual(await rowsOf("SELECT id, revision, failure_count, kafka_offset FROM diagnoses"), [
      { id: diagnosis().id, revision: 2, failure_count: 5, kafka_offset: 1 },
    ]);
    assert.deepEqual(await rowsOf("SELECT revision, failure_count FROM diagnoses_history ORDER BY revision"), [
      { revision: 1, failure_count: 4 },
      { revision: 2, failure_count: 5 },
    ]);
  });

  it("leaves the current row as it is when a lower revision arrives later, and records that revision in history", async () => {
    await deliver(derivedTopics.diagnoses, [correctedDiagnosis()]);
    await deliver(derivedTopics.diagnoses, [diagnosis()]);

    assert.deepEqual(await rowsOf("SELECT revision, failure_count, kafka_offset FROM diagnoses"), [{ revision: 2, failure_count: 5, kafka_offset: 0 }]);
    assert.deepEqual(await rowsOf("SELECT revision FROM diagnoses_history ORDER BY revision"), [{ revision: 1 }, { revision: 2 }]);
  });

  it("changes nothing when a revision equal to the current one arrives again, even with other content", async () => {
    await deliver(derivedTopics.diagnoses, [diagnosis()]);
    const sameRevisionOtherData = revise(derivedTopics.diagnoses, diagnosis(), { data: { ...diagnosis().data!, advice: "something else" } });
    await deliver(derivedTopics.diagnoses, [sameRevisionOtherData]);

    const current = await rowsOf("SELECT advice, kafka_offset FROM diagnoses");
    assert.deepEqual(current, [{ advice: diagnosis().data!.advice, kafka_offset: 0 }]);
    assert.deepEqual(await rowsOf("SELECT advice, kafka_offset FROM diagnoses_history"), current);
  });

  it("keeps one history row when the same (id, revision) is delivered twice, in one batch or across batches", async () => {
    await deliver(derivedTopics.diagnoses, [diagnosis(), diagnosis()]);
    await deliver(derivedTopics.diagnoses, [diagnosis()]);

    assert.deepEqual(await rowsOf("SELECT count(*) AS n FROM diagnoses_history"), [{ n: 1 }]);
    assert.deepEqual(await rowsOf("SELECT count(*) AS n FROM diagnoses"), [{ n: 1 }]);
  });

  it("keeps the highest revision when a batch holds a correction before its original", async () => {
    await deliver(derivedTopics.diagnoses, [correctedDiagnosis(), diagnosis(), correctedDiagnosis()]);

    assert.deepEqual(await rowsOf("SELECT revision, kafka_offset FROM diagnoses"), [{ revision: 2, kafka_offset: 0 }]);
    assert.deepEqual(await rowsOf("SELECT revision FROM diagnoses_history ORDER BY revision"), [{ revision: 1 }, { revision: 2 }]);
  });

  it("marks the current row retracted, with null data, when a retraction arrives; history keeps what was withdrawn", async () => {
    const retraction = derivedFixture(derivedTopics.diagnoses, "retracted-correction");
    const withdrawn = revise(derivedTopics.diagnoses, derivedFixture(derivedTopics.diagnoses, "timeout-transient"), {
      id: retraction.id,
      subject: retraction.key,
      key: retraction.key,
      window_start: retraction.window_start,
      window_end: retraction.window_end,
      time: retraction.time,
      revision: 1,
    });
    await deliver(derivedTopics.diagnoses, [withdrawn]);
    await deliver(derivedTopics.diagnoses, [retraction]);

    assert.deepEqual(await rowsOf("SELECT revision, retracted, data, signature, evidence_count FROM diagnoses"), [
      { revision: 2, retracted: true, data: null, signature: null, evidence_count: 0 },
    ]);
    assert.deepEqual(await rowsOf("SELECT revision, retracted, signature IS NOT NULL AS has_signature FROM diagnoses_history ORDER BY revision"), [
      { revision: 1, retracted: false, has_signature: true },
      { revision: 2, retracted: true, has_signature: false },
    ]);
    assert.deepEqual(await rowsOf("SELECT count(*) AS n FROM diagnoses_latest"), [{ n: 0 }]);
  });

  it("shows in the latest view the result of the latest window of every key that still stands", async () => {
    const earlier = diagnosis();
    const later = revise(derivedTopics.diagnoses, earlier, {
      id: deriveEventId(earlier.analyzer, earlier.analyzer_version, earlier.key, "2025-03-29T13:00:00.000Z", "2025-03-30T13:00:00.000Z"),
      window_start: "2025-03-29T13:00:00.000Z",
      window_end: "2025-03-30T13:00:00.000Z",
      time: "2025-03-30T13:00:00.000Z",
      data: { ...earlier.data!, failure_count: 9 },
      evidence_count: 9,
    });
    await deliver(derivedTopics.diagnoses, [later, earlier, derivedFixture(derivedTopics.diagnoses, "timeout-transient")]);

    assert.deepEqual(await rowsOf("SELECT cause, failure_count FROM diagnoses_latest ORDER BY cause"), [
      { cause: "rate_limit", failure_count: 9 },
      { cause: "timeout", failure_count: derivedFixture(derivedTopics.diagnoses, "timeout-transient").data!.failure_count },
    ]);
    assert.deepEqual(await rowsOf("SELECT count(*) AS n FROM diagnoses"), [{ n: 3 }]);
  });

  it("projects every contract fixture of every family with its flattened columns, evidence and data", async () => {
    for (const topic of Object.values(derivedTopics)) await deliver(topic, [...readDerivedFixtures(topic).values()]);

    const diagnoses = await rowsOf("SELECT signature, cause, avoid, failure_count, affected_endpoints FROM diagnoses WHERE NOT retracted ORDER BY signature");
    assert.deepEqual(
      diagnoses.map((row) => ({ ...row, affected_endpoints: JSON.parse(String(row.affected_endpoints)) as unknown })),
      [...readDerivedFixtures(derivedTopics.diagnoses).values()]
        .flatMap(({ data }) => (data ? [data] : []))
        .map(({ signature, cause, avoid, failure_count, affected_endpoints }) => ({ signature, cause, avoid, failure_count, affected_endpoints }))
        .sort((a, b) => (a.signature < b.signature ? -1 : 1)),
    );
    const playbooks = await rowsOf("SELECT operation, success_rate, success_count FROM playbooks ORDER BY operation");
    assert.deepEqual(
      playbooks,
      [...readDerivedFixtures(derivedTopics.playbooks).values()]
        .map((e) => ({ operation: e.data!.operation, success_rate: e.data!.success_rate, success_count: e.data!.success_count }))
        .sort((a, b) => (a.operation < b.operation ? -1 : 1)),
    );
    const instincts = await rowsOf(`SELECT "trigger", domain, scope, confidence FROM instincts ORDER BY "trigger"`);
    assert.deepEqual(
      instincts,
      [...readDerivedFixtures(derivedTopics.instincts).values()]
        .map((e) => ({ trigger: e.data!.trigger, domain: e.data!.domain, scope: e.data!.scope, confidence: e.data!.confidence }))
        .sort((a, b) => (a.trigger < b.trigger ? -1 : 1)),
    );
    // The meta fixture's window ended six days before the latest evaluation: past its 48 h retention, so cleaned up.
    assert.deepEqual(await rowsOf("SELECT kind, count(*) AS n, count(summary) AS summaries FROM evaluations GROUP BY kind ORDER BY kind"), [
      { kind: "audit_finding", n: 2, summaries: 2 },
      { kind: "daily", n: 2, summaries: 2 },
      { kind: "weekly", n: 1, summaries: 1 },
    ]);
    assert.deepEqual(await rowsOf("SELECT count(*) FILTER (WHERE inactivity_flag) AS inactive FROM evaluations"), [{ inactive: 1 }]);

    const daily = derivedFixture(derivedTopics.evaluations, "daily-report");
    const [stored] = await rowsOf(`SELECT data, evidence, window_start::VARCHAR AS window_start FROM evaluations WHERE id = '${daily.id}'`);
    assert.deepEqual(JSON.parse(String(stored!.data)), daily.data);
    assert.deepEqual(JSON.parse(String(stored!.evidence)), daily.evidence);
    assert.equal(stored!.window_start, "2025-03-23 13:00:00+00");
  });

  it("writes batches larger than one statement holds", async () => {
    const base = diagnosis();
    const many = Array.from({ length: derivedRowsPerStatement * 2 + 7 }, (_, i) =>
      revise(derivedTopics.diagnoses, base, { id: `${base.id.slice(0, 28)}${i.toString(16).padStart(4, "0")}` }),
    );
    await deliver(derivedTopics.diagnoses, many);

    assert.deepEqual(await rowsOf("SELECT count(*) AS n, max(kafka_offset) AS last FROM diagnoses"), [{ n: many.length, last: many.length - 1 }]);
    assert.deepEqual(await rowsOf("SELECT count(*) AS n FROM diagnoses_history"), [{ n: many.length }]);
  });
});
