import type { DecodedRecord } from "../projection/projectBatch.ts";

/**
 * Time travel: the state as it was at event time T.
 *
 * - A raw event is in when its event time (`time`) is ≤ T, wherever it sits in
 *   its partition: a late event that arrived after T but happened before T is in.
 * - A derived event is in when the window it describes has closed by T:
 *   `window_end` ≤ T (its `time` is its window end). All its revisions that
 *   qualify are in, so late corrections of an old window are too.
 * - A clock tick is in when its time is ≤ T: it makes no row, but it moves the
 *   partition's `max_event_time` like any event.
 * - A dead-lettered record has no event time we can trust. It is in when its
 *   partition had not yet passed T when it arrived: every decodable record
 *   before it in the partition has event time ≤ T.
 *
 * The stored offset of a partition is where a projector reading in offset
 * order would have stopped: at the first record left out after its last record
 * that is in (or at the captured end when none follows), so transaction
 * markers right after the last record in are passed like a live projector
 * passes them. No row when no record of the partition is in. An as-of file is
 * a snapshot to read, never one to swap in and resume from.
 */
export type AsOfPartitionState = {
  /** Highest event time (ms) of any decodable record seen so far in the partition, in or not. */
  maxEventTimeMs: number | null;
  /** One past the last record that is in; null while none is. */
  lastIncludedNext: bigint | null;
  /** The first record left out after the last one that is in; null while none is. */
  stopAt: bigint | null;
};

export const initialAsOfState: AsOfPartitionState = { maxEventTimeMs: null, lastIncludedNext: null, stopAt: null };

/** The offset an as-of file stores for a partition read up to `end`; null: no row. */
export const asOfNextOffset = (state: AsOfPartitionState, end: bigint): bigint | null =>
  state.lastIncludedNext === null ? null : (state.stopAt ?? end);

export const eventTimeForAsOf = (event: { time: string; window_end?: unknown }): number =>
  Date.parse(typeof event.window_end === "string" ? event.window_end : event.time);

/** Keeps the records of one partition's batch that belong to the state as of `asOfMs`, in offset order. */
export const selectAsOf = (
  records: readonly DecodedRecord[],
  asOfMs: number,
  state: AsOfPartitionState,
): { included: DecodedRecord[]; excluded: number; state: AsOfPartitionState } => {
  let { maxEventTimeMs, lastIncludedNext, stopAt } = state;
  const included: DecodedRecord[] = [];
  let excluded = 0;
  const take = (record: DecodedRecord, isIn: boolean) => {
    if (isIn) {
      included.push(record);
      lastIncludedNext = BigInt(record.offset) + 1n;
      stopAt = null;
    } else {
      excluded += 1;
      if (lastIncludedNext !== null && stopAt === null) stopAt = BigInt(record.offset);
    }
  };
  for (const record of records) {
    if (record.kind === "poison") {
      take(record, maxEventTimeMs === null || maxEventTimeMs <= asOfMs);
      continue;
    }
    const timeMs = record.kind === "tick" ? Date.parse(record.time) : eventTimeForAsOf(record.projected.event);
    maxEventTimeMs = maxEventTimeMs === null ? timeMs : Math.max(maxEventTimeMs, timeMs);
    take(record, timeMs <= asOfMs);
  }
  return { included, excluded, state: { maxEventTimeMs, lastIncludedNext, stopAt } };
};
