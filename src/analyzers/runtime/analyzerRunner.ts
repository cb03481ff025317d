import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type Message, type Producer } from "kafkajs";
import { decodeEvent, isPoison } from "../../codec/eventCodec.ts";
import type { SchemaResolver } from "../../codec/schemaResolver.ts";
import { derivedTopicOfType, type DerivedEvent } from "../../events/derived/derivedFamilies.ts";
import { rawFamilies } from "../../events/families.ts";
import { internalError } from "../../errors/witnessError.ts";
import { encodeDerivedEvent } from "../../ingest/derivedSchemaRegistration.ts";
import type { TopicRegistration } from "../../ingest/schemaRegistration.ts";
import type { Logger } from "../../observability/logger.ts";
import { clusterTopicName, logicalTopicName, type TopicCatalogue } from "../../topics/catalogue.ts";
import { partitionIdOf } from "../../windows/watermark.ts";
import {
  createAnalyzerGroupState,
  processRecords,
  type AnalyzerGroup,
  type AnalyzerGroupState,
  type InputRecord,
  type LateRecord,
} from "../analyzerGroup.ts";

export type AnalyzerRunnerDeps = {
  kafka: Kafka;
  resolver: SchemaResolver;
  catalogue: TopicCatalogue;
  /** Logical derived topic → its registered Avro contract. */
  derivedRegistrations: ReadonlyMap<string, TopicRegistration>;
  logger: Logger;
};

export type AnalyzerRunner = {
  groupId: string;
  /** Cluster names of the topics the group reads. */
  inputTopics: string[];
  start: () => Promise<void>;
  stop: () => Promise<void>;
  stats: () => { warmedUp: number; processed: number; derived: number; late: number };
};

type PartitionProgress = { committed: bigint; next: bigint };

/** Late records go to the side topic as JSON: they explain a correction; they are not a contract to decode. */
export const lateEventsTopic = "witness.late-events";

const lateRecordMessage = (record: LateRecord): Message => ({
  key: record.event_id,
  value: JSON.stringify(record),
  headers: { "content-type": "application/json" },
});

/**
 * Runs one analyzer group as a Kafka consumer group, exactly once:
 *
 * - The group's state lives in memory and is a pure function of its input, so
 *   at every (re)join it is rebuilt by reading the inputs from the earliest
 *   offset; records below the committed offsets only warm the state up (their
 *   results were committed by an earlier transaction).
 * - Records at or past the committed offsets are live: their derived events,
 *   late records and the next input offset are written in ONE Kafka transaction
 *   (`sendOffsets`), so a crash never loses or duplicates a derived event.
 * - State only advances after the transaction committed: a failed batch is
 *   retried against the state it was first computed from.
 *
 * The group runs as a single member: its watermark is the minimum over all
 * input partitions, so one instance must see them all.
 */
