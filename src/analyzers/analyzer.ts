import { z } from "zod";
import type { Citation, DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import { derivedEventSchema } from "../events/derived/derivedFamilies.ts";
import type { DiagnosisData } from "../events/derived/diagnosis.ts";
import type { EvaluationData } from "../events/derived/evaluation.ts";
import type { InstinctData } from "../events/derived/instinct.ts";
import type { PlaybookData } from "../events/derived/playbook.ts";
import { noteRecordedSchema } from "../events/noteRecorded.ts";
import { operationObservedSchema } from "../events/operationObserved.ts";
import { sessionObservedSchema } from "../events/sessionObservation.ts";
import type { Window, WindowSpecInput } from "../windows/windowSpec.ts";

/** Any event an analyzer can read: a raw observation, or a derived event of an upstream analyzer. */
export const analyzableEventSchema = z.union([operationObservedSchema, sessionObservedSchema, noteRecordedSchema, derivedEventSchema]);
export type AnalyzableEvent = z.infer<typeof analyzableEventSchema>;

/**
 * An event with where it came from. `revision` is 0 for raw events and the
 * derived revision otherwise; `timeMs` is event time (a derived event's window
 * start, so a 18–24 h meta belongs to the day it describes). Position fields are
 * null for events handed over inside a group rather than read from a topic.
 */
export const sourcedEventSchema = z.strictObject({
  id: z.string(),
  revision: z.number().int().min(0),
  timeMs: z.number(),
  topic: z.string().nullable(),
  partition: z.number().int().min(0).nullable(),
  offset: z.number().int().min(0).nullable(),
  event: analyzableEventSchema,
});
export type SourcedEvent = z.infer<typeof sourcedEventSchema>;

export type DerivedData = DiagnosisData | PlaybookData | InstinctData | EvaluationData;

/**
 * One result of analysing a window. The group driver turns it into a derived
 * event: id from (analyzer, version, key, window), revision, citations capped.
 */
export type DerivedItem = {
  key: string;
  data: DerivedData;
  /** Every event the result rests on, in a deterministic order (the first 50 are cited). */
  evidence: readonly Citation[];
};

/** The pure core of an analyzer: same key, window and events ⇒ same items. No I/O, no wall clock. */
export type WindowAnalysis = (key: string, window: Window, events: readonly SourcedEvent[]) => DerivedItem[];

export type AnalyzerBackendKind = "heuristic" | "llm";

/**
 * An analyzer: its identity, inputs, windowing and pure analysis. Each analyzer
 * (or chain of analyzers sharing inputs) runs as its own consumer group.
 */
export type Analyzer = {
  name: string;
  /** Part of every derived id: bump it when the output for the same input changes. */
  version: string;
  outputTopic: DerivedTopic;
  /** Raw (or derived) topics read, and upstream analyzers of the same group whose results are read. */
  inputs: { topics: readonly string[]; analyzers: readonly string[] };
  window: WindowSpecInput;
  /** IANA zone per key for calendar windows; UTC when it returns undefined. */
  timeZoneOf?: (key: string) => string | undefined;
  /** Close a key's empty windows for this long after its last event (null: only windows with events close). */
  keepAliveMs: number | null;
  /** At most this many keys per cycle — the keys of windows closing together with the same bounds. */
  cycleCap: number | null;
  /** The window keys an event belongs to; none means the analyzer ignores it. */
  keysOf: (event: AnalyzableEvent) => readonly string[];
  backend: AnalyzerBackendKind;
  analyzeWindow: WindowAnalysis;
};

/**
 * The seam for an LLM backend. It runs before a window is analysed, asks the
 * model, and returns its answers as events to be recorded on the log; the
 * analyzer's `analyzeWindow` then reads those answer events like any input, so
 * it stays pure and a replay reuses the recorded answers instead of asking again.
 * On any failure it returns no answers and the heuristic result stands.
 */
export type LlmWindowPreparation = (
  analyzer: Analyzer,
  input: { key: string; window: Window; events: readonly SourcedEvent[] },
  context: { signal: AbortSignal },
) => Promise<readonly AnalyzableEvent[]>;

export const heuristicBackend: AnalyzerBackendKind = "heuristic";
