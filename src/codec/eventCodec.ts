import type avro from "avsc";
import type { z } from "zod";
import { userError, WitnessError } from "../errors/witnessError.ts";
import type { SchemaResolver } from "./schemaResolver.ts";
import { frameWire, parseWire } from "./wireFormat.ts";

/**
 * Encodes a validated event with the Avro type registered for its topic. The
 * encoder checks the value against the type first so that a mismatch names the
 * field instead of failing deep inside avsc.
 */
export const encodeEvent = (type: avro.Type, schemaId: number, event: object): Buffer => {
  const badPaths: string[] = [];
  if (!type.isValid(event, { errorHook: (path) => badPaths.push(path.join(".")) })) {
    throw userError("avro.invalid", `The event does not fit the topic's Avro schema at: ${badPaths.join(", ")}.`);
  }
  return frameWire(schemaId, type.toBuffer(event));
};

/**
 * Decodes Kafka bytes through the registry, then validates meaning with zod.
 * Every failure is a WitnessError whose `code` becomes the dead-letter reason:
 * wire.* (not Confluent framing), schema.unknown, avro.decode, event.invalid.
 * Registry outages are external and retriable, never dead-lettered.
 */
export const decodeEvent = async <S extends z.ZodType>(
  resolver: SchemaResolver,
  value: Buffer | null,
  schema: S,
): Promise<z.infer<S>> => {
  const { schemaId, body } = parseWire(value);
  const type = await resolver.typeFor(schemaId);
  let decoded: unknown;
  try {
    decoded = type.fromBuffer(body);
  } catch (cause) {
    throw userError("avro.decode", `The body does not decode with schema id ${schemaId}: ${(cause as Error).message}`, cause);
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`).join("; ");
    throw userError("event.invalid", `The event decodes but is invalid: ${problems}`);
  }
  return parsed.data;
};

/** True for failures caused by the message itself: those go to the dead-letter topic. */
export const isPoison = (error: unknown): error is WitnessError => error instanceof WitnessError && error.domain === "user";
