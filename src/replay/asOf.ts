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
 * The as-of state's stored offset of a partition is one past its last record
 * that is in: where a projector would have stood had it stopped there. An
 * as-of file is a snapshot to read, never one to swap in and resume from.
 */
export type AsOfPartitionState = {
  /** Highest event time (ms) of any decodable record seen so far in the partition, in or not. */
  maxEventTimeMs: number | null;
};

export const eventTimeForAsOf = (event: { time: string; window_end?: unknown }): number =>
  Date.parse(typeof event.window_end === "string" ? event.window_end : event.time);

/** Keeps the records of one partition's batch that belong to the state as of `asOfMs`, in offset order. */
export const selectAsOf = (
  records: readonly DecodedRecord[],
  asOfMs: number,
  state: AsOfPartitionState,
): { included: DecodedRecord[]; excluded: number; state: AsOfPartitionState } => {
  let maxEventTimeMs = state.maxEventTimeMs;
  const included: DecodedRecord[] = [];
  let excluded = 0;
  for (const record of records) {
    if (record.kind === "poison") {
      if (maxEventTimeMs === null || maxEventTimeMs <= asOfMs) included.push(record);
      else excluded += 1;
      continue;
    }
    const timeMs = record.kind === "tick" ? Date.parse(record.time) : eventTimeForAsOf(record.projected.event);
    maxEventTimeMs = maxEventTimeMs === null ? timeMs : Math.max(maxEventTimeMs, timeMs);
    if (timeMs <= asOfMs) included.push(record);
    else excluded += 1;
  }
  return { included, excluded, state: { maxEventTimeMs } };
};
