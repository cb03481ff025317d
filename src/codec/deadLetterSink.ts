import { Partitioners, type Kafka, type Producer } from "kafkajs";
import { externalError } from "../errors/witnessError.ts";
import { toDeadLetterMessage, type DeadLetterSource, type OriginalMessage } from "./deadLetter.ts";

export type DeadLetterEntry = { original: OriginalMessage; source: DeadLetterSource; reason: string; detail: string };

/** Publishes dead letters; resolves only when the broker has them, so nothing is lost before offsets move on. */
export type DeadLetterSink = { send: (entries: readonly DeadLetterEntry[]) => Promise<void>; close: () => Promise<void> };

export const kafkaDeadLetterSink = (kafka: Kafka, topic: string): DeadLetterSink => {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  let connected: Promise<void> | undefined;
  return {
    send: async (entries) => {
      if (entries.length === 0) return;
      connected ??= producer.connect();
      await connected;
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: entries.map((e) => toDeadLetterMessage(e.original, { ...e.source, reason: e.reason, detail: e.detail })),
        });
      } catch (cause) {
        throw externalError("kafka.dlq", `Cannot write to the dead-letter topic ${topic}: ${(cause as Error).message}`, cause);
      }
    },
    close: async () => {
      if (connected) await producer.disconnect();
    },
  };
};
