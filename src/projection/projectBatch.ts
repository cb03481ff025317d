import type { KafkaMessage } from "kafkajs";
import type { KafkaHeaders } from "../codec/cloudEventHeaders.ts";
import type { DeadLetterEntry } from "../codec/deadLetterSink.ts";
import { decodeEvent, isPoison } from "../codec/eventCodec.ts";
import type { SchemaResolver } from "../codec/schemaResolver.ts";
import { eventTypes } from "../events/envelope.ts";
import type { KafkaPosition } from "./columns.ts";
import type { ProjectionStore } from "./duckdbStore.ts";
import type { ProjectedTopic } from "./projector.ts";

/**
 * The projection of one partition's batch, shared by the live projector and
 * `witness replay`: decode and validate every message in offset order, then
 * commit rows, dead-letter rows and the next offset in ONE transaction.
 */

export type ProjectedEvent = { event: { type: string; time: string }; position: KafkaPosition };

/** One Kafka record after decoding: a projectable event, a clock tick (moves event time, makes no row), or poison. */
export type DecodedRecord =
  | { kind: "event"; offset: string; projected: ProjectedEvent }
  | { kind: "tick"; offset: string; time: string }
  | { kind: "poison"; offset: string; letter: DeadLetterEntry };

/** Registry or broker trouble throws (the batch is retried); only bad messages become poison. */
export const decodeMessages = async (
  resolver: SchemaResolver,
  spec: ProjectedTopic,
  source: { topic: string; partition: number; group: string },
  messages: readonly KafkaMessage[],
): Promise<DecodedRecord[]> => {
  const decoded: DecodedRecord[] = [];
  for (const message of messages) {
    const position = { topic: source.topic, partition: source.partition, offset: message.offset };
    try {
      const event = await decodeEvent(resolver, message.value, spec.schema);
      if (event.type === eventTypes.clockTick) decoded.push({ kind: "tick", offset: message.offset, time: event.time });
      else decoded.push({ kind: "event", offset: message.offset, projected: { event, position } });
    } catch (error) {
      if (!isPoison(error)) throw error; // never dead-letter good data because the registry hiccuped
      decoded.push({
        kind: "poison",
        offset: message.offset,
        letter: {
          original: { key: message.key, value: message.value, headers: message.headers as KafkaHeaders },
          source: { ...position, group: source.group },
          reason: error.code,
          detail: error.message,
        },
      });
    }
  }
  return decoded;
};

/** What one transaction commits for a partition. */
export type PartitionCommit = {
  topic: string;
  partition: number;
  events: ProjectedEvent[];
  letters: DeadLetterEntry[];
  ticks: number;
  /** Highest event time among events and ticks (never poison: it has none we can trust). */
  maxEventTime: string | null;
  nextOffset: bigint;
};

const eventTimeOf = (record: DecodedRecord): string | null =>
  record.kind === "event" ? record.projected.event.time : record.kind === "tick" ? record.time : null;

export const collectCommit = (topic: string, partition: number, records: readonly DecodedRecord[], nextOffset: bigint): PartitionCommit => {
  const commit: PartitionCommit = { topic, partition, events: [], letters: [], ticks: 0, maxEventTime: null, nextOffset };
  for (const record of records) {
    const time = eventTimeOf(record);
    if (time !== null && (commit.maxEventTime === null || Date.parse(time) > Date.parse(commit.maxEventTime))) commit.maxEventTime = time;
    if (record.kind === "event") commit.events.push(record.projected);
    else if (record.kind === "tick") commit.ticks += 1;
    else commit.letters.push(record.letter);
  }
  return commit;
};

/** Rows, dead-letter rows and the next offset commit together or not at all. */
export const commitPartition = (store: ProjectionStore, projection: string, spec: ProjectedTopic, commit: PartitionCommit): Promise<void> =>
  store.withTransaction(projection, async (tx) => {
    if (commit.events.length > 0) await spec.project(tx, commit.events);
    await tx.recordDeadLetters(commit.letters.map((l) => ({ ...l.source, reason: l.reason, detail: l.detail })));
    await tx.saveCheckpoint({ topic: commit.topic, partition: commit.partition, nextOffset: commit.nextOffset, maxEventTime: commit.maxEventTime });
  });

/**
 * The offset after a batch. kafkajs hides transaction markers and aborted
 * records from `messages` but `lastOffset()` still counts them; storing past
 * them makes the stored offset the consumer's true position, so a partition
 * written by a transactional producer reaches its end offset too.
 */
export const nextOffsetAfter = (batch: { lastOffset: () => string }): bigint => BigInt(batch.lastOffset()) + 1n;
