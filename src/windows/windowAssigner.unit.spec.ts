import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isWitnessError } from "../errors/witnessError.ts";
import { createWindowAssigner, hoppingWindowsOf, tumblingWindowOf } from "./windowAssigner.ts";
import { dayMs, hourMs } from "./windowSpec.ts";

const at = (iso: string): number => Date.parse(iso);

describe("tumblingWindowOf", () => {
  it("aligns windows to the epoch so every consumer cuts the same windows", () => {
    assert.deepEqual(tumblingWindowOf(at("2025-03-24T10:17:00Z"), hourMs), {
      startMs: at("2025-03-24T10:00:00Z"),
      endMs: at("2025-03-24T11:00:00Z"),
    });
  });

  it("puts an instant on a boundary into the window that starts there", () => {
    assert.equal(tumblingWindowOf(at("2025-03-24T11:00:00Z"), hourMs).startMs, at("2025-03-24T11:00:00Z"));
  });

  it("shifts boundaries by the offset", () => {
    assert.equal(tumblingWindowOf(at("2025-03-24T10:17:00Z"), hourMs, 15 * 60_000).startMs, at("2025-03-24T10:15:00Z"));
  });
});

describe("hoppingWindowsOf", () => {
  it("returns size / hop windows containing the instant, ordered by start", () => {
    const windows = hoppingWindowsOf(at("2025-03-24T10:17:00Z"), 4 * hourMs, hourMs);
    assert.equal(windows.length, 4);
    assert.deepEqual(
      windows.map((w) => new Date(w.startMs).toISOString().slice(11, 16)),
      ["07:00", "08:00", "09:00", "10:00"],
    );
    for (const window of windows) assert.ok(window.startMs <= at("2025-03-24T10:17:00Z") && window.endMs > at("2025-03-24T10:17:00Z"));
  });
});

describe("createWindowAssigner", () => {
  it("stores hopping events in one-hop slices", () => {
    const assigner = createWindowAssigner({ kind: "hopping", sizeMs: dayMs, hopMs: hourMs });
    assert.equal(assigner.isOverlapping, true);
    const slice = assigner.sliceOf("k", at("2025-03-24T10:17:00Z"));
    assert.equal(slice.endMs - slice.startMs, hourMs);
  });

  it("rejects a hop that does not divide the size", () => {
    assert.throws(
      () => createWindowAssigner({ kind: "hopping", sizeMs: 5 * hourMs, hopMs: 2 * hourMs }),
      (error) => isWitnessError(error) && error.code === "windows.hopping",
    );
  });

  it("cuts calendar days in each key's own time zone, UTC when it has none", () => {
    const zones: Record<string, string> = { ada: "Europe/Berlin" };
    const assigner = createWindowAssigner({ kind: "calendar", period: "day" }, { timeZoneOf: (key) => zones[key] });
    const instant = at("2025-03-24T23:30:00Z");
    assert.equal(assigner.windowsOf("ada", instant)[0]!.startMs, at("2025-03-24T23:00:00Z"));
    assert.equal(assigner.windowsOf("bob", instant)[0]!.startMs, at("2025-03-24T00:00:00Z"));
  });
});
