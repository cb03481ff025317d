import { createHash } from "node:crypto";
import { z } from "zod";
import { envelopeFields } from "../envelope.ts";

/** Event types on the derived topics (the envelope's `type`). */
export const derivedEventTypes = {
  diagnosis: "witness.diagnosis.derived",
  playbook: "witness.playbook.derived",
  instinct: "witness.instinct.derived",
  evaluation: "witness.evaluation.derived",
} as const;

export const derivedTopics = {
  diagnoses: "witness.diagnoses",
  playbooks: "witness.playbooks",
  instincts: "witness.instincts",
  evaluations: "witness.evaluations",
} as const;
export type DerivedTopic = (typeof derivedTopics)[keyof typeof derivedTopics];

export const maxCitations = 50;

/** Where a piece of evidence is: the event id, and its Kafka position when it came from a topic. */
export const citationSchema = z.strictObject({
  event_id: z.string().min(1).max(200),
  topic: z.string().min(1).max(249).nullable().default(null),
  partition: z.number().int().min(0).nullable().default(null),
  offset: z.number().int().min(0).nullable().default(null),
});
export type Citation = z.infer<typeof citationSchema>;

const isoTime = z.iso.datetime({ offset: true });

/**
 * The envelope of every derived event: the raw envelope (id, source, subject,
 * time, specversion) plus who derived it, for which key and window, which
 * revision, and the evidence it rests on.
 *
 * - `id` is deterministic: a hash of (analyzer, analyzer_version, key, window).
 *   A correction of the same window keeps the id and raises `revision`, so
 *   consumers keep the highest revision per id; replays produce the same bytes.
 * - `subject` is the key; `time` is the window end (when the result became known).
 * - `retracted` marks a result a correction withdrew (then `data` is null).
 * - `evidence` cites at most 50 events; `evidence_count` says how many there were.
 */
export const derivedEnvelopeFields = {
  ...envelopeFields,
  analyzer: z.string().min(1).max(100),
  analyzer_version: z.string().min(1).max(50),
  key: z.string().min(1).max(300),
  window_start: isoTime,
  window_end: isoTime,
  revision: z.number().int().min(1),
  retracted: z.boolean().default(false),
  evidence: z.array(citationSchema).max(maxCitations).default([]),
  evidence_count: z.number().int().min(0).default(0),
};

/** Shared checks of a derived event: coherent window, retraction without data, citations within the count. */
export const refineDerivedEnvelope = <T extends z.ZodType<DerivedEnvelopeCore>>(schema: T) =>
  schema
    .refine((e) => Date.parse(e.window_start) < Date.parse(e.window_end), {
      message: "window_start must be before window_end",
      path: ["window_end"],
    })
    .refine((e) => e.retracted === (e.data === null), {
      message: "a retracted event has null data and only a retracted one does",
      path: ["data"],
    })
    .refine((e) => e.evidence.length <= e.evidence_count, {
      message: "evidence_count counts every cited event",
      path: ["evidence_count"],
    })
    .refine((e) => e.subject === e.key, { message: "subject is the key", path: ["subject"] });

type DerivedEnvelopeCore = {
  window_start: string;
  window_end: string;
  retracted: boolean;
  data: unknown;
  evidence: unknown[];
  evidence_count: number;
  subject: string;
  key: string;
};

export const derivedIdLength = 32;

/** sha256 of (analyzer, version, key, window start, window end), hex, truncated to 128 bits. */
export const deriveEventId = (analyzer: string, analyzerVersion: string, key: string, windowStart: string, windowEnd: string): string =>
  createHash("sha256")
    .update([analyzer, analyzerVersion, key, windowStart, windowEnd].join("\u0000"))
    .digest("hex")
    .slice(0, derivedIdLength);

export const analyzerSourceOf = (analyzer: string): string => `witness/analyzers/${analyzer}`;
