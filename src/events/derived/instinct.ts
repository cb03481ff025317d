import { z } from "zod";
import { citationSchema, derivedEnvelopeFields, derivedEventTypes, refineDerivedEnvelope } from "./derivedEnvelope.ts";

export const instinctDomains = ["workflow", "testing", "debugging", "code-style", "security", "git", "project"] as const;
export type InstinctDomain = (typeof instinctDomains)[number];

export const instinctScopes = ["project", "global"] as const;

/** Which heuristic found the instinct. */
export const instinctPatterns = ["failure_retry", "user_correction", "explicit_rule", "repeated_sequence"] as const;
export type InstinctPattern = (typeof instinctPatterns)[number];

export const confidenceChangeReasons = ["observed", "confirmed", "contradicted", "decayed"] as const;

const isoTime = z.iso.datetime({ offset: true });

export const instinctLimits = {
  triggerChars: 80,
  actionChars: 120,
  excerptChars: 200,
  excerpts: 3,
  observationIds: 50,
  historyEntries: 20,
  citationsPerChange: 5,
} as const;

/** One step of the confidence, with the evidence that caused it. */
export const confidenceChangeSchema = z.strictObject({
  time: isoTime,
  reason: z.enum(confidenceChangeReasons),
  delta: z.number().min(-1).max(1),
  confidence: z.number().min(0).max(1),
  evidence: z.array(citationSchema).max(instinctLimits.citationsPerChange),
});
export type ConfidenceChange = z.infer<typeof confidenceChangeSchema>;

/** An atomic, reusable rule learned from session observations. */
export const instinctDataSchema = z.strictObject({
  trigger: z.string().min(1).max(instinctLimits.triggerChars),
  action: z.string().min(1).max(instinctLimits.actionChars),
  confidence: z.number().min(0).max(1),
  domain: z.enum(instinctDomains),
  scope: z.enum(instinctScopes),
  pattern: z.enum(instinctPatterns),
  projects: z.array(z.string().min(1).max(200)).max(20),
  evidence_excerpts: z.array(z.string().min(1).max(instinctLimits.excerptChars)).min(1).max(instinctLimits.excerpts),
  observation_ids: z.array(z.string().min(1).max(200)).min(1).max(instinctLimits.observationIds),
  observation_count: z.number().int().min(1),
  confirmation_count: z.number().int().min(0),
  contradiction_count: z.number().int().min(0),
  first_seen: isoTime,
  last_seen: isoTime,
  /** The latest changes of the confidence, oldest first. */
  confidence_history: z.array(confidenceChangeSchema).min(1).max(instinctLimits.historyEntries),
});
export type InstinctData = z.infer<typeof instinctDataSchema>;

export const instinctEventSchema = refineDerivedEnvelope(
  z.strictObject({
    ...derivedEnvelopeFields,
    type: z.literal(derivedEventTypes.instinct),
    data: instinctDataSchema.nullable(),
  }),
);
export type InstinctEvent = z.infer<typeof instinctEventSchema>;
