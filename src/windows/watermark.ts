import { z } from "zod";

/**
 * Event-time progress of one consumer: the highest event time seen on each
 * assigned topic-partition (null until it delivers anything), and the grace
 * period that out-of-order events get before windows close without them.
 * Clock ticks count like any event, which is how quiet partitions move on.
 */
export const watermarkStateSchema = z.strictObject({
  graceMs: z.number().int().min(0),
  maxEventTimeMs: z.record(z.string(), z.number().nullable()),
});
export type WatermarkState = z.infer<typeof watermarkStateSchema>;

export const partitionIdOf = (topic: string, partition: number): string => `${topic}/${partition}`;

export const createWatermarkState = (partitionIds: readonly string[], graceMs: number): WatermarkState => ({
  graceMs,
  maxEventTimeMs: Object.fromEntries([...partitionIds].sort().map((id) => [id, null])),
});

/**
 * Re-assignment after a rebalance: partitions kept keep their progress, new ones
 * start unknown (and hold the watermark back until they deliver).
 */
export const assignPartitions = (state: WatermarkState, partitionIds: readonly string[]): WatermarkState => ({
  graceMs: state.graceMs,
  maxEventTimeMs: Object.fromEntries([...partitionIds].sort().map((id) => [id, state.maxEventTimeMs[id] ?? null])),
});

/** Records an event time (or a clock tick) seen on a partition. Returns the same state when nothing moved. */
export const observeEventTime = (state: WatermarkState, partitionId: string, eventTimeMs: number): WatermarkState => {
  if (!(partitionId in state.maxEventTimeMs)) return state; // not assigned to us: cannot move our watermark
  const current = state.maxEventTimeMs[partitionId] ?? null;
  if (current !== null && current >= eventTimeMs) return state;
  return { graceMs: state.graceMs, maxEventTimeMs: { ...state.maxEventTimeMs, [partitionId]: eventTimeMs } };
};

/**
 * min over assigned partitions of their max event time, minus the grace period;
 * null while any assigned partition has delivered nothing or none are assigned.
 */
export const watermarkOf = (state: WatermarkState): number | null => {
  const maxima = Object.values(state.maxEventTimeMs);
  if (maxima.length === 0) return null;
  let lowest = Number.POSITIVE_INFINITY;
  for (const max of maxima) {
    if (max === null) return null;
    lowest = Math.min(lowest, max);
  }
  return lowest - state.graceMs;
};

/** A window is closed once the watermark has reached its end. */
export const isWindowClosed = (windowEndMs: number, watermarkMs: number | null): boolean =>
  watermarkMs !== null && watermarkMs >= windowEndMs;
