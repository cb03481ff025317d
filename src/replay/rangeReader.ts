import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { externalError, userError } from "../errors/witnessError.ts";
import type { Logger } from "../observability/logger.ts";
import { nextOffsetAfter } from "../projection/projectBatch.ts";
import { rangeKey, rangeSize, type PartitionRange } from "./partitionRanges.ts";

/** Messages of one partition below its range's end, and the offset after them (transaction markers included). */
export type RangeBatch = { topic: string; partition: number; messages: KafkaMessage[]; nextOffset: bigint };

export type ReadRangesOptions = {
  /** A consumer group of its own: the live projector's group and offsets are never touched. */
  groupId: string;
  ranges: readonly PartitionRange[];
  /** Called in offset order per partition; the reader waits for it before it moves on. */
  onBatch: (batch: RangeBatch) => Promise<void>;
  /** Offsets behind the reader so far, over every range. */
  onProgress?: (done: bigint, total: bigint) => void;
  signal?: AbortSignal;
  /** Fail when no partition moves for this long (a hung transaction holds read_committed readers back). */
  stallTimeoutMs?: number;
  logger: Logger;
};

/**
 * Reads every partition from its range's start up to exactly its end, then
 * stops. The group commits nothing to Kafka and is deleted afterwards.
 */
export const readRanges = async (kafka: Kafka, options: ReadRangesOptions): Promise<void> => {
  const log = options.logger.child({ component: "replay-reader", group: options.groupId });
  const byKey = new Map(options.ranges.map((r) => [rangeKey(r), r]));
  const positions = new Map(options.ranges.map((r) => [rangeKey(r), r.start]));
  const total = rangeSize(options.ranges);
  const doneSoFar = () => options.ranges.reduce((sum, r) => sum + (positions.get(rangeKey(r))! - r.start), 0n);
  const isComplete = () => options.ranges.every((r) => positions.get(rangeKey(r))! >= r.end);
  options.onProgress?.(doneSoFar(), total);
  if (isComplete()) return;

  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // A failure before the reader awaits `finished` (abort while connecting) must not count as unhandled.
  finished.catch(() => undefined);
  let failure: unknown;
  let lastMoveAt = Date.now();
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error;
    settle.reject(error);
  };
  const advance = (key: string, next: bigint) => {
    const range = byKey.get(key)!;
    const bounded = next > range.end ? range.end : next;
    if (bounded <= positions.get(key)!) return;
    positions.set(key, bounded);
    lastMoveAt = Date.now();
    options.onProgress?.(doneSoFar(), total);
    if (isComplete()) settle.resolve();
  };
  /** Partitions whose batch is being handled, and filtered fetches that arrived meanwhile. */
  const busy = new Set<string>();
  const filteredWhileBusy = new Map<string, bigint>();

  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: 4 * 1_048_576,
    retry: { retries: 10 },
  });

  const handleBatch = async ({ batch, isRunning, isStale, pause }: EachBatchPayload) => {
    const key = rangeKey(batch);
    const range = byKey.get(key);
    if (!range || failure !== undefined) return void pause();
    if (!isRunning() || isStale()) return;
    const position = positions.get(key)!;
    if (position >= range.end) return void pause();
    const nextOffset = nextOffsetAfter(batch) > range.end ? range.end : nextOffsetAfter(batch);
    if (nextOffset <= position) return;
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= position && BigInt(m.offset) < range.end);
    busy.add(key);
    try {
      await options.onBatch({ topic: batch.topic, partition: batch.partition, messages, nextOffset });
    } catch (error) {
      fail(error);
      return;
    } finally {
      busy.delete(key);
    }
    advance(key, nextOffset);
    const filtered = filteredWhileBusy.get(key);
    if (filtered !== undefined) {
      filteredWhileBusy.delete(key);
      advance(key, filtered);
    }
    if (positions.get(key)! >= range.end) pause();
  };

  const stallTimeoutMs = options.stallTimeoutMs ?? 5 * 60_000;
  const watchdog = setInterval(() => {
    if (Date.now() - lastMoveAt < stallTimeoutMs) return;
    const behind = options.ranges.filter((r) => positions.get(rangeKey(r))! < r.end).map((r) => `${rangeKey(r)} at ${positions.get(rangeKey(r))} of ${r.end}`);
    fail(externalError("replay.stalled", `The replay read nothing for ${Math.round(stallTimeoutMs / 1000)} s; still behind: ${behind.join(", ")}. An open transaction on these partitions holds read_committed readers back; retry when it ends.`));
  }, Math.min(5_000, stallTimeoutMs));
  const onAbort = () => fail(userError("replay.aborted", "The replay was interrupted; the partial file is left as it is and is not verified."));
  options.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    await consumer.connect();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const position = positions.get(rangeKey({ topic, partition }));
          if (position !== undefined) consumer.seek({ topic, partition, offset: position.toString() });
        }
      }
      log.debug({ assignment: payload.memberAssignment }, "reading the captured ranges");
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A fetch of only transaction markers or aborted records never reaches eachBatch, yet moves the position.
      if (payload.batchSize !== 0) return;
      const key = rangeKey(payload);
      if (!byKey.has(key)) return;
      const next = BigInt(payload.lastOffset) + 1n;
      if (busy.has(key)) filteredWhileBusy.set(key, next > (filteredWhileBusy.get(key) ?? 0n) ? next : filteredWhileBusy.get(key)!);
      else advance(key, next);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(externalError("replay.consumer", `The replay consumer stopped: ${payload.error.message}`, payload.error));
    });
    const topics = [...new Set(options.ranges.map((r) => r.topic))];
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: handleBatch });
    await finished;
  } finally {
    clearInterval(watchdog);
    options.signal?.removeEventListener("abort", onAbort);
    await consumer.disconnect().catch((error: unknown) => log.warn({ err: error }, "could not disconnect the replay consumer"));
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([options.groupId]))
      .catch((error: unknown) => log.warn({ err: error }, "could not delete the replay's consumer group; it holds no offsets and expires on its own"))
      .finally(() => admin.disconnect());
  }
};
