import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EvaluationEvent } from "../../src/events/derived/evaluation.ts";
import { clockSource, tickId } from "../../src/ingest/clockTicker.ts";
import { startWitness, type Witness } from "../../src/main.ts";
import { noteEvent } from "../../src/testing/rawEvents.ts";
import { readDerivedTopics, rederive, waitForAnalyzers, type ReadDerived } from "../support/derivedTopics.ts";
import { isolatedWitness, quietLogger, waitFor } from "../support/isolatedWitness.ts";

const hourMs = 3_600_000;
const user = "quiet-user";

const tickHourly = async (witness: Witness, fromIso: string, toIso: string) => {
  for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += hourMs) {
    const time = new Date(t).toISOString();
    await witness.producer.publishTicks(time, clockSource, (topic, partition) => tickId(topic, partition, time));
  }
};

const dailyReportsOf = (read: readonly ReadDerived[], date: string) =>
  read
    .filter((r): r is ReadDerived & { event: EvaluationEvent } => r.event.type === "witness.evaluation.derived")
    .filter((r) => r.event.data?.kind === "daily" && r.event.data.user_id === user && r.event.data.daily?.date === date)
    .sort((a, b) => a.event.revision - b.event.revision);

describe("tiered evaluation of a user who goes quiet", () => {
  const logger = quietLogger();
  let witness: Witness;
  let tiers: Witness["analyzers"];

  before(async () => {
    witness = await startWitness(isolatedWitness("inactive").config, logger);
    tiers = witness.analyzers.filter((a) => a.groupId.endsWith("witness-analyzer-tiers"));
    await witness.producer.publish(
      ["09:05", "09:40", "10:15"].map((hhmm, i) =>
        noteEvent({ id: `quiet-note-${i}`, timeMs: Date.parse(`2025-05-05T${hhmm}:00Z`), subject: user }, { user_id: user, note: `the user asked for shorter answers (${i})` }),
      ),
    );
    // The user writes nothing more; only the clock keeps ticking, past the end of the next day.
    await tickHourly(witness, "2025-05-05T11:00:00Z", "2025-05-07T02:00:00Z");
    await waitForAnalyzers(witness.kafka, tiers);
  });
  after(async () => {
    await witness?.close();
  });

  it("still receives an inactivity-flagged daily report once the clock ticks past the day's end", async () => {
    const read = await readDerivedTopics(witness.kafka, witness.resolver, witness.catalogue, "inactive");
    const active = dailyReportsOf(read, "2025-05-05");
    assert.equal(active.length, 1);
    assert.equal(active[0]!.event.data!.daily!.inactivity_flag, false);
    const quiet = dailyReportsOf(read, "2025-05-06");
    assert.equal(quiet.length, 1, "one report for the quiet day");
    assert.equal(quiet[0]!.event.data!.daily!.inactivity_flag, true);
    assert.equal(quiet[0]!.event.revision, 1);
  });

  it("gets the same report, byte for byte, from a replay with fresh consumer groups", async () => {
    const live = dailyReportsOf(await readDerivedTopics(witness.kafka, witness.resolver, witness.catalogue, "live"), "2025-05-06");
    const replayed = dailyReportsOf(await rederive(witness, "replay", {}, logger), "2025-05-06");
    assert.deepEqual(replayed.map((r) => [r.key, r.body.toString("base64")]), live.map((r) => [r.key, r.body.toString("base64")]));
  });

  it("corrects the report with a higher revision when a note for that day arrives late", async () => {
    await witness.producer.publish([
      noteEvent({ id: "quiet-note-late", timeMs: Date.parse("2025-05-06T15:00:00Z"), subject: user }, { user_id: user, note: "the user came back and was happy with the summary" }),
    ]);
    await waitForAnalyzers(witness.kafka, tiers);
    const reports = dailyReportsOf(await readDerivedTopics(witness.kafka, witness.resolver, witness.catalogue, "late"), "2025-05-06");
    // The late note corrects the day directly and again through its corrected 6-hour meta.
    const revisions = reports.map((r) => r.event.revision);
    assert.equal(revisions[0], 1);
    assert.ok(revisions.length >= 2, "at least one correction");
    assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), "revisions only grow");
    const latest = reports[reports.length - 1]!;
    assert.ok(reports.every((r) => r.event.id === reports[0]!.event.id), "a correction keeps the id");
    assert.equal(latest.event.data!.daily!.inactivity_flag, false);
    assert.equal(latest.event.data!.daily!.note_count, 1);

    const lateRecords: { event_id: string; outcome: string; analyzer: string }[] = [];
    const reader = witness.kafka.consumer({ groupId: `${witness.catalogue.prefix}late-reader` });
    await reader.connect();
    await reader.subscribe({ topic: witness.catalogue.topics.find((t) => t.logicalName === "witness.late-events")!.name, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void lateRecords.push(JSON.parse(message.value!.toString())) });
    await waitFor("the late note's side record", async () => (lateRecords.some((r) => r.event_id === "quiet-note-late") ? true : undefined), 30_000);
    await reader.disconnect();
    // Its daily window is corrected; its 6-hour window had no meta yet, so it is reopened.
    const outcomes = new Set(lateRecords.filter((r) => r.event_id === "quiet-note-late").map((r) => r.outcome));
    assert.ok(outcomes.has("corrected") && !outcomes.has("expired"), `outcomes: ${[...outcomes].join(", ")}`);
  });
});
