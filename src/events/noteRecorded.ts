import { z } from "zod";
import { clockTickSchema, envelopeFields, eventTypes, nullableString } from "./envelope.ts";

export const noteDataSchema = z.strictObject({
  user_id: z.string().min(1).max(300),
  note: z.string().min(1).max(2000),
  session_id: nullableString(300),
  turn: z.number().int().min(0).nullable().default(null),
  project: nullableString(200),
});
export type NoteData = z.infer<typeof noteDataSchema>;

export const noteRecordedSchema = z.strictObject({
  ...envelopeFields,
  type: z.literal(eventTypes.noteRecorded),
  data: noteDataSchema,
});
export type NoteRecorded = z.infer<typeof noteRecordedSchema>;

export const notesTopicEventSchema = z.discriminatedUnion("type", [noteRecordedSchema, clockTickSchema]);
