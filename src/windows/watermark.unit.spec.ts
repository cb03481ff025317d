import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  assignPartitions,
  createWatermarkState,
  isWindowClosed,
  observeEventTime,
  partitionIdOf,
  watermarkOf,
} from "./watermark.ts";

const p0 = partitionIdOf("witness.operations", 0);
const p1 = partitionIdOf("witness.operations", 1);

describe("watermark", () => {
  it("is unknown until every assigned partition has delivered an event", () => {
    const state = observeEventTime(createWatermarkState([p0, p1], 0), p0, 1_000);
    assert.equal(watermarkOf(state), null);
    assert.equal(watermarkOf(observeEventTime(state, p1, 2_000)), 1_000);
  });

  it("is the minimum over partitions of the maximum event time, minus the grace period", () => {
    let state = createWatermarkState([p0, p1], 100);
    state = observeEventTime(state, p0, 5_000);
    state = observeEventTime(state, p1, 3_000);
    state = observeEventTime(state, p1, 2_000); // out of order: the maximum stays
    assert.equal(watermarkOf(state), 2_900);
  });

  it("moves forward on a clock tick in a quiet partition like on any event", () => {
    let state = createWatermarkState([p0, p1], 0);
    state = observeEventTime(state, p0, 10_000);
    state = observeEventTime(state, p1, 1_000);
    assert.equal(watermarkOf(state), 1_000);
    state = observeEventTime(state, p1, 9_000); // the tick
    assert.equal(watermarkOf(state), 9_000);
  });

  it("returns the same state object when an event does not move anything", () => {
    const state = observeEventTime(createWatermarkState([p0], 0), p0, 5_000);
    assert.equal(observeEventTime(state, p0, 4_000), state);
    assert.equal(observeEventTime(state, partitionIdOf("other", 0), 9_000), state);
  });

  it("keeps the progress of kept partitions on reassignment and waits for new ones", () => {
    let state = observeEventTime(createWatermarkState([p0], 0), p0, 5_000);
    state = assignPartitions(state, [p0, p1]);
    assert.equal(state.maxEventTimeMs[p0], 5_000);
    assert.equal(watermarkOf(state), null);
  });

  it("closes a window once the watermark reaches its end", () => {
    assert.equal(isWindowClosed(1_000, 999), false);
    assert.equal(isWindowClosed(1_000, 1_000), true);
    assert.equal(isWindowClosed(1_000, null), false);
  });
});
