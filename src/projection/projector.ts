import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { z } from "zod";
import type { KafkaHeaders } from "../codec/cloudEventHeaders.ts";
import type { DeadLetterEntry, DeadLetterSink } from "../codec/deadLetterSink.ts";
import { decodeEvent, isPoison } from "../codec/eventCodec.ts";
import type { SchemaResolver } from "../codec/schemaResolver.ts";
import { eventTypes } from "../events/envelope.ts";
import type { Logger } from "../observability/logger.ts";
import type { Column, KafkaPosition } from "./columns.ts";
import { checkpointKey, type ProjectionStore, type ProjectionTransaction } from "./duckdbStore.ts";

/** How one topic is projected: validate with `schema`, then either append rows or apply custom SQL. */
export type ProjectedTopic = {
  topic: string;
  schema: z.ZodType<{ type: string; time: string }>;
  project: (tx: ProjectionTransaction, events: readonly { event: { type: string; time: string }; position: KafkaPosition }[]) => Promise<void>;
};

export const appendRowsTo =
  <E>(table: string, columns: readonly Column<E>[]): ProjectedTopic["project"] =>
  (tx, events) =>
    tx.append(table, columns, events as unknown as { event: E; position: KafkaPosition }[]);

export type ProjectorDeps = {
  kafka: Kafka;
  resolver: SchemaResolver;
  store: ProjectionStore;
  deadLetters: DeadLetterSink;
  logger: Logger;
};

export type ProjectorOptions = {
  /** Name of the projection in DuckDB's offset table; also the default consumer group. */
  projection: string;
  groupId: string;
  topics: readonly ProjectedTopic[];
};

export type Projector = {
  start: () => Promise<void>;
  /** Resolves once every assigned partition has reached `endOffsets` (topic → partition → offset). */
  stop: () => Promise<void>;
  stats: () => { projected: number; deadLettered: number; ticks: number };
};

/**
 * Consumer group → decode through the registry → zod → DuckDB. The next offset
 * of every topic-partition is stored in DuckDB in the same transaction as the
 * rows, and on assignment the consumer seeks there: exactly once into DuckDB
 * without trusting Kafka commits (the group never commits to Kafka).
 */
export const createProjector = (deps: ProjectorDeps, options: ProjectorOptions): Projector => {
  const log = deps.logger.child({ component: "projector", projection: options.projection });
  const byTopic = new Map(options.topics.map((t) => [t.topic, t]));
  const consumer: Consumer = deps.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: 1_048_576,
    retry: { retries: 10 },
  });
  let checkpoints = new Map<string, bigint>();
  const counts = { projected: 0, deadLettered: 0, ticks: 0 };

  const projectBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const spec = byTopic.get(batch.topic);
    if (!spec) throw new Error(`no projection for topic ${batch.topic}`);
    const key = checkpointKey(batch.topic, batch.partition);
    const stored = checkpoints.get(key) ?? -1n;
    const fresh = batch.messages.filter((m) => BigInt(m.offset) >= stored);
    if (fresh.length === 0) return;

    const events: { event: { type: string; time: string }; position: KafkaPosition }[] = [];
    const letters: DeadLetterEntry[] = [];
    let maxEventTime: string | null = null;
    let ticks = 0;
    for (const message of fresh) {
      const position = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      try {
        const event = await decodeEvent(deps.resolver, message.value, spec.schema);
        if (maxEventTime === null || Date.parse(event.time) > Date.parse(maxEventTime)) maxEventTime = event.time;
        if (event.type === eventTypes.clockTick) ticks += 1;
        else events.push({ event, position });
      } catch (error) {
        if (!isPoison(error)) throw error; // registry or broker trouble: retry the batch, never dead-letter good data
        letters.push({
          original: { key: message.key, value: message.value, headers: message.headers as KafkaHeaders },
          source: { ...position, group: options.groupId },
          reason: error.code,
          detail: error.message,
        });
        log.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset, reason: error.code, detail: error.message }, "dead-lettering a message");
      }
    }

    // Dead letters are on the broker before the offsets move past them: nothing is lost.
    await deps.deadLetters.send(letters);
    const last = fresh[fresh.length - 1]!;
    const nextOffset = BigInt(last.offset) + 1n;
    await deps.store.withTransaction(options.projection, async (tx) => {
      await spec.project(tx, events);
      await tx.recordDeadLetters(letters.map((l) => ({ ...l.source, reason: l.reason, detail: l.detail })));
      await tx.saveCheckpoint({ topic: batch.topic, partition: batch.partition, nextOffset, maxEventTime });
    });
    checkpoints.set(key, nextOffset);
    counts.projected += events.length;
    counts.deadLettered += letters.length;
    counts.ticks += ticks;
    resolveOffset(last.offset);
    await heartbeat();
  };

  return {
    start: async () => {
      checkpoints = await deps.store.readCheckpoints(options.projection);
      await consumer.connect();
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          for (const partition of partitions) {
            const next = checkpoints.get(checkpointKey(topic, partition));
            if (next !== undefined) consumer.seek({ topic, partition, offset: next.toString() });
          }
        }
        log.info({ assignment: payload.memberAssignment }, "partitions assigned; resuming from DuckDB offsets");
      });
      for (const spec of options.topics) await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: projectBatch });
    },
    stop: async () => {
      await consumer.disconnect();
    },
    stats: () => ({ ...counts }),
  };
};
