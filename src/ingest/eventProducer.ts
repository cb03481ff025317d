import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from "kafkajs";
import { cloudEventHeaders } from "../codec/cloudEventHeaders.ts";
import { encodeEvent } from "../codec/eventCodec.ts";
import { eventTypes } from "../events/envelope.ts";
import { familyOfEventType, rawFamilies, type RawFamilyName, type RawTopicEvent } from "../events/families.ts";
import { externalError, userError } from "../errors/witnessError.ts";
import type { Logger } from "../observability/logger.ts";
import type { TopicRegistration } from "./schemaRegistration.ts";

export type EventProducer = {
  /** Validates, encodes and produces events of any raw family; resolves once the broker acknowledged all. */
  publish: (events: readonly unknown[]) => Promise<void>;
  /** Produces a clock tick into every partition of every raw topic (time is an event too). */
  publishTicks: (time: string, source: string, id: (topic: string, partition: number) => string) => Promise<void>;
  close: () => Promise<void>;
};

export type EventProducerDeps = {
  kafka: Kafka;
  registrations: Map<RawFamilyName, TopicRegistration>;
  logger: Logger;
};

/** Validates one event at the edge; the error names the field and the fix. */
export const validateRawEvent = (raw: unknown): { family: RawFamilyName; event: RawTopicEvent } => {
  const type = (raw as { type?: unknown })?.type;
  const family = typeof type === "string" ? familyOfEventType(type) : undefined;
  if (!family) {
    throw userError("event.type", `Unknown event type ${JSON.stringify(type)}: use one of ${Object.values(rawFamilies).map((f) => f.eventType).join(", ")}.`);
  }
  const parsed = rawFamilies[family].eventSchema.safeParse(raw);
  if (!parsed.success) {
    throw userError("event.invalid", parsed.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`).join("; "));
  }
  return { family, event: parsed.data };
};

export const toKafkaMessage = (registration: TopicRegistration, event: RawTopicEvent, partition?: number): Message => ({
  key: event.subject,
  value: encodeEvent(registration.type, registration.schemaId, event),
  headers: cloudEventHeaders(event),
  partition,
});

/** An idempotent producer: retries never duplicate or reorder within a partition. */
export const createEventProducer = ({ kafka, registrations, logger }: EventProducerDeps): EventProducer => {
  const log = logger.child({ component: "event-producer" });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected: Promise<void> | undefined;
  const ensureConnected = () => (connected ??= producer.connect().catch((cause: unknown) => {
    connected = undefined;
    throw externalError("kafka.connect", `Cannot connect the producer to Kafka: ${(cause as Error).message}. Check KAFKA_BROKERS.`, cause);
  }));

  const registrationFor = (family: RawFamilyName): TopicRegistration => {
    const registration = registrations.get(family);
    if (!registration) throw userError("topics.family", `No raw topic is registered for the ${family} family.`);
    return registration;
  };

  const send = async (topicMessages: { topic: string; messages: Message[] }[]) => {
    await ensureConnected();
    try {
      await producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    } catch (cause) {
      throw externalError("kafka.produce", `Kafka did not acknowledge the events: ${(cause as Error).message}`, cause);
    }
  };

  return {
    publish: async (events) => {
      const byTopic = new Map<string, Message[]>();
      for (const raw of events) {
        const { family, event } = validateRawEvent(raw);
        const registration = registrationFor(family);
        const messages = byTopic.get(registration.topic) ?? [];
        messages.push(toKafkaMessage(registration, event));
        byTopic.set(registration.topic, messages);
      }
      if (byTopic.size === 0) return;
      await send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      log.debug({ count: events.length }, "events produced");
    },
    publishTicks: async (time, source, id) => {
      await ensureConnected();
      const admin = kafka.admin();
      await admin.connect();
      try {
        const topicMessages = [];
        for (const registration of registrations.values()) {
          const [metadata] = (await admin.fetchTopicMetadata({ topics: [registration.topic] })).topics;
          const messages = (metadata?.partitions ?? []).map(({ partitionId }) =>
            toKafkaMessage(
              registration,
              { id: id(registration.topic, partitionId), type: eventTypes.clockTick, source, subject: `${registration.topic}/${partitionId}`, time, specversion: "1.0", data: null },
              partitionId,
            ),
          );
          topicMessages.push({ topic: registration.topic, messages });
        }
        await send(topicMessages);
      } finally {
        await admin.disconnect();
      }
    },
    close: async () => {
      if (connected) await producer.disconnect();
    },
  };
};
