import { existsSync, rmSync } from "node:fs";
import type { Kafka } from "kafkajs";
import type { SchemaResolver } from "../codec/schemaResolver.ts";
import { userError } from "../errors/witnessError.ts";
import type { Logger } from "../observability/logger.ts";
import { openDuckdbStore, type ProjectionStore } from "../projection/duckdbStore.ts";
import { collectCommit, commitPartition, decodeMessages } from "../projection/projectBatch.ts";
import type { ProjectedTopic } from "../projection/projector.ts";
import { asOfNextOffset, initialAsOfState, selectAsOf, type AsOfPartitionState } from "./asOf.ts";
import { capturePartitionRanges, rangeKey } from "./partitionRanges.ts";
import { readRanges } from "./rangeReader.ts";
import type { PartitionTallyJson } from "./replayManifest.ts";

export type RebuildDeps = { kafka: Kafka; resolver: SchemaResolver; logger: Logger };

export type RebuildOptions = {
  /** The projection name under which offsets and dead letters are stored: the live projector's, so the file can be swapped in. */
  projection: string;
  topics: readonly ProjectedTopic[];
  /** Topics (cluster names) of derived events; the others are raw. */
  derivedTopics?: ReadonlySet<string>;
  /** A fresh file: the rebuild refuses to write into an existing one. */
  outPath: string;
  /** A consumer group of the replay's own. */
  groupId: string;
  /** Start at the first record whose Kafka (producer) timestamp is ≥ this, instead of the earliest offset. */
  fromTimestampMs?: number;
  /** Build the state as of this event time (see asOf.ts). */
  asOfMs?: number;
  onProgress?: (done: bigint, total: bigint) => void;
  signal?: AbortSignal;
  stallTimeoutMs?: number;
};

export type RebuildResult = { outPath: string; partitions: PartitionTallyJson[]; elapsedMs: number };

type Tally = { records: number; ticks: number; excluded: number; asOf: AsOfPartitionState };

/**
 * Rebuilds a projection into a fresh DuckDB file from the topics, without
 * disturbing the live projector: the end offset of every partition is captured
 * first, then a consumer group of the replay's own reads up to exactly those
 * offsets through the projector's own decode → validate → commit path (dead
 * letters are recorded in the file but not published again). On success the
 * store is left open for verification; on failure the partial file is removed.
 */
export const rebuildProjection = async (deps: RebuildDeps, options: RebuildOptions): Promise<RebuildResult & { store: ProjectionStore }> => {
  const log = deps.logger.child({ component: "replay", out: options.outPath });
  if (existsSync(options.outPath) || existsSync(`${options.outPath}.wal`)) {
    throw userError("replay.out_exists", `${options.outPath} exists; a replay writes a fresh file. Choose another --out or remove it.`);
  }
  const startedAt = Date.now();
  const byTopic = new Map(options.topics.map((t) => [t.topic, t]));
  const ranges = await capturePartitionRanges(deps.kafka, [...byTopic.keys()], { fromTimestampMs: options.fromTimestampMs });
  log.info({ ranges: ranges.map((r) => ({ ...r, start: r.start.toString(), end: r.end.toString() })) }, "captured the end offsets");
  const tallies = new Map<string, Tally>(ranges.map((r) => [rangeKey(r), { records: 0, ticks: 0, excluded: 0, asOf: initialAsOfState }]));
  const isAsOf = options.asOfMs !== undefined;
  const expectedNextOffset = (end: bigint, tally: Tally): bigint | null => (isAsOf ? asOfNextOffset(tally.asOf, end) : end === 0n ? null : end);

  const store = await openDuckdbStore(options.outPath);
  try {
    await readRanges(deps.kafka, {
      groupId: options.groupId,
      ranges,
      logger: deps.logger,
      signal: options.signal,
      stallTimeoutMs: options.stallTimeoutMs,
      onProgress: options.onProgress,
      onBatch: async ({ topic, partition, messages, nextOffset }) => {
        const spec = byTopic.get(topic)!;
        const tally = tallies.get(rangeKey({ topic, partition }))!;
        const decoded = await decodeMessages(deps.resolver, spec, { topic, partition, group: options.groupId }, messages);
        tally.records += messages.length;
        let included = decoded;
        let next = nextOffset;
        if (isAsOf) {
          const selected = selectAsOf(decoded, options.asOfMs!, tally.asOf);
          tally.asOf = selected.state;
          tally.excluded += selected.excluded;
          included = selected.included;
          if (included.length === 0) return;
          next = BigInt(included[included.length - 1]!.offset) + 1n;
        }
        const commit = collectCommit(topic, partition, included, next);
        tally.ticks += commit.ticks;
        await commitPartition(store, options.projection, spec, commit);
      },
    });

    // A full rebuild ends every partition at its captured end offset, also one whose
    // tail is transaction markers (never handed to a batch) or that held no record;
    // an as-of rebuild where an in-order projector would have stopped (asOf.ts).
    const stored = await store.readCheckpoints(options.projection);
    for (const range of ranges) {
      const expected = expectedNextOffset(range.end, tallies.get(rangeKey(range))!);
      if (expected === null || stored.get(rangeKey(range)) === expected) continue;
      await store.withTransaction(options.projection, (tx) =>
        tx.saveCheckpoint({ topic: range.topic, partition: range.partition, nextOffset: expected, maxEventTime: null }),
      );
    }
  } catch (error) {
    await store.close().catch(() => undefined);
    rmSync(options.outPath, { force: true });
    rmSync(`${options.outPath}.wal`, { force: true });
    throw error;
  }

  const partitions: PartitionTallyJson[] = ranges.map((range) => {
    const tally = tallies.get(rangeKey(range))!;
    const expected = expectedNextOffset(range.end, tally);
    return {
      topic: range.topic,
      role: options.derivedTopics?.has(range.topic) ? "derived" : "raw",
      partition: range.partition,
      start: range.start.toString(),
      end: range.end.toString(),
      records: tally.records,
      ticks: tally.ticks,
      excluded: tally.excluded,
      expectedNextOffset: expected === null ? null : expected.toString(),
    };
  });
  return { outPath: options.outPath, partitions, elapsedMs: Date.now() - startedAt, store };
};
