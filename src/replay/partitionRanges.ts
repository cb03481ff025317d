import type { Kafka } from "kafkajs";
import { externalError } from "../errors/witnessError.ts";

/** The offsets of one topic-partition a replay reads: [start, end). */
export type PartitionRange = { topic: string; partition: number; start: bigint; end: bigint };

export const rangeKey = (range: { topic: string; partition: number }): string => `${range.topic}:${range.partition}`;

export const rangeSize = (ranges: readonly PartitionRange[]): bigint => ranges.reduce((sum, r) => sum + (r.end - r.start), 0n);

/**
 * Captures, at the start of a replay, the end offset (high watermark) of every
 * partition of `topics`, and where to start: the earliest offset still on the
 * broker, or the first record whose Kafka timestamp is ≥ `fromTimestampMs`.
 * Records produced after the capture are left to the live projector.
 */
export const capturePartitionRanges = async (kafka: Kafka, topics: readonly string[], options: { fromTimestampMs?: number } = {}): Promise<PartitionRange[]> => {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const ranges: PartitionRange[] = [];
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const fromTimestamp = options.fromTimestampMs === undefined ? undefined : await admin.fetchTopicOffsetsByTimestamp(topic, options.fromTimestampMs);
      for (const { partition, high, low } of offsets) {
        const end = BigInt(high);
        const byTime = fromTimestamp?.find((p) => p.partition === partition)?.offset;
        const earliest = BigInt(low);
        // A timestamp after every record answers with the end offset; never start past the captured end.
        const start = byTime === undefined ? earliest : BigInt(byTime) > earliest ? BigInt(byTime) : earliest;
        ranges.push({ topic, partition, start: start > end ? end : start, end });
      }
    }
    return ranges.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  } catch (cause) {
    throw externalError("replay.offsets", `Cannot read the offsets of ${topics.join(", ")}: ${(cause as Error).message}`, cause);
  } finally {
    await admin.disconnect();
  }
};
