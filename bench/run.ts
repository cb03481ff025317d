/**
 * `npm run bench`: speed of the hot paths, measured without a broker so numbers
 * compare across machines, with ratios measured in the same run. Results go to
 * bench/results/<time>.json and stdout.
 *
 * - projection: DuckDB appender vs row-by-row parameterised INSERT (why the projector appends)
 * - codec: Avro encode + registry-frame + decode + zod validation per event
 * - analyzers: the pure analyzer groups over the labelled corpus (records/s)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import avro from "avsc";
import { runAnalyzerGroup } from "../src/analyzers/analyzerGroup.ts";
import { createDefaultAnalyzerGroups } from "../src/analyzers/defaultAnalyzerGroups.ts";
import { avroTypeOptions, fixedSchemaResolver } from "../src/codec/schemaResolver.ts";
import { decodeEvent, encodeEvent } from "../src/codec/eventCodec.ts";
import { rawFamilies } from "../src/events/families.ts";
import { readAvroSchema } from "../src/ingest/schemaRegistration.ts";
import { openDuckdbStore } from "../src/projection/duckdbStore.ts";
import { operationColumns } from "../src/projection/rawTables.ts";
import { corpusRecords, generateCorpus } from "../src/testing/corpus.ts";
import { generateDemoObservations } from "../src/testing/demoObservations.ts";

type Result = { name: string; items: number; ms: number; perSecond: number };

const measure = async (name: string, items: number, work: () => Promise<void> | void): Promise<Result> => {
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  const result = { name, items, ms: Math.round(ms), perSecond: Math.round((items / ms) * 1000) };
  console.log(`${name.padEnd(44)} ${String(items).padStart(7)} items  ${String(result.ms).padStart(6)} ms  ${String(result.perSecond).padStart(9)} /s`);
  return result;
};

const operations = generateDemoObservations({ endMs: Date.parse("2026-01-01T00:00:00Z"), minutes: 600, seed: 1 }).operations;
const rows = operations.map((event, i) => ({ event, position: { topic: "witness.operations", partition: 0, offset: String(i) } }));

const projectionBench = async (): Promise<Result[]> => {
  const appendStore = await openDuckdbStore(":memory:");
  const appended = await measure("projection: DuckDB appender, one transaction", rows.length, () =>
    appendStore.withTransaction("bench", (tx) => tx.append("operations", operationColumns, rows)),
  );
  await appendStore.close();
  const insertStore = await openDuckdbStore(":memory:");
  const sample = rows.slice(0, 2_000);
  const placeholders = operationColumns.map((c, i) => `$${i + 1}::${c.sqlType === "JSON" ? "VARCHAR" : c.sqlType}`).join(", ");
  const inserted = await measure("projection: parameterised INSERT per row", sample.length, () =>
    insertStore.withTransaction("bench", async (tx) => {
      for (const { event, position } of sample) {
        await tx.run(`INSERT INTO operations VALUES (${placeholders})`, operationColumns.map((c) => c.value(event, position)));
      }
    }),
  );
  await insertStore.close();
  return [appended, inserted];
};

const codecBench = async (): Promise<Result[]> => {
  const schema = readAvroSchema(rawFamilies.operation.avroFile);
  const type = avro.Type.forSchema(schema as avro.Schema, avroTypeOptions());
  const resolver = fixedSchemaResolver({ 1: schema });
  let frames: Buffer[] = [];
  const encoded = await measure("codec: Avro validate + encode + frame", operations.length, () => {
    frames = operations.map((event) => encodeEvent(type, 1, event));
  });
  const decoded = await measure("codec: unframe + Avro decode + zod", frames.length, async () => {
    for (const frame of frames) await decodeEvent(resolver, frame, rawFamilies.operation.topicEventSchema);
  });
  return [encoded, decoded];
};

const analyzerBench = async (): Promise<Result[]> => {
  const corpus = generateCorpus();
  const records = corpusRecords(corpus, 3);
  const results: Result[] = [];
  for (const group of createDefaultAnalyzerGroups({ tiers: { timeZoneOf: (user) => corpus.groundTruth.userTimeZones[user] } })) {
    const inputs = records.filter((r) => group.inputTopics.includes(r.topic));
    results.push(await measure(`analyzers: ${group.name}`, inputs.length, () => void runAnalyzerGroup(group, inputs)));
  }
  return results;
};

const main = async () => {
  console.log(`Witness benchmarks on Node ${process.version}\n`);
  const projection = await projectionBench();
  const codec = await codecBench();
  const analyzers = await analyzerBench();
  const ratios = { appenderVsInsert: Math.round((projection[0]!.perSecond / projection[1]!.perSecond) * 10) / 10 };
  console.log(`\nappender / row INSERT throughput: ${ratios.appenderVsInsert}×`);
  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ node: process.version, time: new Date().toISOString(), results: [...projection, ...codec, ...analyzers], ratios }, null, 2)}\n`);
  console.log(`results written to ${file}`);
};

await main();
