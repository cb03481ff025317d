import type { Kafka } from "kafkajs";
import { frameWire } from "../../src/codec/wireFormat.ts";
import type { ProjectionStore } from "../../src/projection/duckdbStore.ts";
import { capturePartitionRanges, rangeKey } from "../../src/replay/partitionRanges.ts";
import { tableChecksums, type TableChecksum } from "../../src/replay/tableChecksums.ts";
import type { TopicRegistration } from "../../src/ingest/schemaRegistration.ts";
import { waitFor } from "./isolatedWitness.ts";
import { sampleOperation } from "./sampleEvents.ts";

/** Undecodable or invalid messages for an operations topic, cycling through the dead-letter reasons. */
export const poisonMessages = (registration: TopicRegistration, count: number, label: string): { key: string; value: Buffer }[] =>
  Array.from({ length: count }, (_, i) => {
    const key = `poison-${label}-${i}`;
    if (i % 3 === 0) return { key, value: Buffer.from(`{"json":"not avro","n":${i}}`) };
    if (i % 3 === 1) return { key, value: frameWire(2_000_000_000 + i, Buffer.from([2, 4, 6])) };
    const event = sampleOperation(i, `neg-${label}`);
    return { key, value: frameWire(registration.schemaId, registration.type.toBuffer({ ...event, data: { ...event.data, duration_ms: -1 - i } })) };
  });

export const sendRaw = async (kafka: Kafka, topic: string, messages: { key: string; value: Buffer }[]): Promise<void> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
};

/**
 * Waits until the live projection stores, for every partition of `topics`,
 * exactly the partition's end offset, and the ends stay put for `quietMs`:
 * nothing more is coming (the analyzers have emitted what they will).
 */
export const waitForLiveCaughtUp = async (kafka: Kafka, store: ProjectionStore, topics: readonly string[], quietMs = 3_000, timeoutMs = 180_000): Promise<void> => {
  let previous = "";
  let stableSince = 0;
  await waitFor(
    "the live projection at the end of every topic",
    async () => {
      const ranges = await capturePartitionRanges(kafka, topics);
      const stored = await store.readCheckpoints("raw");
      const isAtEnd = ranges.every((r) => r.end === 0n || stored.get(rangeKey(r)) === r.end);
      const ends = ranges.map((r) => `${rangeKey(r)}=${r.end}`).join(",");
      if (!isAtEnd || ends !== previous) {
        previous = ends;
        stableSince = Date.now();
        return undefined;
      }
      return Date.now() - stableSince >= quietMs ? true : undefined;
    },
    timeoutMs,
    500,
  );
};

export const checksumsOf = (store: ProjectionStore): Promise<TableChecksum[]> => tableChecksums((sql, values) => store.query(sql, values));

export const countOf = async (store: ProjectionStore, sql: string): Promise<number> => Number((await store.query(sql)).rows[0]!.n);
