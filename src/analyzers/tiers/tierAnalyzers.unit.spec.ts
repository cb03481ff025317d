import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DerivedEvent } from "../../events/derived/derivedFamilies.ts";
import type { EvaluationData } from "../../events/derived/evaluation.ts";
import { clockTick, noteEvent, notesTopic } from "../../testing/rawEvents.ts";
import { dayMs, hourMs } from "../../windows/windowSpec.ts";
import { createAnalyzerGroup, createAnalyzerGroupState, type InputRecord, processRecords } from "../analyzerGroup.ts";
import { latestRevisions, serializeDerivedEvent } from "../derivedEvents.ts";
import { evaluationRetentionMs, isPastRetention } from "./retention.ts";
import { createTierAnalyzers, type TierOptions } from "./tierAnalyzers.ts";

const monday = Date.parse("2025-03-24T00:00:00Z");
const partitions = [`${notesTopic}/0`];

const note = (id: string, user: string, atMs: number, text: string): InputRecord => ({
  topic: notesTopic,
  partition: 0,
  offset: Math.floor((atMs - monday) / 1000),
  event: noteEvent({ id, timeMs: atMs }, { user_id: user, note: text }),
});
const tick = (atMs: number): InputRecord => ({ topic: notesTopic, partition: 0, offset: Math.floor((atMs - monday) / 1000), event: clockTick(atMs, notesTopic, 0) });
const ticksUntil = (fromMs: number, untilMs: number): InputRecord[] => {
  const ticks: InputRecord[] = [];
  for (let t = fromMs; t <= untilMs; t += hourMs) ticks.push(tick(t));
  return ticks;
};

const run = (records: InputRecord[], options: Partial<TierOptions> = {}) => {
  const group = createAnalyzerGroup("tiers", createTierAnalyzers(options), { graceMs: 0 });
  return processRecords(group, createAnalyzerGroupState(group, partitions), records);
};

const evaluation = (event: DerivedEvent): EvaluationData => event.data as EvaluationData;
const ofKind = (events: DerivedEvent[], kind: EvaluationData["kind"]) => events.filter((e) => e.data !== null && evaluation(e).kind === kind);

