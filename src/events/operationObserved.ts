import { z } from "zod";
import { clockTickSchema, envelopeFields, errorInfoSchema, eventTypes, nullableString } from "./envelope.ts";
import { genAiSchema } from "./genAi.ts";

export const summaryMaxChars = 1000;

export const operationKinds = ["endpoint", "tool", "llm", "job"] as const;

export const operationDataSchema = z.strictObject({
  /** Endpoint or tool name: what windows and playbooks group by. */
  operation: z.string().min(1).max(300),
  kind: z.enum(operationKinds).default("endpoint"),
  input_summary: z.string().max(summaryMaxChars).default(""),
  output_summary: nullableString(summaryMaxChars),
  success: z.boolean(),
  duration_ms: z.number().min(0).max(86_400_000),
  error: errorInfoSchema.nullable().default(null),
  project: nullableString(200),
  session_id: nullableString(300),
  gen_ai: genAiSchema.nullable().default(null),
});
export type OperationData = z.infer<typeof operationDataSchema>;

export const operationObservedSchema = z.strictObject({
  ...envelopeFields,
  type: z.literal(eventTypes.operationObserved),
  data: operationDataSchema,
});
export type OperationObserved = z.infer<typeof operationObservedSchema>;

/** Everything that may appear on witness.operations. */
export const operationsTopicEventSchema = z.discriminatedUnion("type", [operationObservedSchema, clockTickSchema]);
