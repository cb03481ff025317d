import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.ts";
import { tickId } from "../../src/ingest/clockTicker.ts";
import { startWitness, type Witness } from "../../src/main.ts";
import { projectedTopics } from "../../src/projection/projectedTopics.ts";
import { replayProjection, verifyReplayFile } from "../../src/replay/replayProjection.ts";
import { isolatedWitness, quietLogger, waitFor, type IsolatedWitness } from "../support/isolatedWitness.ts";
import { checksumsOf, countOf, poisonMessages, sendRaw, waitForLiveCaughtUp } from "../support/replaySupport.ts";
import { sampleNote, sampleOperation, sampleSession } from "../support/sampleEvents.ts";

describe("rebuilding the projection from the topics", () => {
  let iso: IsolatedWitness;
  let witness: Witness;
  const logger = quietLogger();

  before(async () => {
    iso = isolatedWitness("rebuild");
    // Ticks come from the test, at chosen event times, so the run is quiet when it is compared.
    witness = await startWitness(loadConfig({ ...iso.env, WITNESS_TICK_INTERVAL_MS: "3600000" }), logger);
  });
  after(async () => {
    await witness?.close();
  });

  it("rebuilds a mixed run (raw events, poison, derived events) into a fresh file with the live projection's checksum for every table", async () => {
    const operations = witness.registrations.get("operation")!;
    await witness.producer.publish(Array.from({ length: 900 }, (_, i) => sampleOperation(i, "mixed")));
    await sendRaw(witness.kafka, operations.topic, poisonMessages(operations, 30, "mixed"));
    await witness.producer.publish([...Array.from({ length: 300 }, (_, i) => sampleSession(i, "mixed")), ...Array.from({ length: 100 }, (_, i) => sampleNote(i, "mixed"))]);
    // Time passes: the hour windows of 09:00–09:15 close, and the analyzers derive diagnoses and playbooks.
    const tickTime = "2026-11-20T11:00:00.000Z";
    await witness.producer.publishTicks(tickTime, "test/clock", (topic, partition) => tickId(topic, partition, tickTime));
    await waitFor("derived events projected", async () => {
      const n = (await countOf(witness.store, "SELECT count(*) AS n FROM diagnoses_history")) * (await countOf(witness.store, "SELECT count(*) AS n FROM playbooks_history"));
      return n > 0 ? n : undefined;
    });
    const topics = projectedTopics(witness.catalogue, "all").map((t) => t.topic);
    await waitForLiveCaughtUp(witness.kafka, witness.store, topics);
    const live = await checksumsOf(witness.store);
    const statsBefore = witness.projector.stats();

    const report = await replayProjection(
      { kafka: witness.kafka, resolver: witness.resolver, catalogue: witness.catalogue, logger },
      { topicSet: "all", livePath: iso.duckdbPath, outPath: join(iso.dir, "rebuilt.duckdb"), isSwap: false },
    );

    assert.deepEqual(report.verification.offsets.filter((o) => !o.isOk), [], "every stored offset equals the captured end offset");
    assert.ok(report.verification.offsets.every((o) => o.end === 0n || o.stored === o.end));
    assert.deepEqual(report.verification.topics.filter((t) => !t.isOk), [], "records reconcile with rows, dead letters and ticks");
    const ops = report.verification.topics.find((t) => t.topic === operations.topic)!;
    const operationPartitions = witness.catalogue.topics.find((t) => t.name === operations.topic)!.partitions;
    assert.deepEqual(
      { records: ops.records, ticks: ops.ticks, rows: ops.rows, deadLetters: ops.deadLetters, gaps: ops.gaps },
      { records: 900 + 30 + operationPartitions, ticks: operationPartitions, rows: 900, deadLetters: 30, gaps: 0n },
    );
    const derivedTopic = report.verification.topics.find((t) => t.topic === iso.topic("witness.diagnoses"))!;
    assert.ok(derivedTopic.gaps > 0n, "derived topics are written in transactions: their markers are gaps, and the stored offset passes them");
    assert.equal(report.verification.isOk, true);

    assert.deepEqual(report.verification.checksums, live, "the same checksum for every table");
    const rowsOf = (table: string) => live.find((c) => c.table === table)?.rows ?? 0;
    assert.ok(rowsOf("operations") === 900 && rowsOf("dead_letters") === 30 && rowsOf("diagnoses_history") > 0 && rowsOf("playbooks") > 0, "the comparison covers every kind of row");
    assert.deepEqual(witness.projector.stats(), statsBefore, "the live projector read nothing again");

    const again = await verifyReplayFile(report.outPath);
    assert.equal(again.verification.isOk, true, "--verify-only agrees");
    assert.deepEqual(again.verification.checksums, live);

    const admin = witness.kafka.admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${witness.catalogue.prefix}witness-replay`));
    await admin.disconnect();
    assert.deepEqual(groups, [], "the replay's consumer group is gone");
  });

  it("rebuilds from a timestamp: only records produced at or after it, up to the end offsets", async () => {
    await witness.producer.publish(Array.from({ length: 50 }, (_, i) => sampleNote(1_000 + i, "early")));
    await new Promise((r) => setTimeout(r, 1_500));
    const from = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 500));
    await witness.producer.publish(Array.from({ length: 40 }, (_, i) => sampleNote(2_000 + i, "late")));
    const report = await replayProjection(
      { kafka: witness.kafka, resolver: witness.resolver, catalogue: witness.catalogue, logger },
      { topicSet: "raw", livePath: iso.duckdbPath, outPath: join(iso.dir, "from-timestamp.duckdb"), fromTimestamp: from, isSwap: false },
    );
    assert.equal(report.verification.isOk, true);
    assert.deepEqual(
      report.verification.checksums.filter((c) => ["operations", "sessions", "notes", "dead_letters"].includes(c.table)).map((c) => [c.table, c.rows]),
      [["dead_letters", 0], ["notes", 40], ["operations", 0], ["sessions", 0]],
    );
    assert.ok(report.verification.offsets.every((o) => o.end === 0n || o.stored === o.end), "stored offsets are the end offsets: a live projector resumes after them");
  });
});
