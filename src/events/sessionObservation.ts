import { z } from "zod";
import { clockTickSchema, envelopeFields, errorInfoSchema, eventTypes, nullableString } from "./envelope.ts";
import { genAiSchema } from "./genAi.ts";

export const sessionObservationKinds = [
  "user_message",
  "assistant_message",
  "tool_invocation",
  "tool_outcome",
  "agent_turn",
  "trace",
  "audit",
  "advice_cited",
] as const;

export const agentTurnKinds = ["plan", "tool_call", "critique", "propose_done", "respond", "code", "retry"] as const;

export const tracePhases = ["start", "end", "error", "message"] as const;

export const sessionDataSchema = z
  .strictObject({
    session_id: z.string().min(1).max(300),
    kind: z.enum(sessionObservationKinds),
    turn_kind: z.enum(agentTurnKinds).nullable().default(null),
    seq: z.number().int().min(0).nullable().default(null),
    text: nullableString(8000),
    user_id: nullableString(300),
    project: nullableString(200),
    success: z.boolean().nullable().default(null),
    duration_ms: z.number().min(0).max(86_400_000).nullable().default(null),
    error: errorInfoSchema.nullable().default(null),
    gen_ai: genAiSchema.nullable().default(null),
    trace: z
      .strictObject({
        node: z.string().min(1).max(200),
        phase: z.enum(tracePhases),
        span_id: nullableString(100),
        parent_span_id: nullableString(100),
      })
      .nullable()
      .default(null),
    audit: z
      .strictObject({
        check: z.string().min(1).max(100),
        expected: nullableString(2000),
        observed: nullableString(2000),
        detail: nullableString(2000),
      })
      .nullable()
      .default(null),
    attributes: z.record(z.string().max(200), z.string().max(2000)).default({}),
  })
  .refine((d) => d.kind !== "agent_turn" || d.turn_kind !== null, {
    message: "an agent_turn observation needs a turn_kind",
    path: ["turn_kind"],
  })
  .refine((d) => d.kind !== "trace" || d.trace !== null, { message: "a trace observation needs trace", path: ["trace"] })
  .refine((d) => d.kind !== "audit" || d.audit !== null, { message: "an audit observation needs audit", path: ["audit"] });
export type SessionData = z.infer<typeof sessionDataSchema>;

export const sessionObservedSchema = z.strictObject({
  ...envelopeFields,
  type: z.literal(eventTypes.sessionObserved),
  data: sessionDataSchema,
});
export type SessionObserved = z.infer<typeof sessionObservedSchema>;

export const sessionsTopicEventSchema = z.discriminatedUnion("type", [sessionObservedSchema, clockTickSchema]);
