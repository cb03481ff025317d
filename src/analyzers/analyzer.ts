import type { Citation, DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import type { DerivedEvent } from "../events/derived/derivedFamilies.ts";
import type { DiagnosisData } from "../events/derived/diagnosis.ts";
import type { EvaluationData } from "../events/derived/evaluation.ts";
import type { InstinctData } from "../events/derived/instinct.ts";
import type { PlaybookData } from "../events/derived/playbook.ts";
import type { NoteRecorded } from "../events/noteRecorded.ts";
import type { OperationObserved } from "../events/operationObserved.ts";
import type { SessionObserved } from "../events/sessionObservation.ts";
import type { Window, WindowSpecInput } from "../windows/windowSpec.ts";

/** Any event an analyzer can read: a raw observation, or a derived event of an upstream analyzer. */
export type AnalyzableEvent = OperationObserved | SessionObserved | NoteRecorded | DerivedEvent;

/**
 * An event with where it came from. `revision` is 0 for raw events and the
 * derived revision otherwise; `timeMs` is event time (a derived event's window
 * start, so a 18–24 h meta belongs to the day it describes). Position fields are
 * null for events handed over inside a group rather than read from a topic.
 */
export type SourcedEvent = {
  id: string;
  revision: number;
  timeMs: number;
  topic: string | null;
  partition: number | null;
  offset: number | null;
  event: AnalyzableEvent;
};

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
