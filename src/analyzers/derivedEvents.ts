import { createHash } from "node:crypto";
import { internalError } from "../errors/witnessError.ts";
import { cloudEventsSpecVersion } from "../events/envelope.ts";
import { analyzerSourceOf, type Citation, deriveEventId, maxCitations } from "../events/derived/derivedEnvelope.ts";
import { type DerivedEvent, derivedFamilies } from "../events/derived/derivedFamilies.ts";
import { toIsoTime, type Window } from "../windows/windowSpec.ts";
import type { Analyzer, DerivedItem, SourcedEvent } from "./analyzer.ts";

export const citeEvent = (sourced: SourcedEvent): Citation => ({
  event_id: sourced.id,
  topic: sourced.topic,
  partition: sourced.partition,
  offset: sourced.offset,
});

export const citeEvents = (events: readonly SourcedEvent[]): Citation[] => events.map(citeEvent);

/** Fingerprint of an item's content: a correction re-emits only items whose fingerprint changed. */
export const digestItem = (item: DerivedItem): string =>
  createHash("sha256").update(JSON.stringify([item.data, item.evidence])).digest("hex").slice(0, 32);

type EventParts = { analyzer: Pick<Analyzer, "name" | "version" | "outputTopic">; window: Window; key: string; revision: number };

const envelopeOf = ({ analyzer, window, key, revision }: EventParts) => {
  const windowStart = toIsoTime(window.startMs);
  const windowEnd = toIsoTime(window.endMs);
  const family = derivedFamilies[analyzer.outputTopic];
  // Fixed key order: the JSON of a derived event is byte-identical on replay.
  return {
    id: deriveEventId(analyzer.name, analyzer.version, key, windowStart, windowEnd),
    type: family.eventType,
    source: analyzerSourceOf(analyzer.name),
    subject: key,
    time: windowEnd,
    specversion: cloudEventsSpecVersion,
    analyzer: analyzer.name,
    analyzer_version: analyzer.version,
    key,
    window_start: windowStart,
    window_end: windowEnd,
    revision,
  };
};

const validated = (analyzer: EventParts["analyzer"], candidate: unknown): DerivedEvent => {
  const parsed = derivedFamilies[analyzer.outputTopic].eventSchema.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw internalError("analyzers.invalid_output", `Analyzer ${analyzer.name} produced an invalid ${analyzer.outputTopic} event: ${problems}`);
  }
  return parsed.data;
};

/** Wraps an analysis result in the derived envelope and checks it against its topic's contract. */
export const buildDerivedEvent = (parts: EventParts, item: DerivedItem): DerivedEvent =>
  validated(parts.analyzer, {
    ...envelopeOf(parts),
    retracted: false,
    evidence: item.evidence.slice(0, maxCitations),
    evidence_count: item.evidence.length,
    data: item.data,
  });

/** The event that withdraws an earlier result of the same window (a correction no longer supports it). */
export const buildRetraction = (parts: EventParts): DerivedEvent =>
  validated(parts.analyzer, { ...envelopeOf(parts), retracted: true, evidence: [], evidence_count: 0, data: null });

/** The final view of a derived stream: the highest revision of every id, in first-seen order. */
export const latestRevisions = (events: readonly DerivedEvent[]): DerivedEvent[] => {
  const latest = new Map<string, DerivedEvent>();
  for (const event of events) {
    const current = latest.get(event.id);
    if (!current || current.revision < event.revision) latest.set(event.id, event);
  }
  return [...latest.values()];
};

/** The canonical bytes of a derived event (what goes on the wire as JSON and what replays must reproduce). */
export const serializeDerivedEvent = (event: DerivedEvent): string => JSON.stringify(event);
