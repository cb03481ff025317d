import { z } from "zod";
import { operationKinds } from "../operationObserved.ts";
import { derivedEnvelopeFields, derivedEventTypes, refineDerivedEnvelope } from "./derivedEnvelope.ts";

const isoTime = z.iso.datetime({ offset: true });

/** How an operation that keeps succeeding is done: its input pattern, timing and what to avoid. */
export const playbookDataSchema = z.strictObject({
  operation: z.string().min(1).max(300),
  kind: z.enum(operationKinds),
  /** Input summaries generalised: shared words kept, variable parts as <n>, <id>, <str> or *. */
  input_pattern: z.string().max(300),
  success_count: z.number().int().min(1),
  attempt_count: z.number().int().min(1),
  success_rate: z.number().min(0).max(1),
  mean_duration_ms: z.number().min(0),
  p95_duration_ms: z.number().min(0),
  first_success: isoTime,
  last_success: isoTime,
  sample_inputs: z.array(z.string().max(200)).max(3),
  /** From failure clusters of the same operation in the window. */
  avoid_notes: z.array(z.string().min(1).max(300)).max(5),
});
export type PlaybookData = z.infer<typeof playbookDataSchema>;

export const playbookEventSchema = refineDerivedEnvelope(
  z.strictObject({
    ...derivedEnvelopeFields,
    type: z.literal(derivedEventTypes.playbook),
    data: playbookDataSchema.nullable(),
  }),
).refine((e) => e.data === null || e.data.success_count <= e.data.attempt_count, {
  message: "success_count cannot exceed attempt_count",
  path: ["data", "success_count"],
});
export type PlaybookEvent = z.infer<typeof playbookEventSchema>;
