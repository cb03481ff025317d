import { createHash } from "node:crypto";
import type { z } from "zod";
import type { InputRecord } from "../analyzers/analyzerGroup.ts";
import { type ClockTick, clockTickSchema, eventTypes } from "../events/envelope.ts";
import type { RawTopicEvent } from "../events/families.ts";
import { type NoteRecorded, noteDataSchema, noteRecordedSchema } from "../events/noteRecorded.ts";
import { type OperationObserved, operationDataSchema, operationObservedSchema } from "../events/operationObserved.ts";
import { type SessionObserved, sessionDataSchema, sessionObservedSchema } from "../events/sessionObservation.ts";
import { toIsoTime } from "../windows/windowSpec.ts";

/** Builders of valid raw events for specs and the corpus: defaults filled by the zod schemas themselves. */

type Envelope = { id: string; timeMs: number; source?: string; subject?: string };

export const operationsTopic = "witness.operations";
export const sessionsTopic = "witness.sessions";
export const notesTopic = "witness.notes";

export const operationEvent = (envelope: Envelope, data: z.input<typeof operationDataSchema>): OperationObserved =>
  operationObservedSchema.parse({
    id: envelope.id,
    type: eventTypes.operationObserved,
    source: envelope.source ?? "agent/test",
    subject: envelope.subject ?? data.operation,
    time: toIsoTime(envelope.timeMs),
    specversion: "1.0",
    data,
  });

export const sessionEvent = (envelope: Envelope, data: z.input<typeof sessionDataSchema>): SessionObserved =>
  sessionObservedSchema.parse({
    id: envelope.id,
    type: eventTypes.sessionObserved,
    source: envelope.source ?? "agent/test",
    subject: envelope.subject ?? data.session_id,
    time: toIsoTime(envelope.timeMs),
    specversion: "1.0",
    data,
  });

export const noteEvent = (envelope: Envelope, data: z.input<typeof noteDataSchema>): NoteRecorded =>
  noteRecordedSchema.parse({
    id: envelope.id,
    type: eventTypes.noteRecorded,
    source: envelope.source ?? "agent/test",
    subject: envelope.subject ?? data.user_id,
    time: toIsoTime(envelope.timeMs),
    specversion: "1.0",
    data,
  });

export const clockTick = (timeMs: number, topic: string, partition: number): ClockTick =>
  clockTickSchema.parse({
    id: `tick:${topic}/${partition}:${timeMs}`,
    type: eventTypes.clockTick,
    source: "witness/clock",
    subject: `${topic}/${partition}`,
    time: toIsoTime(timeMs),
    specversion: "1.0",
    data: null,
  });

export const topicOfEvent = (event: RawTopicEvent): string =>
  event.type === eventTypes.operationObserved ? operationsTopic : event.type === eventTypes.sessionObserved ? sessionsTopic : notesTopic;

/** Stand-in for the Kafka key partitioner: stable, spreads subjects over partitions. */
export const partitionOfKey = (key: string, partitionCount: number): number =>
  createHash("sha256").update(key).digest().readUInt32BE(0) % partitionCount;

/**
 * Lays events out as Kafka would: by subject onto partitions, offsets in event-time
 * order per partition; then adds a clock tick to every partition of every topic at
 * each multiple of `tickEveryMs` up to `ticksUntilMs`. Returns records in
 * event-time order (ties: topic, partition, offset), the order a replay reads them.
 */
export const toInputRecords = (
  events: readonly RawTopicEvent[],
  options: { partitionCount?: number; tickEveryMs?: number; ticksFromMs?: number; ticksUntilMs?: number; topics?: readonly string[] } = {},
): InputRecord[] => {
  const partitionCount = options.partitionCount ?? 3;
  const topics = options.topics ?? [operationsTopic, sessionsTopic, notesTopic];
  const withTime = events.map((event) => ({ event, timeMs: Date.parse(event.time), topic: topicOfEvent(event) }));
  const ticks: typeof withTime = [];
  if (options.tickEveryMs !== undefined && options.ticksUntilMs !== undefined) {
    const fromMs = options.ticksFromMs ?? Math.min(...withTime.map((e) => e.timeMs));
    const firstMs = Math.ceil(fromMs / options.tickEveryMs) * options.tickEveryMs;
    for (let timeMs = firstMs; timeMs <= options.ticksUntilMs; timeMs += options.tickEveryMs) {
      for (const topic of topics) {
        for (let partition = 0; partition < partitionCount; partition++) {
          ticks.push({ event: clockTick(timeMs, topic, partition), timeMs, topic });
        }
      }
    }
  }
  const placed = [...withTime, ...ticks]
    .map((e) => ({
      ...e,
      partition: e.event.type === eventTypes.clockTick ? Number(e.event.subject.split("/").pop()) : partitionOfKey(e.event.subject, partitionCount),
    }))
    .sort((a, b) => a.timeMs - b.timeMs || (a.event.type === eventTypes.clockTick ? 1 : 0) - (b.event.type === eventTypes.clockTick ? 1 : 0) || (a.event.id < b.event.id ? -1 : 1));
  const nextOffset = new Map<string, number>();
  return placed.map(({ event, topic, partition }) => {
    const id = `${topic}/${partition}`;
    const offset = nextOffset.get(id) ?? 0;
    nextOffset.set(id, offset + 1);
    return { topic, partition, offset, event };
  });
};
