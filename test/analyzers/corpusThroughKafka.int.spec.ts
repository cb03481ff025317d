import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runAnalyzerGroup } from "../../src/analyzers/analyzerGroup.ts";
import { createDefaultAnalyzerGroups } from "../../src/analyzers/defaultAnalyzerGroups.ts";
import { latestRevisions, serializeDerivedEvent } from "../../src/analyzers/derivedEvents.ts";
import { startWitness, type Witness } from "../../src/main.ts";
import { corpusRecords, generateCorpus } from "../../src/testing/corpus.ts";
import { formatScores, scoreCorpus } from "../../src/testing/scoreCorpus.ts";
import { derivedRowCountSql, expectedDerivedRows, produceRecords, readDerivedTopics, rederive, waitForAnalyzers, type ReadDerived } from "../support/derivedTopics.ts";
import { isolatedWitness, quietLogger, waitFor, type IsolatedWitness } from "../support/isolatedWitness.ts";

const corpus = generateCorpus();
const records = corpusRecords(corpus, 3);
const timeZones = corpus.groundTruth.userTimeZones;

const identityOf = (r: ReadDerived) => `${r.event.id}#${r.event.revision}`;

describe("analyzers on the labelled corpus, through Kafka", () => {
  let iso: IsolatedWitness;
  let witness: Witness;
  let firstRun: ReadDerived[];
  const logger = quietLogger();

  before(async () => {
    iso = isolatedWitness("corpus", { WITNESS_USER_TIME_ZONES: JSON.stringify(timeZones) });
    witness = await startWitness(iso.config, logger);
    await produceRecords(witness, records);
    await waitForAnalyzers(witness.kafka, witness.analyzers);
    firstRun = await readDerivedTopics(witness.kafka, witness.resolver, witness.catalogue, "first");
  });
  after(async () => {
    await witness?.close();
  });

  it("finds every planted item, with at most 10 % spurious items per analyzer", () => {
    const scores = scoreCorpus(corpus.groundTruth, firstRun.map((r) => r.event));
    console.log(`\n${formatScores(scores)}\n`);
    for (const score of scores) {
      assert.equal(score.recall, 1, `${score.analyzer} misses ${score.missing.join(", ")}`);
      assert.ok(score.spurious <= 0.1 * score.emitted, `${score.analyzer}: spurious ${score.spuriousKeys.join(", ")}`);
    }
  });

  it("writes exactly what the pure analyzers derive from the same records, each revision once", () => {
    const groups = createDefaultAnalyzerGroups({ tiers: { timeZoneOf: (user) => timeZones[user] } });
    const expected = groups.flatMap((group) => runAnalyzerGroup(group, records).derived);
    const identities = firstRun.map(identityOf);
    assert.equal(new Set(identities).size, identities.length, "no derived event twice");
    const expectedLatest = latestRevisions(expected).map(serializeDerivedEvent).sort();
    const actualLatest = latestRevisions(firstRun.map((r) => r.event)).map(serializeDerivedEvent).sort();
    assert.deepEqual(actualLatest, expectedLatest);
  });

  it("derives byte-identical events when run again with fresh consumer groups", async () => {
    const secondRun = await rederive(witness, "rerun", timeZones, logger);
    const bytesOf = (run: ReadDerived[]) => run.map((r) => `${r.key} ${r.body.toString("base64")}`).sort();
    assert.equal(secondRun.length, firstRun.length);
    assert.deepEqual(bytesOf(secondRun), bytesOf(firstRun));
  });

  it("projects the derived topics: latest revision per id, every revision in history, tiers past retention cleaned up", async () => {
    const expected = expectedDerivedRows(firstRun);
    const count = async (suffix: "" | "_history") => Number((await witness.store.query(derivedRowCountSql(suffix))).rows[0]!.n);
    await waitFor("derived events projected", async () => ((await count("_history")) === expected.history && (await count("")) === expected.current ? true : undefined));
  });

  it("answers GET /v1/advice with the failures to avoid and the playbook of an operation", async () => {
    const avoided = firstRun.find((r) => r.event.type === "witness.diagnosis.derived" && r.event.data?.avoid === true)!;
    const operation = (avoided.event.data as { affected_endpoints: string[] }).affected_endpoints[0]!;
    const response = await fetch(`${witness.httpUrl}/v1/advice?operation=${encodeURIComponent(operation)}`);
    assert.equal(response.status, 200);
    const advice = (await response.json()) as { avoid: { cause: string }[]; playbooks: unknown[] };
    assert.ok(advice.avoid.length > 0, `${operation} has something to avoid`);
    const missing = await fetch(`${witness.httpUrl}/v1/advice`);
    assert.equal(missing.status, 400, "without an operation the request is refused with the reason");
  });
});
