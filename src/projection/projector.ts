import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { z } from "zod";
import type { DeadLetterSink } from "../codec/deadLetterSink.ts";
import type { SchemaResolver } from "../codec/schemaResolver.ts";
import type { Logger } from "../observability/logger.ts";
import type { Column, KafkaPosition } from "./columns.ts";
import { checkpointKey, type ProjectionStore, type ProjectionTransaction } from "./duckdbStore.ts";
import { collectCommit, commitPartition, decodeMessages, nextOffsetAfter } from "./projectBatch.ts";

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

export type ResumeOptions = {
  /**
   * Per topic-partition (checkpointKey), the offset below which this process
   * already published dead letters: re-projecting those records (after a swap
   * to a file that is behind) records them in DuckDB without publishing twice.
   */
  deadLetteredBefore?: ReadonlyMap<string, bigint>;
};

export type Projector = {
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** Leaves the group once the batch in flight has committed; nothing is read until `resume`. */
  pause: () => Promise<void>;
  /** Reads the stored offsets again (the store may hold another file now) and rejoins the group from them. */
  resume: (options?: ResumeOptions) => Promise<void>;
  /** The stored offsets this projector last read or committed (checkpointKey → next offset). */
  checkpoints: () => ReadonlyMap<string, bigint>;
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
  let consumer: Consumer | undefined;
  let checkpoints = new Map<string, bigint>();
  let deadLetteredBefore: ReadonlyMap<string, bigint> = new Map();
  const counts = { projected: 0, deadLettered: 0, ticks: 0 };
  /** Batches and checkpoint moves under way: pausing waits for them so no transaction outlives its store. */
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };

  const projectBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const spec = byTopic.get(batch.topic);
    if (!spec) throw new Error(`no projection for topic ${batch.topic}`);
    const key = checkpointKey(batch.topic, batch.partition);
    const stored = checkpoints.get(key) ?? -1n;
    const fresh = batch.messages.filter((m) => BigInt(m.offset) >= stored);
    if (fresh.length === 0) return;

    const decoded = await decodeMessages(deps.resolver, spec, { topic: batch.topic, partition: batch.partition, group: options.groupId }, fresh);
    const commit = collectCommit(batch.topic, batch.partition, decoded, nextOffsetAfter(batch));
    for (const letter of commit.letters) {
      log.warn({ topic: batch.topic, partition: batch.partition, offset: letter.source.offset, reason: letter.reason, detail: letter.detail }, "dead-lettering a message");
    }
    // Dead letters are on the broker before the offsets move past them: nothing is lost.
    const sentBefore = deadLetteredBefore.get(key) ?? 0n;
    await deps.deadLetters.send(commit.letters.filter((l) => BigInt(l.source.offset) >= sentBefore));
    await commitPartition(deps.store, options.projection, spec, commit);
    checkpoints.set(key, commit.nextOffset);
    counts.projected += commit.events.length;
    counts.deadLettered += commit.letters.length;
    counts.ticks += commit.ticks;
    resolveOffset(fresh[fresh.length - 1]!.offset);
    await heartbeat();
  };

  /**
   * A fetch that holds only transaction markers (or aborted records) never
   * reaches eachBatch; the stored offset still moves past it, so it always
   * equals the consumer's position.
   */
  const skipFilteredBatch = async (topic: string, partition: number, lastOffset: string) => {
    const key = checkpointKey(topic, partition);
    const nextOffset = BigInt(lastOffset) + 1n;
    if (nextOffset <= (checkpoints.get(key) ?? -1n)) return;
    await deps.store.withTransaction(options.projection, (tx) => tx.saveCheckpoint({ topic, partition, nextOffset, maxEventTime: null }));
    checkpoints.set(key, nextOffset);
  };

  const join = async (resumeOptions: ResumeOptions = {}) => {
    checkpoints = await deps.store.readCheckpoints(options.projection);
    deadLetteredBefore = resumeOptions.deadLetteredBefore ?? new Map();
    const current: Consumer = deps.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 1_048_576,
      retry: { retries: 10 },
    });
    consumer = current;
    await current.connect();
    current.on(current.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const next = checkpoints.get(checkpointKey(topic, partition));
          if (next !== undefined) current.seek({ topic, partition, offset: next.toString() });
        }
      }
      log.info({ assignment: payload.memberAssignment }, "partitions assigned; resuming from DuckDB offsets");
    });
    current.on(current.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize !== 0 || consumer !== current) return;
      track(skipFilteredBatch(payload.topic, payload.partition, payload.lastOffset)).catch((error: unknown) =>
        log.warn({ err: error, topic: payload.topic, partition: payload.partition }, "could not store the offset past transaction markers; the next batch stores it"),
      );
    });
    for (const spec of options.topics) await current.subscribe({ topic: spec.topic, fromBeginning: true });
    await current.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: (payload) => track(projectBatch(payload)) });
  };

  const leave = async () => {
    const current = consumer;
    consumer = undefined;
    await current?.disconnect();
    await Promise.allSettled([...inFlight]);
  };

  return {
    start: () => join(),
    stop: leave,
    pause: async () => {
      await leave();
      log.info({ checkpoints: Object.fromEntries([...checkpoints].map(([k, v]) => [k, v.toString()])) }, "paused");
    },
    resume: (resumeOptions) => join(resumeOptions),
    checkpoints: () => new Map(checkpoints),
    stats: () => ({ ...counts }),
  };
};
