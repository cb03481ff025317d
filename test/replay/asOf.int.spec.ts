import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createDefaultAnalyzerGroups } from "../../src/analyzers/defaultAnalyzerGroups.ts";
import { loadConfig } from "../../src/config/config.ts";
import { tickId } from "../../src/ingest/clockTicker.ts";
import { startWitness, type Witness } from "../../src/main.ts";
import { projectedTopics } from "../../src/projection/projectedTopics.ts";
import { replayProjection } from "../../src/replay/replayProjection.ts";
import { clusterTopicName } from "../../src/topics/catalogue.ts";
import { hasGroupCaughtUp } from "../support/derivedTopics.ts";
import { isolatedWitness, quietLogger, waitFor, type IsolatedWitness } from "../support/isolatedWitness.ts";
import { checksumsOf, countOf, poisonMessages, sendRaw, waitForLiveCaughtUp } from "../support/replaySupport.ts";
import { sampleNote, sampleOperation, sampleSession } from "../support/sampleEvents.ts";

const startMs = Date.parse("2026-11-20T09:00:00Z");
const T = "2026-11-20T11:30:00.000Z";
const timeAt = (i: number) => new Date(startMs + i * 10_000).toISOString();
/** Every family, one event per 10 s of event time: i = 900 is 11:30:00. */
const eventsAt = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const time = timeAt(i);
    return [{ ...sampleOperation(i, "asof"), time }, ...(i % 3 === 0 ? [{ ...sampleSession(i, "asof"), time }] : []), ...(i % 9 === 0 ? [{ ...sampleNote(i, "asof"), time }] : [])];
  }).flat();

describe("the state as of an event time", () => {
  let iso: IsolatedWitness;
  let witness: Witness;
  const logger = quietLogger();

  before(async () => {
    iso = isolatedWitness("asof");
    witness = await startWitness(loadConfig({ ...iso.env, WITNESS_TICK_INTERVAL_MS: "3600000" }), logger);
  });
  after(async () => {
    await witness?.close();
  });

  const tickAll = (time: string) => witness.producer.publishTicks(time, "test/clock", (topic, partition) => tickId(topic, partition, time));

  /** Until the analyzers have read every raw record and the projector every record, and nothing more comes. */
  const settle = async () => {
    const raw = witness.catalogue.topics.filter((t) => t.role === "raw").map((t) => t.name);
    for (const group of createDefaultAnalyzerGroups()) {
      const inputs = group.inputTopics.map((logical) => clusterTopicName(witness.catalogue, logical)).filter((t) => raw.includes(t));
      await waitFor(`analyzer group ${group.name} caught up`, async () => ((await hasGroupCaughtUp(witness.kafka, `${witness.catalogue.prefix}${group.name}`, inputs)) ? true : undefined), 180_000, 500);
    }
    await waitForLiveCaughtUp(witness.kafka, witness.store, projectedTopics(witness.catalogue, "all").map((t) => t.topic));
  };

  it("rebuilt --as-of T equals a snapshot of the live projection taken when its watermark reached T", async () => {
    const operations = witness.registrations.get("operation")!;
    // Up to T: events in event-time order, some poison, then time reaches T in every partition.
    await witness.producer.publish(eventsAt(0, 451));
    await sendRaw(witness.kafka, operations.topic, poisonMessages(operations, 12, "before"));
    await witness.producer.publish(eventsAt(451, 901));
    await tickAll(T);
    await settle();
    const watermark = (await witness.store.query("SELECT max(max_event_time)::VARCHAR AS w FROM projection_offsets")).rows[0]!.w;
    assert.equal(watermark, "2026-11-20 11:30:00+00", "the live watermark is T");
    const snapshot = await checksumsOf(witness.store);
    const derivedAtT = await countOf(witness.store, "SELECT (SELECT count(*) FROM diagnoses_history) + (SELECT count(*) FROM playbooks_history) AS n");
    assert.ok(derivedAtT > 0, "windows that ended by T were derived and projected");

    // After T: more events, time moves on (later windows close), more poison.
    await witness.producer.publish(eventsAt(901, 1_261));
    await tickAll("2026-11-20T13:00:00.000Z");
    await sendRaw(witness.kafka, operations.topic, poisonMessages(operations, 5, "after"));
    await settle();
    assert.ok((await countOf(witness.store, "SELECT (SELECT count(*) FROM diagnoses_history) + (SELECT count(*) FROM playbooks_history) AS n")) > derivedAtT, "windows ending after T were derived since");

    const report = await replayProjection(
      { kafka: witness.kafka, resolver: witness.resolver, catalogue: witness.catalogue, logger },
      { topicSet: "all", livePath: iso.duckdbPath, outPath: join(iso.dir, "as-of.duckdb"), asOf: T, isSwap: false },
    );
    assert.deepEqual(report.verification.topics.filter((t) => !t.isOk), [], "records reconcile: read = ticks + left out + rows + dead letters");
    assert.equal(report.verification.isOk, true);
    assert.ok(report.verification.topics.reduce((n, t) => n + t.excluded, 0) >= 360 + 5, "the records after T were left out");
    const derivedLeftOut = report.verification.topics.filter((t) => t.topic.includes("witness.diagnoses") || t.topic.includes("witness.playbooks"));
    assert.ok(derivedLeftOut.every((t) => t.excluded > 0 && t.rows > 0), "derived events of windows ending after T were left out, earlier ones kept");
    assert.deepEqual(report.verification.checksums, snapshot, "every table, offsets and watermarks included, as the live projection had it at T");
    assert.equal(report.manifest.asOf, T);
  });
});
