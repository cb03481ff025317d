import { parseArgs } from "node:util";
import { Partitioners } from "kafkajs";
import { frameWire } from "../codec/wireFormat.ts";
import { clockSource, tickId } from "../ingest/clockTicker.ts";
import { createObserver } from "../ingest/observe.ts";
import { startWitness, type Witness } from "../main.ts";
import { generateDemoObservations } from "../testing/demoObservations.ts";
import { hasProjectionReached, readEndOffsets } from "../projection/catchUp.ts";
import { rawProjectionName } from "../projection/rawProjection.ts";
import { hasGroupCaughtUp } from "../analyzers/runtime/groupProgress.ts";
import type { Command } from "./command.ts";
import { formatTable } from "./format.ts";


/** Waits until the projector has stored offsets at or past the topics' ends as they are now. */
const waitUntilProjected = async (witness: Witness, timeoutMs: number): Promise<boolean> => {
  const topics = witness.catalogue.topics.filter((t) => t.role === "raw").map((t) => t.name);
  const ends = await readEndOffsets(witness.kafka, topics);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await hasProjectionReached(witness.store, rawProjectionName, ends)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
};

/** Waits until every analyzer group has consumed its input to the end and the projector has read what they derived. */
const waitUntilAnalyzed = async (witness: Witness, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  for (const analyzer of witness.analyzers) {
    while (!(await hasGroupCaughtUp(witness.kafka, analyzer.groupId, analyzer.inputTopics))) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const ends = await readEndOffsets(witness.kafka, witness.catalogue.topics.filter((t) => t.role === "derived").map((t) => t.name));
  while (!(await hasProjectionReached(witness.store, rawProjectionName, ends))) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
};

const diagnosesSql = `
SELECT cause, CASE WHEN avoid THEN 'AVOID' ELSE '' END AS flag, failure_count AS failures,
       json_extract_string(affected_endpoints, '$[0]') AS endpoint, left(advice, 90) AS advice
FROM diagnoses_latest ORDER BY avoid DESC, failure_count DESC LIMIT 10`;

const playbooksSql = `
SELECT operation, success_count AS successes, round(100 * success_rate, 1) AS "success %",
       round(mean_duration_ms, 0) AS mean_ms, round(p95_duration_ms, 0) AS p95_ms, input_pattern
FROM playbooks_latest ORDER BY success_count DESC LIMIT 10`;

const summarySql = `
SELECT strftime(window_start, '%H:%M') AS "window (UTC)", endpoint, events, failures,
       round(100 * success_rate, 1) AS "success %", p50_duration_ms AS p50_ms, p95_duration_ms AS p95_ms
FROM operation_windows_5m
WHERE failures >= 3
ORDER BY window_start, failures DESC
LIMIT 15`;

const endpointSql = `
SELECT endpoint, sum(events) AS events, sum(failures) AS failures,
       round(100 * (1 - sum(failures) / sum(events)), 1) AS "success %",
       round(max(p95_duration_ms), 0) AS "worst p95_ms (1h)"
FROM operation_windows_1h GROUP BY endpoint ORDER BY failures DESC`;

export const demoCommand: Command = {
  name: "demo",
  summary: "start everything, stream realistic demo observations, print a windowed summary",
  usage: "witness demo [--minutes 90] [--seed 7]",
  run: async (args, { config, logger, stdout, signal }) => {
    const { values } = parseArgs({ args, options: { minutes: { type: "string", default: "90" }, seed: { type: "string", default: "7" } } });
    const say = (line: string) => stdout.write(`${line}\n`);
    const startedAt = Date.now();
    say("Witness demo: observations → Kafka (Avro via the schema registry) → projector → DuckDB → SQL\n");
    const witness = await startWitness(config, logger, (line) => say(`  · ${line}`));
    try {
      say(`  · Kafka ${witness.cluster.brokers.join(",")}, registry ${witness.cluster.registryUrl}${witness.cluster.isLocalStack ? " (local stack)" : ""}`);
      say(`  · Projecting into ${witness.store.path}; HTTP API at ${witness.httpUrl}\n`);

      // The demo's traffic ends a while ago, so that the clock tick written below ("now")
      // lets the analyzers close the hourly windows around it.
      const demo = generateDemoObservations({ endMs: Date.now() - 75 * 60_000, minutes: Number(values.minutes), seed: Number(values.seed) });
      say(`Producing ${demo.operations.length} operation, ${demo.sessions.length} session and ${demo.notes.length} note events…`);
      for (let i = 0; i < demo.operations.length; i += 1000) await witness.producer.publish(demo.operations.slice(i, i + 1000));
      await witness.producer.publish([...demo.sessions, ...demo.notes]);

      // The SDK path: observe() wraps real calls, timing them and recording failures.
      const observer = createObserver({ publish: (events) => witness.producer.publish(events), logger, source: "witness-demo-sdk", project: "shop" });
      for (let i = 0; i < 20; i++) {
        await observer
          .observe("tool:inventory_lookup", async () => {
            await new Promise((r) => setTimeout(r, 5 + (i % 4) * 5));
            if (i % 7 === 3) throw new Error(`inventory service unavailable (attempt ${i})`);
            return { sku: `sku-${i}`, inStock: i % 2 === 0 };
          }, { kind: "tool", input: { sku: `sku-${i}` } })
          .catch(() => undefined);
      }
      await observer.close();

      // Bad input is never dropped: it lands on the dead-letter topic with the reason.
      const producer = witness.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const topic = witness.registrations.get("operation")!.topic;
      await producer.send({ topic, messages: [
        { key: "bad-1", value: Buffer.from('{"this":"is JSON, not Avro"}') },
        { key: "bad-2", value: frameWire(987_654_321, Buffer.from([1, 2, 3])) },
      ] });
      await producer.disconnect();

      // Time is an event too: a tick into every raw partition moves the analyzers' watermark to now.
      const now = new Date().toISOString();
      await witness.producer.publishTicks(now, clockSource, (topic, partition) => tickId(topic, partition, now));

      const isComplete = await waitUntilProjected(witness, 120_000);
      if (signal.aborted) return 130;
      if (!isComplete) say("(the projector has not caught up after 2 minutes; showing what it has)");

      const printQuery = async (title: string, sql: string) => {
        const { columns, rows } = await witness.store.query(sql);
        say(`\n${title}\n`);
        say(formatTable(columns, rows));
      };
      await printQuery("Failure bursts — 5-minute windows with 3+ failures (SQL over operation_windows_5m):", summarySql);
      await printQuery("Per endpoint over the whole demo (operation_windows_1h):", endpointSql);
      if (witness.analyzers.length > 0) {
        await waitUntilAnalyzed(witness, 120_000);
        await printQuery("What the analyzers learned — diagnoses (witness.diagnoses, latest per error signature):", diagnosesSql);
        await printQuery("Playbooks (witness.playbooks, latest per operation):", playbooksSql);
      }
      const totals = await witness.store.query(`SELECT (SELECT count(*) FROM operations) AS operations, (SELECT count(*) FROM sessions) AS sessions,
        (SELECT count(*) FROM notes) AS notes, (SELECT count(*) FROM dead_letters) AS dead_letters`);
      say(`\nProjected: ${JSON.stringify(totals.rows[0])}  (dead letters are on ${witness.catalogue.topics.find((t) => t.role === "dead-letter")!.name} with their reason)`);
      say(`Done in ${Math.round((Date.now() - startedAt) / 1000)} s.\n`);
      say("Query further (the file is yours once this process exits):");
      say(`  npm run witness -- sql "SELECT * FROM operation_windows_1m WHERE failures > 0 ORDER BY window_start DESC LIMIT 20"`);
      say(`  npm run witness -- sql "SELECT error_type, count(*) AS n FROM operations WHERE NOT success GROUP BY ALL ORDER BY n DESC" --json`);
      say(`  npm run witness -- diagnoses --avoid      npm run witness -- playbooks      npm run witness -- instincts`);
      say("Keep it running with `npm run witness -- run`; stop the local stack with `npm run stack -- down`.");
      return 0;
    } finally {
      await witness.close();
    }
  },
};
