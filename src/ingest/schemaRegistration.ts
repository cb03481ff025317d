import { readFileSync } from "node:fs";
import { join } from "node:path";
import avro from "avsc";
import { avroTypeOptions, type SchemaResolver } from "../codec/schemaResolver.ts";
import { rawFamilies, schemasDir, type RawFamilyName } from "../events/families.ts";
import type { TopicCatalogue } from "../topics/catalogue.ts";

export type TopicRegistration = { topic: string; subject: string; schemaId: number; type: avro.Type };

export const readAvroSchema = (file: string): object => JSON.parse(readFileSync(join(schemasDir, file), "utf8")) as object;

/** TopicNameStrategy: the value schema of a topic lives under `<topic>-value`. */
export const valueSubject = (topic: string): string => `${topic}-value`;

/**
 * Registers the Avro contract of every raw topic with BACKWARD compatibility,
 * once at start-up, and returns what producers need to encode.
 */
export const registerRawSchemas = async (
  resolver: SchemaResolver,
  catalogue: TopicCatalogue,
): Promise<Map<RawFamilyName, TopicRegistration>> => {
  const registrations = new Map<RawFamilyName, TopicRegistration>();
  for (const spec of catalogue.topics) {
    if (spec.role !== "raw" || !spec.family) continue;
    const schema = readAvroSchema(rawFamilies[spec.family].avroFile);
    const subject = valueSubject(spec.name);
    const schemaId = await resolver.register(subject, schema);
    registrations.set(spec.family, { topic: spec.name, subject, schemaId, type: avro.Type.forSchema(schema as avro.Schema, avroTypeOptions()) });
  }
  return registrations;
};
