import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createWindowAssigner } from "./windowAssigner.ts";
import {
  addToWindows,
  closeWindows,
  createWindowOperatorState,
  type WindowOperatorConfig,
  type WindowOperatorState,
} from "./windowOperator.ts";
import { dayMs, hourMs } from "./windowSpec.ts";

type Item = { id: string; revision: number; timeMs: number; label?: string };

const t0 = Date.parse("2025-03-24T00:00:00Z");
const item = (id: string, offsetMs: number, revision = 0): Item => ({ id, revision, timeMs: t0 + offsetMs });

const tumblingHour = (overrides: Partial<WindowOperatorConfig> = {}): WindowOperatorConfig => ({
  assigner: createWindowAssigner({ kind: "tumbling", sizeMs: hourMs }),
  allowedLatenessMs: dayMs,
  keepAliveMs: null,
  ...overrides,
});

/** Adds events (each with the watermark before it) then closes at the given watermark. */
const run = (config: WindowOperatorConfig, steps: Array<[Item, string[], number | null]>, closeAtMs: number | null) => {
  let state: WindowOperatorState<Item> = createWindowOperatorState();
  const late = [];
  const corrections = [];
  for (const [element, keys, watermarkMs] of steps) {
    const added = addToWindows(config, state, element, keys, watermarkMs);
    state = added.state;
    late.push(...added.late);
    corrections.push(...added.corrections);
  }
  const closed = closeWindows(config, state, closeAtMs);
  return { state: closed.state, emissions: closed.emissions, late, corrections, evicted: closed.evicted };
};

