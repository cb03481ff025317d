import { z } from "zod";

/** Event types carried in the envelope's `type` (and the ce_type header). */
export const eventTypes = {
  operationObserved: "witness.operation.observed",
  sessionObserved: "witness.session.observed",
  noteRecorded: "witness.note.recorded",
  clockTick: "witness.clock.tick",
} as const;

export const cloudEventsSpecVersion = "1.0";

/**
 * The CloudEvents-shaped envelope every event carries inside its Avro record.
 * `subject` doubles as the Kafka key, so related events share a partition.
 */
export const envelopeFields = {
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(200),
  subject: z.string().min(1).max(300),
  time: z.iso.datetime({ offset: true }),
  specversion: z.literal(cloudEventsSpecVersion).default(cloudEventsSpecVersion),
};

/**
 * Time is an event too: the running system writes ticks into every partition of
 * every raw topic, so windows of quiet keys close on schedule, and replays close
 * them at the same ticks.
 */
export const clockTickSchema = z.strictObject({
  ...envelopeFields,
  type: z.literal(eventTypes.clockTick),
  data: z.null().default(null),
});
export type ClockTick = z.infer<typeof clockTickSchema>;

export const nullableString = (max: number) => z.string().max(max).nullable().default(null);

export const errorInfoSchema = z.strictObject({
  type: nullableString(200),
  message: z.string().max(2000),
  code: nullableString(100),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;