describe("tiered evaluator", () => {
  it("synthesises a meta per quarter day with notes, then the daily report from the metas", () => {
    const { derived } = run([
      note("n1", "ada", monday + 2 * hourMs, "User happy with the search feature"),
      note("n2", "ada", monday + 14 * hourMs, "Search feature works, user pleased"),
      ...ticksUntil(monday + 3 * hourMs, monday + dayMs),
    ]);
    assert.equal(ofKind(derived, "meta").length, 2);
    const [daily] = ofKind(derived, "daily");
    assert.equal(evaluation(daily!).daily!.meta_count, 2);
    assert.equal(evaluation(daily!).daily!.raw_notes_fallback, false);
    assert.equal(daily!.window_start, "2025-03-24T00:00:00.000Z");
  });

  it("gives a user who stops writing an inactivity-flagged report when the clock ticks past the day's end", () => {
    const records = [note("n1", "ada", monday + 10 * hourMs, "User stuck on deploys"), ...ticksUntil(monday + 11 * hourMs, monday + 3 * dayMs)];
    const first = run(records).derived;
    const reports = ofKind(first, "daily").map((e) => [e.window_start.slice(0, 10), evaluation(e).daily!.inactivity_flag]);
    assert.deepEqual(reports, [["2025-03-24", false], ["2025-03-25", true], ["2025-03-26", true]]);
    const replay = run(records).derived;
    assert.deepEqual(replay.map(serializeDerivedEvent), first.map(serializeDerivedEvent));
  });

  it("stops inactivity reports once the keep-alive after the last note has run out", () => {
    const { derived } = run([note("n1", "ada", monday + hourMs, "ok"), ...ticksUntil(monday + 2 * hourMs, monday + 10 * dayMs)], {
      inactivityKeepAliveMs: 2 * dayMs,
    });
    // Days that start within two days of the note: its own and the next two.
    assert.deepEqual(
      ofKind(derived, "daily").map((e) => e.window_start.slice(0, 10)),
      ["2025-03-24", "2025-03-25", "2025-03-26"],
    );
  });

  it("corrects a closed day with a higher revision when a note arrives late", () => {
    const records = [
      note("n1", "ada", monday + 10 * hourMs, "User happy"),
      ...ticksUntil(monday + 11 * hourMs, monday + dayMs + 2 * hourMs),
      note("late", "ada", monday + 20 * hourMs, "User frustrated by slow builds"),
    ];
    const { derived, late } = run(records);
    const dailies = ofKind(derived, "daily").filter((e) => e.window_start === "2025-03-24T00:00:00.000Z");
    assert.ok(dailies.length >= 2);
    assert.equal(new Set(dailies.map((e) => e.id)).size, 1);
    const final = latestRevisions(dailies)[0]!;
    assert.ok(final.revision > 1);
    assert.equal(evaluation(final).daily!.note_count, 2);
    assert.ok(late.some((l) => l.event_id === "late" && l.outcome === "corrected"));
  });

  it("cuts days in the user's own time zone", () => {
    const { derived } = run(
      [note("n1", "kai", Date.parse("2025-03-24T20:00:00Z"), "User happy"), ...ticksUntil(monday + 21 * hourMs, monday + 2 * dayMs)],
      { timeZoneOf: (user) => (user === "kai" ? "Asia/Tokyo" : undefined) },
    );
    const [daily] = ofKind(derived, "daily");
    assert.equal(evaluation(daily!).daily!.date, "2025-03-25");
    assert.equal(evaluation(daily!).daily!.time_zone, "Asia/Tokyo");
    assert.equal(daily!.window_start, "2025-03-24T15:00:00.000Z");
  });

  it("reads raw notes for users the meta cap left out, and flags the fallback", () => {
    const { derived } = run(
      [
        note("a1", "ada", monday + hourMs, "User happy"),
        note("a2", "ada", monday + 2 * hourMs, "User happy again"),
        note("b1", "bob", monday + hourMs, "User confused"),
        ...ticksUntil(monday + 3 * hourMs, monday + dayMs),
      ],
      { caps: { meta: 1, daily: 30, weekly: 20 } },
    );
    assert.deepEqual(ofKind(derived, "meta").map((e) => e.key), ["ada"]);
    const fallback = Object.fromEntries(ofKind(derived, "daily").map((e) => [e.key, evaluation(e).daily!.raw_notes_fallback]));
    assert.deepEqual(fallback, { ada: false, bob: true });
  });

  it("plans the week from at least two active days", () => {
    const { derived } = run([
      note("n1", "ada", monday + 10 * hourMs, "User happy with deployment progress"),
      note("n2", "ada", monday + dayMs + 10 * hourMs, "User frustrated, deployment failed again"),
      ...ticksUntil(monday + 11 * hourMs, monday + 7 * dayMs),
    ]);
    const [weekly, ...rest] = ofKind(derived, "weekly");
    assert.equal(rest.length, 0);
    assert.equal(evaluation(weekly!).weekly!.week_start, "2025-03-24");
    assert.equal(evaluation(weekly!).weekly!.active_day_count, 2);
    assert.equal(weekly!.evidence_count, 2);
  });
});

describe("evaluation retention", () => {
  it("keeps metas 48 hours and daily reports 90 days after their window", () => {
    assert.equal(evaluationRetentionMs.meta, 48 * hourMs);
    assert.equal(evaluationRetentionMs.daily, 90 * dayMs);
    const meta = { window_end: "2025-03-24T06:00:00.000Z", data: { kind: "meta" } } as const;
    assert.equal(isPastRetention(meta as never, Date.parse("2025-03-26T05:59:59Z")), false);
    assert.equal(isPastRetention(meta as never, Date.parse("2025-03-26T06:00:00Z")), true);
  });
});