describe("window operator", () => {
  it("keeps a window open until the watermark reaches its end", () => {
    const config = tumblingHour();
    const { emissions } = run(config, [[item("a", 10 * 60_000), ["k"], null]], t0 + hourMs - 1);
    assert.equal(emissions.length, 0);
  });

  it("closes a window when the watermark passes its end, with revision 1 and events in time order", () => {
    const config = tumblingHour();
    const { emissions } = run(
      config,
      [
        [item("b", 20 * 60_000), ["k"], null],
        [item("a", 10 * 60_000), ["k"], null],
      ],
      t0 + hourMs,
    );
    assert.equal(emissions.length, 1);
    assert.equal(emissions[0]!.revision, 1);
    assert.equal(emissions[0]!.reason, "closed");
    assert.deepEqual(emissions[0]!.events.map((e) => e.id), ["a", "b"]);
  });

  it("closes windows of different keys in end, start, key order", () => {
    const config = tumblingHour();
    const { emissions } = run(
      config,
      [
        [item("x", hourMs + 5), ["b"], null],
        [item("y", 5), ["z"], null],
        [item("w", 5), ["a"], null],
      ],
      t0 + 2 * hourMs,
    );
    assert.deepEqual(emissions.map((e) => [e.key, e.window.startMs - t0]), [["a", 0], ["z", 0], ["b", hourMs]]);
  });

  it("puts an event into every hopping window containing it, storing it once", () => {
    const config = tumblingHour({ assigner: createWindowAssigner({ kind: "hopping", sizeMs: 3 * hourMs, hopMs: hourMs }) });
    const { emissions, state } = run(config, [[item("a", 2 * hourMs + 1), ["k"], null]], t0 + 5 * hourMs);
    assert.equal(emissions.length, 3);
    assert.ok(emissions.every((e) => e.events.length === 1));
    assert.equal(Object.keys(state.slices.k!).length, 1);
  });

  it("turns an event for a closed window into a late record and a corrected result with a higher revision", () => {
    const config = tumblingHour();
    let state: WindowOperatorState<Item> = createWindowOperatorState();
    state = addToWindows(config, state, item("a", 5), ["k"], null).state;
    const first = closeWindows(config, state, t0 + hourMs);
    const lateArrival = addToWindows(config, first.state, item("late", 30 * 60_000), ["k"], t0 + hourMs);
    assert.deepEqual(lateArrival.late.map((l) => l.outcome), ["corrected"]);
    assert.equal(lateArrival.corrections.length, 1);
    assert.equal(lateArrival.corrections[0]!.revision, 2);
    assert.deepEqual(lateArrival.corrections[0]!.events.map((e) => e.id), ["a", "late"]);
  });

  it("records an event later than the allowed lateness as expired and applies it nowhere", () => {
    const config = tumblingHour({ allowedLatenessMs: hourMs });
    let state: WindowOperatorState<Item> = createWindowOperatorState();
    state = addToWindows(config, state, item("a", 5), ["k"], null).state;
    state = closeWindows(config, state, t0 + 3 * hourMs).state;
    const lateArrival = addToWindows(config, state, item("too-late", 10), ["k"], t0 + 3 * hourMs);
    assert.deepEqual(lateArrival.late.map((l) => l.outcome), ["expired"]);
    assert.equal(lateArrival.corrections.length, 0);
  });

  it("emits the first result of a key whose window closed before its only event arrived", () => {
    const config = tumblingHour();
    const { emissions, late } = run(config, [[item("a", 5), ["k"], t0 + 2 * hourMs]], t0 + 2 * hourMs);
    assert.deepEqual(late.map((l) => l.outcome), ["reopened"]);
    assert.equal(emissions.length, 1);
    assert.equal(emissions[0]!.revision, 1);
  });

  it("ignores a redelivered event so a restart cannot double-count or trigger corrections", () => {
    const config = tumblingHour();
    let state: WindowOperatorState<Item> = createWindowOperatorState();
    state = addToWindows(config, state, item("a", 5), ["k"], null).state;
    state = closeWindows(config, state, t0 + hourMs).state;
    const again = addToWindows(config, state, item("a", 5), ["k"], t0 + hourMs);
    assert.equal(again.state, state);
    assert.equal(again.corrections.length, 0);
    assert.equal(again.late.length, 0);
  });

  it("replaces an element by a higher revision with the same id", () => {
    const config = tumblingHour();
    const { emissions } = run(
      config,
      [
        [{ ...item("d", 5, 1), label: "first" }, ["k"], null],
        [{ ...item("d", 5, 2), label: "second" }, ["k"], null],
        [{ ...item("d", 5, 1), label: "stale" }, ["k"], null],
      ],
      t0 + hourMs,
    );
    assert.deepEqual(emissions[0]!.events.map((e) => e.label), ["second"]);
  });

  it("closes empty windows of a kept-alive key until the keep-alive runs out", () => {
    const config = tumblingHour({ assigner: createWindowAssigner({ kind: "calendar", period: "day" }), keepAliveMs: 2 * dayMs });
    const { emissions, state } = run(config, [[item("a", hourMs), ["ada"], null]], t0 + 10 * dayMs);
    assert.deepEqual(
      emissions.map((e) => [new Date(e.window.startMs).toISOString().slice(0, 10), e.events.length]),
      [["2025-03-24", 1], ["2025-03-25", 0], ["2025-03-26", 0]],
    );
    assert.deepEqual(state.keepAlive, {});
  });

  it("evicts closed windows and their events once past the allowed lateness", () => {
    const config = tumblingHour({ allowedLatenessMs: hourMs });
    const { state, evicted } = run(config, [[item("a", 5), ["k"], null]], t0 + 2 * hourMs);
    assert.equal(evicted.length, 1);
    assert.deepEqual(state.panes, {});
    assert.deepEqual(state.slices, {});
    assert.equal(state.nextDueMs, null);
  });

  it("does not mutate the state it was given", () => {
    const config = tumblingHour();
    const initial: WindowOperatorState<Item> = createWindowOperatorState();
    const snapshot = JSON.stringify(initial);
    const added = addToWindows(config, initial, item("a", 5), ["k"], null);
    const before = JSON.stringify(added.state);
    closeWindows(config, added.state, t0 + hourMs);
    assert.equal(JSON.stringify(initial), snapshot);
    assert.equal(JSON.stringify(added.state), before);
  });
});
