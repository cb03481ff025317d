import type { Kafka } from "kafkajs";

/** True once consumer group `groupId` has committed offsets at the end of every non-empty partition of `topics`. */
export const hasGroupCaughtUp = async (kafka: Kafka, groupId: string, topics: readonly string[]): Promise<boolean> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const done = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      if (ends.some((e) => Number(e.high) > 0 && (done.get(e.partition) ?? -1) < Number(e.high))) return false;
    }
    return true;
  } finally {
    await admin.disconnect();
  }
};
