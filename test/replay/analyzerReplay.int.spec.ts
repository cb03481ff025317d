import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createAnalyzerGroup } from "../../src/analyzers/analyzerGroup.ts";
import { createDefaultAnalyzerGroups, liveStreamLatenessMs } from "../../src/analyzers/defaultAnalyzerGroups.ts";
import { latestRevisions, serializeDerivedEvent } from "../../src/analyzers/derivedEvents.ts";
import { createErrorAnalyzer } from "../../src/analyzers/errors/errorAnalyzer.ts";
import { decodeEvent } from "../../src/codec/eventCodec.ts";
import { loadConfig } from "../../src/config/config.ts";
import { derivedEventSchema, type DerivedEvent } from "../../src/events/derived/derivedFamilies.ts";
import { tickId } from "../../src/ingest/clockTicker.ts";
import { startWitness, type Witness } from "../../src/main.ts";
import { diffDerived, publishToSideTopics, readLiveDerived, replayAnalyzers, sideTopicName } from "../../src/replay/analyzerReplay.ts";
import { capturePartitionRanges } from "../../src/replay/partitionRanges.ts";
import { readRanges } from "../../src/replay/rangeReader.ts";
import { clusterTopicName } from "../../src/topics/catalogue.ts";
import { hasGroupCaughtUp } from "../support/derivedTopics.ts";
import { isolatedWitness, quietLogger, repoRoot, waitFor, type IsolatedWitness } from "../support/isolatedWitness.ts";
import { poisonMessages, sendRaw } from "../support/replaySupport.ts";
import { sampleOperation, sampleSession } from "../support/sampleEvents.ts";

const run = promisify(execFile);
const cli = join(repoRoot, "src/cli/witness.ts");

describe("replaying the analyzers", () => {
  let iso: IsolatedWitness;
  let witness: Witness;
  const logger = quietLogger();
  const deps = () => ({ kafka: witness.kafka, resolver: witness.resolver, catalogue: witness.catalogue, logger });

  before(async () => {
    iso = isolatedWitness("replay-analyzers");
    witness = await startWitness(loadConfig({ ...iso.env, WITNESS_TICK_INTERVAL_MS: "3600000" }), logger);
    const operations = witness.registrations.get("operation")!;
    await witness.producer.publish(Array.from({ length: 600 }, (_, i) => sampleOperation(i, "an")));
    await sendRaw(witness.kafka, operations.topic, poisonMessages(operations, 6, "an"));
    await witness.producer.publish(Array.from({ length: 200 }, (_, i) => sampleSession(i, "an")));
    const tickTime = "2026-11-20T11:00:00.000Z";
    await witness.producer.publishTicks(tickTime, "test/clock", (topic, partition) => tickId(topic, partition, tickTime));
    const raw = witness.catalogue.topics.filter((t) => t.role === "raw").map((t) => t.name);
    for (const group of createDefaultAnalyzerGroups()) {
      const inputs = group.inputTopics.map((logical) => clusterTopicName(witness.catalogue, logical)).filter((t) => raw.includes(t));
      await waitFor(`${group.name} caught up`, async () => ((await hasGroupCaughtUp(witness.kafka, `${witness.catalogue.prefix}${group.name}`, inputs)) ? true : undefined), 180_000, 500);
    }
  });
  after(async () => {
    await witness?.close();
  });

  it("re-derives exactly the live derived events from the raw topics, so a dry run reports no change", async () => {
    const live = await readLiveDerived(deps());
    const replayed = await replayAnalyzers(deps(), createDefaultAnalyzerGroups());
    assert.ok(live.some((e) => e.type.includes("diagnosis")) && live.some((e) => e.type.includes("playbook")), "the live analyzers derived diagnoses and playbooks");
    assert.equal(replayed.skipped, 6, "poison is skipped, as the live groups skip it");
    const { changes, unchanged } = diffDerived(live, replayed.derived);
    assert.deepEqual(changes, []);
    assert.ok(unchanged > 0);
    const standing = (events: readonly DerivedEvent[]) => latestRevisions(events).map(serializeDerivedEvent).sort();
    assert.deepEqual(standing(replayed.derived), standing(live), "byte-identical derived events");

    const { stdout } = await run(process.execPath, [cli, "replay", "--analyzers", "--dry-run"], { env: { ...process.env, ...iso.env }, cwd: repoRoot });
    assert.match(stdout, new RegExp(`^0 added, 0 removed, 0 changed, ${unchanged} unchanged \\(dry run: nothing written\\)\\.$`, "m"));
  });

  it("shows every result of a new analyzer version as changed in a dry run, and writes it to side topics", async () => {
    const v2 = createAnalyzerGroup("witness-analyzer-errors", [{ ...createErrorAnalyzer(), version: "2-test" }], { allowedLatenessMs: liveStreamLatenessMs });
    const live = (await readLiveDerived(deps())).filter((e) => e.analyzer === "error-analysis");
    const replayed = await replayAnalyzers(deps(), [v2]);
    const { changes, unchanged } = diffDerived(live, replayed.derived);
    const standingLive = latestRevisions(live).filter((e) => !e.retracted).length;
    assert.equal(unchanged, 0);
    assert.equal(changes.length, standingLive);
    assert.ok(changes.every((c) => c.change === "changed" && c.live!.analyzer_version === "1" && c.replay!.analyzer_version === "2-test" && c.live!.id !== c.replay!.id));

    const written = await publishToSideTopics(deps(), "v2test", replayed.derived);
    const side = sideTopicName(iso.topic("witness.diagnoses"), "v2test");
    assert.deepEqual(written, [{ topic: side, events: replayed.derived.length }]);
    const ranges = await capturePartitionRanges(witness.kafka, [side]);
    const readBack: DerivedEvent[] = [];
    await readRanges(witness.kafka, {
      groupId: `${iso.prefix}-side-reader`,
      ranges,
      logger,
      onBatch: async ({ messages }) => {
        for (const m of messages) readBack.push(await decodeEvent(witness.resolver, m.value, derivedEventSchema));
      },
    });
    assert.deepEqual(readBack.map(serializeDerivedEvent).sort(), replayed.serialized.slice().sort(), "the side topic holds the re-derived events, Avro through the registry");
  });
});