export const createAnalyzerRunner = (deps: AnalyzerRunnerDeps, group: AnalyzerGroup): AnalyzerRunner => {
  const groupId = `${deps.catalogue.prefix}${group.name}`;
  const log = deps.logger.child({ component: "analyzer", group: groupId });
  const inputTopics = group.inputTopics.map((logical) => ({ logical, cluster: clusterTopicName(deps.catalogue, logical) }));
  const lateTopic = deps.catalogue.topics.find((t) => t.logicalName === lateEventsTopic)?.name;
  const consumer: Consumer = deps.kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, retry: { retries: 10 } });
  const producer: Producer = deps.kafka.producer({
    transactionalId: `${groupId}-tx`,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const counts = { warmedUp: 0, processed: 0, derived: 0, late: 0 };
  let state: AnalyzerGroupState | undefined;
  let progress = new Map<string, PartitionProgress>();
  /** Partitions held back until every partition has warmed up. */
  const paused = new Set<string>();
  const isWarmExcept = (key: string) => [...progress].every(([k, p]) => k === key || p.next >= p.committed);
  const resumeWhenWarm = () => {
    if (paused.size === 0 || !isWarmExcept("")) return;
    consumer.resume([...paused].map((k) => ({ topic: k.slice(0, k.lastIndexOf(":")), partitions: [Number(k.slice(k.lastIndexOf(":") + 1))] })));
    paused.clear();
  };
  /** Settles once the latest join has loaded offsets and reset the state; batches wait for it. */
  let ready: Promise<void> = Promise.resolve();

  /** Committed offsets (where live work resumes) and earliest offsets (where warm-up starts) of every input partition. */
  const loadProgress = async (): Promise<Map<string, PartitionProgress>> => {
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      const loaded = new Map<string, PartitionProgress>();
      const committed = await admin.fetchOffsets({ groupId, topics: inputTopics.map((t) => t.cluster) });
      for (const { cluster } of inputTopics) {
        const low = await admin.fetchTopicOffsets(cluster);
        const committedOf = new Map((committed.find((c) => c.topic === cluster)?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        for (const { partition, low: earliest } of low) {
          const from = BigInt(earliest);
          const done = committedOf.get(partition) ?? -1n;
          loaded.set(`${cluster}:${partition}`, { committed: done < 0n ? from : done, next: from });
        }
      }
      return loaded;
    } finally {
      await admin.disconnect();
    }
  };

  const resetState = (loaded: Map<string, PartitionProgress>) => {
    progress = loaded;
    const partitionIds = [...loaded.keys()].map((key) => {
      const [cluster, partition] = [key.slice(0, key.lastIndexOf(":")), Number(key.slice(key.lastIndexOf(":") + 1))];
      return partitionIdOf(logicalTopicName(deps.catalogue, cluster)!, partition);
    });
    state = createAnalyzerGroupState(group, partitionIds);
  };

  const decodeRecords = async (batch: EachBatchPayload["batch"], fromOffset: bigint): Promise<InputRecord[]> => {
    const logical = logicalTopicName(deps.catalogue, batch.topic)!;
    const family = deps.catalogue.topics.find((t) => t.name === batch.topic)?.family;
    if (!family) throw internalError("analyzer.input", `Analyzer group ${groupId} reads ${batch.topic}, which is not a raw topic.`);
    const records: InputRecord[] = [];
    for (const message of batch.messages) {
      if (BigInt(message.offset) < fromOffset) continue;
      try {
        const event = await decodeEvent(deps.resolver, message.value, rawFamilies[family].topicEventSchema);
        records.push({ topic: logical, partition: batch.partition, offset: Number(message.offset), event });
      } catch (error) {
        // The projector dead-letters bad input; analyzers only skip it.
        if (!isPoison(error)) throw error;
      }
    }
    return records;
  };

  const emit = async (derived: readonly DerivedEvent[], late: readonly LateRecord[], topic: string, partition: number, nextOffset: bigint) => {
    const byTopic = new Map<string, Message[]>();
    for (const event of derived) {
      const registration = deps.derivedRegistrations.get(derivedTopicOfType(event.type) ?? "");
      if (!registration) throw internalError("analyzer.output", `No registered topic for derived event type ${event.type}.`);
      byTopic.set(registration.topic, [...(byTopic.get(registration.topic) ?? []), encodeDerivedEvent(registration, event)]);
    }
    if (lateTopic && late.length > 0) byTopic.set(lateTopic, late.map(lateRecordMessage));
    const transaction = await producer.transaction();
    try {
      for (const [outputTopic, messages] of byTopic) await transaction.send({ topic: outputTopic, messages, acks: -1 });
      await transaction.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition, offset: nextOffset.toString() }] }] });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch((abortError: unknown) => log.warn({ err: abortError }, "aborting the transaction failed"));
      throw error;
    }
  };

  const analyzeBatch = async ({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload) => {
    await ready;
    if (!isRunning() || isStale() || batch.messages.length === 0 || !state) return;
    const key = `${batch.topic}:${batch.partition}`;
    const at = progress.get(key);
    if (!at) throw internalError("analyzer.assignment", `Partition ${key} was not known when group ${groupId} joined.`);
    const first = BigInt(batch.messages[0]!.offset);
    if (first > at.next) {
      // A fetch from the committed offset raced the seek to the earliest one: go back and read what warm-up needs.
      consumer.seek({ topic: batch.topic, partition: batch.partition, offset: at.next.toString() });
      return;
    }
    const records = await decodeRecords(batch, at.next);
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const lastOffset = BigInt(last);
    if (lastOffset < at.next) return resolveOffset(last);
    const warm = records.filter((r) => BigInt(r.offset) < at.committed);
    const live = records.filter((r) => BigInt(r.offset) >= at.committed);
    let next = processRecords(group, state, warm).state;
    counts.warmedUp += warm.length;
    if (lastOffset < at.committed) {
      progress.set(key, { ...at, next: lastOffset + 1n });
    } else if (!isWarmExcept(key)) {
      // Live work waits until every partition is warm: only then is the state the
      // one the last committed transaction saw, so results held back during
      // warm-up are exactly those already committed.
      progress.set(key, { ...at, next: at.committed });
      state = next;
      if (at.committed > BigInt(batch.messages[0]!.offset)) resolveOffset((at.committed - 1n).toString());
      consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
      consumer.seek({ topic: batch.topic, partition: batch.partition, offset: at.committed.toString() });
      paused.add(key);
      return;
    } else {
      const result = processRecords(group, next, live);
      await emit(result.derived, result.late, batch.topic, batch.partition, lastOffset + 1n);
      next = result.state;
      counts.processed += live.length;
      counts.derived += result.derived.length;
      counts.late += result.late.length;
      progress.set(key, { committed: lastOffset + 1n, next: lastOffset + 1n });
      if (result.derived.length > 0) log.debug({ derived: result.derived.length, late: result.late.length }, "derived events committed");
    }
    state = next;
    resolveOffset(last);
    resumeWhenWarm();
    await heartbeat();
  };

  return {
    groupId,
    inputTopics: inputTopics.map((t) => t.cluster),
    start: async () => {
      await producer.connect();
      await consumer.connect();
      consumer.on(consumer.events.GROUP_JOIN, () => {
        // Every (re)join rebuilds the state from the earliest offsets; see above.
        state = undefined;
        ready = loadProgress().then(
          (loaded) => {
            resetState(loaded);
            if (paused.size > 0) {
              consumer.resume([...paused].map((k) => ({ topic: k.slice(0, k.lastIndexOf(":")), partitions: [Number(k.slice(k.lastIndexOf(":") + 1))] })));
              paused.clear();
            }
            for (const [key, { next }] of loaded) {
              const cut = key.lastIndexOf(":");
              consumer.seek({ topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset: next.toString() });
            }
            log.info({ partitions: loaded.size }, "joined: rebuilding state from the earliest offsets, live from the committed ones");
          },
          (error: unknown) => log.error({ err: error }, "could not read the group's offsets; the consumer will retry on the next join"),
        );
      });
      for (const { cluster } of inputTopics) await consumer.subscribe({ topic: cluster, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: analyzeBatch });
    },
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
    stats: () => ({ ...counts }),
  };
};
