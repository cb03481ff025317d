import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runAnalyzerGroup } from "../../src/analyzers/analyzerGroup.ts";
import { createDefaultAnalyzerGroups } from "../../src/analyzers/defaultAnalyzerGroups.ts";
import { latestRevisions, serializeDerivedEvent } from "../../src/analyzers/derivedEvents.ts";
import { connectWitness, type Connected } from "../../src/main.ts";
import { openDuckdbStore } from "../../src/projection/duckdbStore.ts";
import { readRuntimeFile } from "../../src/query/runtimeFile.ts";
import { clusterTopicName } from "../../src/topics/catalogue.ts";
import { corpusRecords, generateCorpus } from "../../src/testing/corpus.ts";
import { derivedRowCountSql, expectedDerivedRows, produceRecords, readDerivedTopics, waitForAnalyzers } from "../support/derivedTopics.ts";
import { isolatedWitness, quietLogger, repoRoot, waitFor } from "../support/isolatedWitness.ts";

const cli = join(repoRoot, "src/cli/witness.ts");
const startWitnessProcess = (env: Record<string, string>): ChildProcess =>
  spawn(process.execPath, [cli, "run"], { env: { ...process.env, ...env }, cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });

describe("an analyzer process killed mid-run", () => {
  const children: ChildProcess[] = [];
  let connected: Connected | undefined;
  after(async () => {
    for (const child of children) child.kill("SIGKILL");
    await connected?.close();
  });

  it("leaves no derived event missing and none duplicated after SIGKILL and restart", async () => {
    const corpus = generateCorpus();
    const records = corpusRecords(corpus, 3);
    const timeZones = corpus.groundTruth.userTimeZones;
    const iso = isolatedWitness("analyzer-kill", { WITNESS_USER_TIME_ZONES: JSON.stringify(timeZones) });
    connected = await connectWitness(iso.config, quietLogger());
    const derivedTopics = connected.catalogue.topics.filter((t) => t.role === "derived").map((t) => t.name);
    const derivedSoFar = async () => {
      const admin = connected!.kafka.admin();
      await admin.connect();
      try {
        let total = 0;
        for (const topic of derivedTopics) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
        return total;
      } finally {
        await admin.disconnect();
      }
    };

    const half = Math.floor(records.length / 2);
    await produceRecords(connected, records.slice(0, half));
    const first = startWitnessProcess(iso.env);
    children.push(first);
    await waitFor("the first Witness to answer", async () => (readRuntimeFile(iso.duckdbPath) ? true : undefined));
    // Keep input arriving while the analyzers work, and kill as soon as they have committed something.
    const producing = (async () => {
      for (let i = half; i < records.length; i += 250) {
        await produceRecords(connected!, records.slice(i, i + 250));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await waitFor("some derived events", async () => ((await derivedSoFar()) > 0 ? true : undefined), 120_000, 50);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    await producing;

    const second = startWitnessProcess(iso.env);
    children.push(second);
    const groups = createDefaultAnalyzerGroups({ tiers: { timeZoneOf: (user) => timeZones[user] } });
    const runners = groups.map((g) => ({ groupId: `${connected!.catalogue.prefix}${g.name}`, inputTopics: g.inputTopics.map((t) => clusterTopicName(connected!.catalogue, t)) }));
    await waitForAnalyzers(connected.kafka, runners);

    const read = await readDerivedTopics(connected.kafka, connected.resolver, connected.catalogue, "after-kill");
    const identities = read.map((r) => `${r.event.id}#${r.event.revision}`);
    assert.equal(new Set(identities).size, identities.length, "no derived event (id, revision) was committed twice");
    const expected = groups.flatMap((group) => runAnalyzerGroup(group, records).derived);
    assert.deepEqual(
      latestRevisions(read.map((r) => r.event)).map(serializeDerivedEvent).sort(),
      latestRevisions(expected).map(serializeDerivedEvent).sort(),
      "every derived event is there, as the pure analyzers derive it",
    );

    const expectedRows = expectedDerivedRows(read);
    const countThroughApi = async (sql: string) =>
      fetch(`${readRuntimeFile(iso.duckdbPath)!.url}/v1/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sql }) })
        .then(async (r) => Number(((await r.json()) as { rows: { n: number }[] }).rows[0]!.n));
    await waitFor("the projection to hold every derived revision", async () =>
      (await countThroughApi(derivedRowCountSql("_history"))) >= expectedRows.history ? true : undefined,
    );
    second.kill("SIGTERM");
    await new Promise((resolve) => second.once("exit", resolve));
    const store = await openDuckdbStore(iso.duckdbPath, { isReadOnly: true });
    try {
      assert.equal(Number((await store.query(derivedRowCountSql("_history"))).rows[0]!.n), expectedRows.history, "each derived revision projected once");
      assert.equal(Number((await store.query(derivedRowCountSql(""))).rows[0]!.n), expectedRows.current, "the latest revision of each");
    } finally {
      await store.close();
    }
  });
});
