import { z } from "zod";
import { derivedEnvelopeFields, derivedEventTypes, refineDerivedEnvelope } from "./derivedEnvelope.ts";

export const causeClasses = [
  "timeout",
  "rate_limit",
  "auth",
  "validation",
  "dependency",
  "malformed_model_output",
  "context_overflow",
  "unknown",
] as const;
export type CauseClass = (typeof causeClasses)[number];

const isoTime = z.iso.datetime({ offset: true });

/** A cluster of failures sharing one normalised error signature within a window. */
export const diagnosisDataSchema = z.strictObject({
  signature: z.string().min(1).max(300),
  cause: z.enum(causeClasses),
  affected_endpoints: z.array(z.string().min(1).max(300)).min(1).max(50),
  failure_count: z.number().int().min(1),
  /** Successes of the affected endpoints in the same window. */
  success_count: z.number().int().min(0),
  first_seen: isoTime,
  last_seen: isoTime,
  sample_inputs: z.array(z.string().max(200)).max(3),
  sample_error: z.string().max(500),
  advice: z.string().min(1).max(500),
  /** "Don't do this": the failure is deterministic, or the endpoints never succeeded in the window. */
  avoid: z.boolean(),
  avoid_reason: z.string().max(300).nullable().default(null),
});
export type DiagnosisData = z.infer<typeof diagnosisDataSchema>;

export const diagnosisEventSchema = refineDerivedEnvelope(
  z.strictObject({
    ...derivedEnvelopeFields,
    type: z.literal(derivedEventTypes.diagnosis),
    data: diagnosisDataSchema.nullable(),
  }),
);
export type DiagnosisEvent = z.infer<typeof diagnosisEventSchema>;
