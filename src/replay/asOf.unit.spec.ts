import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DecodedRecord } from "../projection/projectBatch.ts";
import { asOfNextOffset, initialAsOfState, selectAsOf } from "./asOf.ts";

const T = Date.parse("2026-11-20T10:00:00Z");
const position = (offset: number) => ({ topic: "t", partition: 0, offset: String(offset) });
const event = (offset: number, time: string): DecodedRecord => ({
  kind: "event",
  offset: String(offset),
  projected: { event: { type: "witness.operation.observed", time }, position: position(offset) },
});
const derived = (offset: number, windowEnd: string): DecodedRecord => ({
  kind: "event",
  offset: String(offset),
  projected: { event: { type: "witness.diagnosis.derived", time: windowEnd, window_end: windowEnd } as never, position: position(offset) },
});
const tick = (offset: number, time: string): DecodedRecord => ({ kind: "tick", offset: String(offset), time });
const poison = (offset: number): DecodedRecord => ({
  kind: "poison",
  offset: String(offset),
  letter: { original: { key: null, value: null, headers: {} }, source: { ...position(offset), group: "g" }, reason: "wire.magic", detail: "" },
});
const offsets = (records: readonly DecodedRecord[]) => records.map((r) => Number(r.offset));

describe("the state as of an event time", () => {
  it("keeps events and ticks with event time at or before T, including late ones that arrived after later events", () => {
    const { included, excluded } = selectAsOf(
      [event(0, "2026-11-20T09:59:59Z"), event(1, "2026-11-20T10:00:00Z"), tick(2, "2026-11-20T10:00:01Z"), event(3, "2026-11-20T10:05:00Z"), event(4, "2026-11-20T09:30:00Z")],
      T,
      initialAsOfState,
    );
    assert.deepEqual(offsets(included), [0, 1, 4]);
    assert.equal(excluded, 2);
  });

  it("keeps derived events whose window ended by T", () => {
    const { included } = selectAsOf([derived(0, "2026-11-20T10:00:00Z"), derived(1, "2026-11-20T11:00:00Z")], T, initialAsOfState);
    assert.deepEqual(offsets(included), [0]);
  });

  it("keeps a dead letter only while its partition had not passed T, carrying that across batches", () => {
    const first = selectAsOf([poison(0), event(1, "2026-11-20T09:00:00Z"), poison(2)], T, initialAsOfState);
    assert.deepEqual(offsets(first.included), [0, 1, 2]);
    const second = selectAsOf([tick(3, "2026-11-20T10:00:30Z"), poison(4), event(5, "2026-11-20T09:10:00Z")], T, first.state);
    assert.deepEqual(offsets(second.included), [5], "the tick after T moved the partition past T; the late event is still in");
    const third = selectAsOf([poison(6)], T, second.state);
    assert.deepEqual(offsets(third.included), []);
  });

  it("stores where an in-order projector would have stopped: at the first record left out after the last one in", () => {
    const { state } = selectAsOf([event(0, "2026-11-20T09:00:00Z"), event(1, "2026-11-20T11:00:00Z"), event(2, "2026-11-20T09:30:00Z"), event(5, "2026-11-20T10:30:00Z"), event(6, "2026-11-20T10:40:00Z")], T, initialAsOfState);
    assert.equal(asOfNextOffset(state, 9n), 5n, "offsets 3 and 4 (transaction markers) after the last record in are passed");
    const allIn = selectAsOf([event(0, "2026-11-20T09:00:00Z")], T, initialAsOfState).state;
    assert.equal(asOfNextOffset(allIn, 2n), 2n, "nothing left out after it: the captured end");
    const noneIn = selectAsOf([event(0, "2026-11-20T11:00:00Z")], T, initialAsOfState).state;
    assert.equal(asOfNextOffset(noneIn, 1n), null, "no row for a partition with nothing in");
  });
});
