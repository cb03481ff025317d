import type { Kafka } from "kafkajs";
import type { ProjectionStore } from "./duckdbStore.ts";

export type EndOffsets = Map<string, bigint>;

/** The log end offset of every partition of `topics`, keyed `topic:partition`. */
export const readEndOffsets = async (kafka: Kafka, topics: readonly string[]): Promise<EndOffsets> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: EndOffsets = new Map();
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, BigInt(p.high));
    return ends;
  } finally {
    await admin.disconnect();
  }
};

/** True once the projection's stored offsets have reached `ends` on every partition (empty partitions count as reached). */
export const hasProjectionReached = async (store: ProjectionStore, projection: string, ends: EndOffsets): Promise<boolean> => {
  const stored = await store.readCheckpoints(projection);
  return [...ends].every(([key, end]) => end === 0n || (stored.get(key) ?? 0n) >= end);
};
