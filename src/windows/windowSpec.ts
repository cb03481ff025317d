import { z } from "zod";

export const hourMs = 3_600_000;
export const dayMs = 24 * hourMs;
export const weekMs = 7 * dayMs;

/** A half-open interval of event time, [startMs, endMs). */
export const windowSchema = z.strictObject({
  startMs: z.number().int(),
  endMs: z.number().int(),
});
export type Window = z.infer<typeof windowSchema>;

export const calendarPeriods = ["6h", "day", "week"] as const;

/**
 * How an analyzer cuts event time. Fixed windows are aligned to the Unix epoch
 * (plus `offsetMs`); calendar windows follow the local clock of each key's IANA
 * time zone, so a day is 23 or 25 hours long across a DST change.
 */
export const windowSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("tumbling"),
    sizeMs: z.number().int().positive(),
    offsetMs: z.number().int().min(0).default(0),
  }),
  z.strictObject({
    kind: z.literal("hopping"),
    sizeMs: z.number().int().positive(),
    hopMs: z.number().int().positive(),
  }),
  z.strictObject({
    kind: z.literal("calendar"),
    period: z.enum(calendarPeriods),
    /** ISO weekday the week starts on: 1 = Monday … 7 = Sunday. */
    weekStartsOn: z.number().int().min(1).max(7).default(1),
  }),
]);
export type WindowSpec = z.infer<typeof windowSpecSchema>;
export type WindowSpecInput = z.input<typeof windowSpecSchema>;

export const windowIdOf = (key: string, window: Window): string => `${key}\u0000${window.startMs}\u0000${window.endMs}`;

export const compareWindows = (a: Window, b: Window): number => a.endMs - b.endMs || a.startMs - b.startMs;

export const toIsoTime = (timeMs: number): string => new Date(timeMs).toISOString();
