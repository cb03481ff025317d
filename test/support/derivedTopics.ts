import type { Kafka } from "kafkajs";
import { decodeEvent } from "../../src/codec/eventCodec.ts";
import type { SchemaResolver } from "../../src/codec/schemaResolver.ts";
import { derivedEventSchema, type DerivedEvent } from "../../src/events/derived/derivedFamilies.ts";
import { toKafkaMessage } from "../../src/ingest/eventProducer.ts";
import type { Connected } from "../../src/main.ts";
import { familyOfEventType } from "../../src/events/families.ts";
import type { InputRecord } from "../../src/analyzers/analyzerGroup.ts";
import { clusterTopicName, type TopicCatalogue } from "../../src/topics/catalogue.ts";
import { waitFor } from "./isolatedWitness.ts";
import { hasGroupCaughtUp } from "../../src/analyzers/runtime/groupProgress.ts";
import { latestRevisions } from "../../src/analyzers/derivedEvents.ts";
import { isPastRetention } from "../../src/analyzers/tiers/retention.ts";
import type { EvaluationEvent } from "../../src/events/derived/evaluation.ts";
import { createDefaultAnalyzerGroups } from "../../src/analyzers/defaultAnalyzerGroups.ts";
import { createAnalyzerRunner } from "../../src/analyzers/runtime/analyzerRunner.ts";
import { registerDerivedSchemas } from "../../src/ingest/derivedSchemaRegistration.ts";
import type { Logger } from "../../src/observability/logger.ts";
import { applyTopics } from "../../src/topics/applyTopics.ts";

export type ReadDerived = { event: DerivedEvent; key: string; body: Buffer; topic: string };

/** Produces records to the partitions they name, in order (ticks included), as the corpus lays them out. */
export const produceRecords = async (connected: Connected, records: readonly InputRecord[]): Promise<void> => {
  const producer = connected.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const chunk = 2_000;
    for (let i = 0; i < records.length; i += chunk) {
      const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
      for (const record of records.slice(i, i + chunk)) {
        const family = connected.catalogue.topics.find((t) => t.logicalName === record.topic)?.family ?? familyOfEventType(record.event.type)!;
        const registration = connected.registrations.get(family)!;
        byTopic.set(registration.topic, [...(byTopic.get(registration.topic) ?? []), toKafkaMessage(registration, record.event as never, record.partition)]);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
};


export { hasGroupCaughtUp };

/** Reads every committed derived event from the derived topics of `catalogue`, decoding through the registry. */
export const readDerivedTopics = async (kafka: Kafka, resolver: SchemaResolver, catalogue: TopicCatalogue, label: string): Promise<ReadDerived[]> => {
  const topics = catalogue.topics.filter((t) => t.role === "derived").map((t) => t.name);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  for (const topic of topics) for (const e of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${e.partition}`, Number(e.high));
  await admin.disconnect();
  const read: ReadDerived[] = [];
  const positions = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `${catalogue.prefix}reader-${label}-${Date.now()}` });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const event = await decodeEvent(resolver, message.value, derivedEventSchema);
        read.push({ event, key: message.key!.toString(), body: message.value!.subarray(5), topic: batch.topic });
      }
      // Transaction markers take offsets too: the high watermark, not the last record, says we are at the end.
      positions.set(`${batch.topic}:${batch.partition}`, Number(batch.highWatermark));
    },
  });
  await waitFor("the derived topics read to their ends", async () =>
    [...ends].every(([key, high]) => high === 0 || (positions.get(key) ?? 0) >= high) ? true : undefined,
  60_000);
  await consumer.disconnect();
  return read;
};

export const clusterDerivedTopic = (catalogue: TopicCatalogue, logical: string) => clusterTopicName(catalogue, logical);

/** Waits until every runner's group has consumed its inputs to the end. */
export const waitForAnalyzers = async (kafka: Kafka, runners: readonly { groupId: string; inputTopics: string[] }[], timeoutMs = 300_000) =>
  waitFor("every analyzer group to consume its input to the end", async () => {
    for (const runner of runners) if (!(await hasGroupCaughtUp(kafka, runner.groupId, runner.inputTopics))) return undefined;
    return true;
  }, timeoutMs, 1_000);

/**
 * Runs the default analyzer groups again over the same raw topics with fresh
 * consumer groups, writing into derived topics of their own, and reads them back.
 */
export const rederive = async (connected: Connected, label: string, timeZones: Record<string, string>, logger: Logger): Promise<ReadDerived[]> => {
  const prefix = `${connected.catalogue.prefix}${label}.`;
  const catalogue: TopicCatalogue = {
    prefix,
    topics: connected.catalogue.topics.map((t) => (t.role === "raw" ? t : { ...t, name: `${prefix}${t.logicalName}` })),
  };
  await applyTopics(connected.kafka, catalogue);
  const derivedRegistrations = await registerDerivedSchemas(connected.resolver, catalogue);
  const runners = createDefaultAnalyzerGroups({ tiers: { timeZoneOf: (user) => timeZones[user] } }).map((group) =>
    createAnalyzerRunner({ kafka: connected.kafka, resolver: connected.resolver, catalogue, derivedRegistrations, logger }, group),
  );
  try {
    for (const runner of runners) await runner.start();
    await waitForAnalyzers(connected.kafka, runners);
  } finally {
    for (const runner of runners) await runner.stop();
  }
  return readDerivedTopics(connected.kafka, connected.resolver, catalogue, label);
};

/** Sums `count(*)` over the four derived tables, with `suffix` "" (current state) or "_history". */
export const derivedRowCountSql = (suffix: "" | "_history"): string =>
  `SELECT ${["diagnoses", "playbooks", "instincts", "evaluations"].map((t) => `(SELECT count(*) FROM ${t}${suffix})`).join(" + ")} AS n`;

/**
 * What the projection must hold for the derived events read from the topics:
 * every (id, revision) in history and the latest revision per id in the current
 * tables — less evaluations past their tier's retention, measured from the latest
 * evaluation window end, as the projection's clean-up does.
 */
export const expectedDerivedRows = (read: readonly ReadDerived[]): { history: number; current: number } => {
  const evaluationEnds = read.filter((r) => r.event.type === "witness.evaluation.derived").map((r) => Date.parse(r.event.window_end));
  const nowMs = evaluationEnds.length > 0 ? Math.max(...evaluationEnds) : 0;
  const isKept = (r: ReadDerived) => r.event.type !== "witness.evaluation.derived" || !isPastRetention(r.event as EvaluationEvent, nowMs);
  const latest = latestRevisions(read.map((r) => r.event));
  return {
    history: read.filter(isKept).length,
    current: latest.filter((event) => isKept({ event } as ReadDerived)).length,
  };
};
