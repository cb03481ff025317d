import type { PartitionTallyJson } from "./replayManifest.ts";
import { deadLettersPerTopic, recordsWithRows, storedOffsets, tableChecksums, type RunSql, type TableChecksum } from "./tableChecksums.ts";

export type OffsetCheck = { topic: string; partition: number; end: bigint; expected: bigint | null; stored: bigint | null; isOk: boolean };

/**
 * Per topic: records read = ticks + records left out by --as-of + records that
 * left a row + dead letters + records not kept. Ticks are recognised when
 * decoded (type `witness.clock.tick`): they move `max_event_time` and make no
 * row. A raw topic keeps every record (not kept must be 0); a derived topic
 * may not keep a record whose (id, revision) is already there or whose rows
 * the projection's retention removed (not kept ≥ 0, reported). `gaps` are
 * offsets in the range without a data record (transaction markers, aborted
 * or compacted records): reported, not an error.
 */
export type TopicReconciliation = {
  topic: string;
  role: "raw" | "derived";
  offsets: bigint;
  records: number;
  ticks: number;
  excluded: number;
  rows: number;
  deadLetters: number;
  notKept: number;
  gaps: bigint;
  isOk: boolean;
};

export type Verification = { isOk: boolean; offsets: OffsetCheck[]; topics: TopicReconciliation[]; checksums: TableChecksum[] };

/** Checks a rebuilt file against what its rebuild read: stored offsets, row counts, and a checksum per table. */
export const verifyRebuild = async (run: RunSql, projection: string, partitions: readonly PartitionTallyJson[]): Promise<Verification> => {
  const stored = await storedOffsets(run, projection);
  const offsets: OffsetCheck[] = partitions.map((p) => {
    const expected = p.expectedNextOffset === null ? null : BigInt(p.expectedNextOffset);
    const actual = stored.get(`${p.topic}:${p.partition}`) ?? null;
    return { topic: p.topic, partition: p.partition, end: BigInt(p.end), expected, stored: actual, isOk: actual === expected };
  });
  const rows = await recordsWithRows(run);
  const letters = await deadLettersPerTopic(run, projection);
  const topics: TopicReconciliation[] = [...new Set(partitions.map((p) => p.topic))].map((topic) => {
    const of = partitions.filter((p) => p.topic === topic);
    const sum = (pick: (p: PartitionTallyJson) => number) => of.reduce((n, p) => n + pick(p), 0);
    const offsetCount = of.reduce((n, p) => n + BigInt(p.end) - BigInt(p.start), 0n);
    const records = sum((p) => p.records);
    const ticks = sum((p) => p.ticks);
    const excluded = sum((p) => p.excluded);
    const rowCount = rows.get(topic) ?? 0;
    const deadLetters = letters.get(topic) ?? 0;
    const notKept = records - ticks - excluded - rowCount - deadLetters;
    const role = of[0]!.role;
    return {
      topic,
      role,
      offsets: offsetCount,
      records,
      ticks,
      excluded,
      rows: rowCount,
      deadLetters,
      notKept,
      gaps: offsetCount - BigInt(records),
      isOk: role === "raw" ? notKept === 0 : notKept >= 0,
    };
  });
  const checksums = await tableChecksums(run);
  return { isOk: offsets.every((o) => o.isOk) && topics.every((t) => t.isOk), offsets, topics, checksums };
};
