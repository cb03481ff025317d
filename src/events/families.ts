import { resolve } from "node:path";
import type { z } from "zod";
import { eventTypes } from "./envelope.ts";
import { noteRecordedSchema, notesTopicEventSchema } from "./noteRecorded.ts";
import { operationObservedSchema, operationsTopicEventSchema } from "./operationObserved.ts";
import { sessionObservedSchema, sessionsTopicEventSchema } from "./sessionObservation.ts";

export const schemasDir = resolve(import.meta.dirname, "../../schemas");

/**
 * The raw event families: what each carries, how it is validated after Avro
 * decoding, and which Avro file is its wire contract (registered as `<topic>-value`).
 */
export const rawFamilies = {
  operation: {
    eventType: eventTypes.operationObserved,
    eventSchema: operationObservedSchema,
    topicEventSchema: operationsTopicEventSchema,
    avroFile: "witness.operations-value.avsc",
  },
  session: {
    eventType: eventTypes.sessionObserved,
    eventSchema: sessionObservedSchema,
    topicEventSchema: sessionsTopicEventSchema,
    avroFile: "witness.sessions-value.avsc",
  },
  note: {
    eventType: eventTypes.noteRecorded,
    eventSchema: noteRecordedSchema,
    topicEventSchema: notesTopicEventSchema,
    avroFile: "witness.notes-value.avsc",
  },
} as const;

export type RawFamilyName = keyof typeof rawFamilies;
export const rawFamilyNames = Object.keys(rawFamilies) as RawFamilyName[];

export type RawTopicEvent = z.infer<(typeof rawFamilies)[RawFamilyName]["topicEventSchema"]>;

export const familyOfEventType = (type: string): RawFamilyName | undefined =>
  rawFamilyNames.find((name) => rawFamilies[name].eventType === type);
