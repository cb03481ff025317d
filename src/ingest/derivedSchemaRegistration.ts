import avro from "avsc";
import type { Message } from "kafkajs";
import { cloudEventHeaders } from "../codec/cloudEventHeaders.ts";
import { encodeEvent } from "../codec/eventCodec.ts";
import { avroTypeOptions, type SchemaResolver } from "../codec/schemaResolver.ts";
import type { DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import { derivedFamilies, derivedKafkaKeyOf, type DerivedEvent } from "../events/derived/derivedFamilies.ts";
import type { TopicCatalogue } from "../topics/catalogue.ts";
import { readAvroSchema, valueSubject, type TopicRegistration } from "./schemaRegistration.ts";

const isDerivedTopic = (logicalName: string): logicalName is DerivedTopic => Object.hasOwn(derivedFamilies, logicalName);

/**
 * Registers the Avro contract of every derived topic of the catalogue (role
 * "derived" with a family in `derivedFamilies`) under `<cluster topic>-value`,
 * with BACKWARD compatibility, once at start-up. Keyed by logical topic
 * (`witness.diagnoses`); each registration names the cluster topic to produce to.
 */
export const registerDerivedSchemas = async (
  resolver: SchemaResolver,
  catalogue: TopicCatalogue,
): Promise<Map<DerivedTopic, TopicRegistration>> => {
  const registrations = new Map<DerivedTopic, TopicRegistration>();
  for (const spec of catalogue.topics) {
    if (spec.role !== "derived" || !isDerivedTopic(spec.logicalName)) continue;
    const schema = readAvroSchema(derivedFamilies[spec.logicalName].avroFile);
    const subject = valueSubject(spec.name);
    const schemaId = await resolver.register(subject, schema);
    registrations.set(spec.logicalName, { topic: spec.name, subject, schemaId, type: avro.Type.forSchema(schema as avro.Schema, avroTypeOptions()) });
  }
  return registrations;
};

/**
 * The Kafka message of a derived event: keyed by its id (so compaction keeps the
 * highest revision of every window's result), Avro in the Confluent wire format,
 * the envelope mirrored as CloudEvents headers.
 */
export const encodeDerivedEvent = (registration: TopicRegistration, event: DerivedEvent): Message => ({
  key: derivedKafkaKeyOf(event),
  value: encodeEvent(registration.type, registration.schemaId, event),
  headers: cloudEventHeaders(event),
});
