import { z } from "zod";
import { derivedEnvelopeFields, derivedEventTypes, refineDerivedEnvelope } from "./derivedEnvelope.ts";

/**
 * witness.evaluations carries every judgement of how an agent and its user are
 * doing: the tiered evaluator's meta syntheses, daily reports and weekly plans
 * (per user), and audit findings (per session). Audit findings live here rather
 * than on a topic of their own because they are the same kind of thing — an
 * assessment of sessions, consumed by the same dashboards and advice — only at
 * the finest grain. `data.kind` says which one an event is, and exactly the
 * matching sub-record is set, so the projection can split them into tables.
 */
export const evaluationKinds = ["meta", "daily", "weekly", "audit_finding"] as const;
export type EvaluationKind = (typeof evaluationKinds)[number];

export const trajectories = ["improving", "stable", "declining", "volatile"] as const;
export type Trajectory = (typeof trajectories)[number];

export const failureStrategies = ["continue", "reevaluate", "simplify", "escalate"] as const;

export const auditRules = ["intent_without_action", "code_without_tools", "reported_mismatch"] as const;
export type AuditRule = (typeof auditRules)[number];

export const severities = ["low", "medium", "high"] as const;

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a local date YYYY-MM-DD");
const line = (max: number) => z.string().min(1).max(max);

/** 6-hour synthesis of a user's notes. */
export const metaSynthesisSchema = z.strictObject({
  /** Notes considered (at most 100) and notes in the window. */
  note_count: z.number().int().min(1).max(100),
  total_note_count: z.number().int().min(1),
  consensus: line(1000),
  themes: z.array(line(100)).max(5),
  friction_points: z.array(line(200)).max(5),
  adjustments: z.array(line(200)).max(5),
  trajectory: z.enum(trajectories),
  /** Mean per-note sentiment, −1 (all negative) … 1 (all positive). */
  sentiment: z.number().min(-1).max(1),
});
export type MetaSynthesis = z.infer<typeof metaSynthesisSchema>;

/** A user's day, from the metas, else from raw notes, else flagged inactive. */
export const dailyReportSchema = z.strictObject({
  date: localDate,
  time_zone: line(100),
  summary: line(1000),
  progress: line(500),
  themes: z.array(line(100)).max(5),
  friction_points: z.array(line(200)).max(5),
  recommended_adjustments: z.array(line(200)).max(5),
  trajectory: z.enum(trajectories),
  /** Mean note sentiment of the day, −1 … 1 (0 when inactive). */
  sentiment: z.number().min(-1).max(1),
  inactivity_flag: z.boolean(),
  /** True when some notes had no meta synthesis and were read raw. */
  raw_notes_fallback: z.boolean(),
  meta_count: z.number().int().min(0),
  note_count: z.number().int().min(0),
});
export type DailyReport = z.infer<typeof dailyReportSchema>;

export const planStageSchema = z.strictObject({
  name: line(120),
  expected_days: z.number().int().min(1).max(31),
  expiry_days: z.number().int().min(1).max(62),
  sub_goals: z.array(line(200)).min(1).max(5),
  failure_strategy: z.enum(failureStrategies),
});

/** A medium-range plan from at least two active daily reports of the week. */
export const weeklyPlanSchema = z.strictObject({
  week_start: localDate,
  time_zone: line(100),
  daily_report_count: z.number().int().min(2).max(7),
  active_day_count: z.number().int().min(2).max(7),
  trajectory: z.enum(trajectories),
  stages: z.array(planStageSchema).min(1).max(4),
  monthly_objective: line(300),
});
export type WeeklyPlan = z.infer<typeof weeklyPlanSchema>;

/** Something an agent did in a session that a rule says it should not have. */
export const auditFindingSchema = z.strictObject({
  rule: z.enum(auditRules),
  session_id: line(300),
  project: z.string().min(1).max(200).nullable().default(null),
  severity: z.enum(severities),
  description: line(500),
  excerpt: z.string().max(200),
  expected: z.string().max(500).nullable().default(null),
  observed: z.string().max(500).nullable().default(null),
});
export type AuditFinding = z.infer<typeof auditFindingSchema>;

export const evaluationDataSchema = z
  .strictObject({
    kind: z.enum(evaluationKinds),
    user_id: z.string().min(1).max(300).nullable().default(null),
    meta: metaSynthesisSchema.nullable().default(null),
    daily: dailyReportSchema.nullable().default(null),
    weekly: weeklyPlanSchema.nullable().default(null),
    audit_finding: auditFindingSchema.nullable().default(null),
  })
  .refine(
    (d) => evaluationKinds.every((kind) => (d[kind] !== null) === (d.kind === kind)),
    { message: "exactly the sub-record named by kind is set", path: ["kind"] },
  )
  .refine((d) => d.kind === "audit_finding" || d.user_id !== null, {
    message: "tier evaluations belong to a user",
    path: ["user_id"],
  });
export type EvaluationData = z.infer<typeof evaluationDataSchema>;

export const evaluationEventSchema = refineDerivedEnvelope(
  z.strictObject({
    ...derivedEnvelopeFields,
    type: z.literal(derivedEventTypes.evaluation),
    data: evaluationDataSchema.nullable(),
  }),
);
export type EvaluationEvent = z.infer<typeof evaluationEventSchema>;
