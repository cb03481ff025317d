import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DailyReport } from "../../events/derived/evaluation.ts";
import { adjustmentsOf, frictionPointsOf, scoreNote, themesOf, trajectoryOf } from "./noteSignals.ts";
import { buildDailyReport, buildWeeklyPlan, synthesizeMeta } from "./tierReports.ts";

describe("note signals", () => {
  it("scores sentiment from the lexicon, a negator flipping the next word", () => {
    assert.equal(scoreNote("User was happy, the fix works").sentiment, 1);
    assert.equal(scoreNote("User was not happy and frustrated").sentiment, -1);
    assert.equal(scoreNote("Talked about the weather").sentiment, 0);
  });

  it("calls a rising series improving, a falling one declining, a flat one stable", () => {
    assert.equal(trajectoryOf([-0.5, -0.2, 0.4, 0.8]), "improving");
    assert.equal(trajectoryOf([0.8, 0.5, -0.2, -0.6]), "declining");
    assert.equal(trajectoryOf([0.2, 0.1, 0.2, 0.1]), "stable");
    assert.equal(trajectoryOf([0.5]), "stable");
  });

  it("calls a series that keeps flipping sign with a large spread volatile", () => {
    assert.equal(trajectoryOf([1, -1, 1, -1, 1, -1]), "volatile");
  });

  it("finds themes that recur across notes", () => {
    assert.deepEqual(themesOf(["Worked on the deployment script", "Deployment script failed twice", "Asked about billing deployment"]), [
      "deployment",
      "script",
    ]);
  });

  it("collects negative sentences as friction points and maps them to adjustments", () => {
    const notes = ["Good start. User got confused by the config format.", "User confused by the config format", "Frustrated by slow answers."];
    assert.deepEqual(frictionPointsOf(notes), ["User got confused by the config format", "User confused by the config format", "Frustrated by slow answers"]);
    assert.equal(adjustmentsOf(notes)[0], "Explain steps more explicitly and check understanding before moving on.");
  });
});

describe("synthesizeMeta", () => {
  it("needs at least one note", () => {
    assert.equal(synthesizeMeta([]), null);
    assert.equal(synthesizeMeta(["User was happy with the migration"])!.note_count, 1);
  });

  it("keeps secrets out of consensus, themes and friction", () => {
    const meta = synthesizeMeta(["User pasted password=swordfish123 and was frustrated", "password=swordfish123 again, frustrated"])!;
    assert.doesNotMatch(JSON.stringify(meta), /swordfish/);
  });

  it("reads at most the latest 100 notes of a busy window", () => {
    const notes = Array.from({ length: 130 }, (_, i) => (i < 30 ? "User frustrated and stuck" : "User happy, progress is smooth"));
    const meta = synthesizeMeta(notes)!;
    assert.equal(meta.note_count, 100);
    assert.equal(meta.total_note_count, 130);
    assert.equal(meta.sentiment, 1);
  });
});

describe("buildDailyReport", () => {
  const meta = synthesizeMeta(["User happy with the search feature", "Search feature works well"])!;

  it("builds the day from its metas", () => {
    const report = buildDailyReport({ date: "2025-03-24", timeZone: "UTC", metas: [meta], uncoveredNotes: [], noteCount: 2 });
    assert.equal(report.inactivity_flag, false);
    assert.equal(report.raw_notes_fallback, false);
    assert.equal(report.meta_count, 1);
    assert.deepEqual(report.themes, ["feature", "search"]);
  });

  it("falls back to raw notes when no meta covers them, and says so", () => {
    const report = buildDailyReport({ date: "2025-03-24", timeZone: "UTC", metas: [], uncoveredNotes: ["User stuck on the deploy"], noteCount: 1 });
    assert.equal(report.inactivity_flag, false);
    assert.equal(report.raw_notes_fallback, true);
    assert.match(report.summary, /raw notes/);
  });

  it("flags a day without any notes as inactive", () => {
    const report = buildDailyReport({ date: "2025-03-24", timeZone: "Europe/Berlin", metas: [], uncoveredNotes: [], noteCount: 0 });
    assert.equal(report.inactivity_flag, true);
    assert.equal(report.summary, "No interaction detected.");
  });
});

describe("buildWeeklyPlan", () => {
  const day = (date: string, sentiment: number, inactive = false): DailyReport =>
    buildDailyReport({
      date,
      timeZone: "UTC",
      metas: inactive ? [] : [synthesizeMeta([sentiment > 0 ? "User happy with deployment progress" : "User frustrated, deployment failed again"])!],
      uncoveredNotes: [],
      noteCount: inactive ? 0 : 1,
    });

  it("needs two active daily reports", () => {
    assert.equal(buildWeeklyPlan("2025-03-24", "UTC", [day("2025-03-24", 1), day("2025-03-25", 0, true)]), null);
  });

  it("plans stages with expected and expiry days, sub-goals, a failure strategy and a monthly objective", () => {
    const plan = buildWeeklyPlan("2025-03-24", "UTC", [day("2025-03-24", 1), day("2025-03-25", -1), day("2025-03-26", -1)])!;
    assert.equal(plan.active_day_count, 3);
    assert.equal(plan.trajectory, "declining");
    assert.match(plan.stages[0]!.name, /^Stabilise: /);
    assert.equal(plan.stages[0]!.failure_strategy, "simplify");
    assert.ok(plan.stages.every((s) => s.expiry_days > s.expected_days && s.sub_goals.length > 0));
    assert.match(plan.monthly_objective, /^Reverse the decline/);
  });
});
