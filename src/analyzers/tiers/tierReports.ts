import type { DailyReport, MetaSynthesis, Trajectory, WeeklyPlan } from "../../events/derived/evaluation.ts";
import { redactSecrets } from "../../events/redact.ts";
import { truncate } from "../text.ts";
import {
  adjustmentsOf,
  concreteAdjustments,
  describeSentiment,
  frictionPointsOf,
  meanOf,
  roundSentiment,
  scoreNote,
  themesOf,
  trajectoryOf,
} from "./noteSignals.ts";

/** The most notes one meta synthesis reads; a busier window is read from its latest notes. */
export const maxNotesPerMeta = 100;

/** A 6-hour meta synthesis of a user's notes (time-ordered), or null without notes. */
export const synthesizeMeta = (notes: readonly string[]): MetaSynthesis | null => {
  if (notes.length === 0) return null;
  // Redact up front: themes and consensus are built from words of the notes too, not only excerpts.
  const considered = notes.slice(-maxNotesPerMeta).map(redactSecrets);
  const sentiments = considered.map((note) => scoreNote(note).sentiment);
  const sentiment = roundSentiment(meanOf(sentiments));
  const themes = themesOf(considered);
  return {
    note_count: considered.length,
    total_note_count: notes.length,
    consensus: truncate(
      `${considered.length} note${considered.length === 1 ? "" : "s"}, ${describeSentiment(sentiment)}` +
        (themes.length > 0 ? `; recurring themes: ${themes.join(", ")}.` : "."),
      1000,
    ),
    themes,
    friction_points: frictionPointsOf(considered),
    adjustments: adjustmentsOf(considered),
    trajectory: trajectoryOf(sentiments),
    sentiment,
  };
};

const mergeRanked = (lists: ReadonlyArray<readonly string[]>, max: number): string[] => {
  const counts = new Map<string, { count: number; first: number }>();
  let order = 0;
  for (const list of lists) {
    for (const entry of list) {
      const current = counts.get(entry);
      if (current) current.count++;
      else counts.set(entry, { count: 1, first: order++ });
    }
  }
  return [...counts.entries()]
    .sort(([, a], [, b]) => b.count - a.count || a.first - b.first)
    .slice(0, max)
    .map(([entry]) => entry);
};

export type DailyInputs = {
  date: string;
  timeZone: string;
  /** The day's meta syntheses, in time order. */
  metas: readonly MetaSynthesis[];
  /** The day's notes no meta covered, in time order: read raw (the fallback). */
  uncoveredNotes: readonly string[];
  /** Every note of the day. */
  noteCount: number;
};

/**
 * A user's daily report: from the day's metas; notes without a meta are read
 * raw (and flagged); with neither, an inactivity-flagged report.
 */
export const buildDailyReport = ({ date, timeZone, metas, uncoveredNotes, noteCount }: DailyInputs): DailyReport => {
  const fallback = synthesizeMeta(uncoveredNotes);
  const parts = fallback ? [...metas, fallback] : [...metas];
  if (parts.length === 0) {
    return {
      date,
      time_zone: timeZone,
      summary: "No interaction detected.",
      progress: "No notes this day.",
      themes: [],
      friction_points: [],
      recommended_adjustments: [],
      trajectory: "stable",
      sentiment: 0,
      inactivity_flag: true,
      raw_notes_fallback: false,
      meta_count: 0,
      note_count: 0,
    };
  }
  const sentiment = roundSentiment(meanOf(parts.map((p) => p.sentiment)));
  const themes = mergeRanked(parts.map((p) => p.themes), 5);
  const friction = mergeRanked(parts.map((p) => p.friction_points), 5);
  const trajectory: Trajectory = parts.length === 1 ? parts[0]!.trajectory : trajectoryOf(parts.map((p) => p.sentiment));
  const source = metas.length > 0 ? `${metas.length} meta synthes${metas.length === 1 ? "is" : "es"}` : "raw notes";
  return {
    date,
    time_zone: timeZone,
    summary: truncate(
      `${noteCount} note${noteCount === 1 ? "" : "s"} (from ${source}${fallback && metas.length > 0 ? " and raw notes" : ""}); ` +
        `${describeSentiment(sentiment)}, ${trajectory}` +
        (themes.length > 0 ? `; themes: ${themes.join(", ")}.` : "."),
      1000,
    ),
    progress: truncate(`${friction.length} friction point${friction.length === 1 ? "" : "s"}; sentiment ${sentiment} (${trajectory}).`, 500),
    themes,
    friction_points: friction,
    recommended_adjustments: concreteAdjustments(mergeRanked(parts.map((p) => p.adjustments), 10), sentiment).slice(0, 5),
    trajectory,
    sentiment,
    inactivity_flag: false,
    raw_notes_fallback: fallback !== null,
    meta_count: metas.length,
    note_count: noteCount,
  };
};

/** Active days a weekly plan needs. */
export const minActiveDaysForPlan = 2;

/**
 * A medium-range plan from the week's daily reports (time-ordered), or null
 * with fewer than two active days: stages with expected and expiry days,
 * sub-goals and a failure strategy, and a monthly objective.
 */
export const buildWeeklyPlan = (weekStart: string, timeZone: string, reports: readonly DailyReport[]): WeeklyPlan | null => {
  const active = reports.filter((r) => !r.inactivity_flag);
  if (active.length < minActiveDaysForPlan) return null;
  const trajectory = trajectoryOf(active.map((r) => r.sentiment));
  const friction = mergeRanked(active.map((r) => r.friction_points), 3);
  const adjustments = concreteAdjustments(mergeRanked(active.map((r) => r.recommended_adjustments), 10), meanOf(active.map((r) => r.sentiment))).slice(0, 3);
  const theme = mergeRanked(active.map((r) => r.themes), 1)[0] ?? "the current work";
  const topFriction = friction[0];

  const stages: WeeklyPlan["stages"] = [];
  if (topFriction) {
    stages.push({
      name: truncate(`Stabilise: ${topFriction}`, 120),
      expected_days: 7,
      expiry_days: 14,
      sub_goals: adjustments.length > 0 ? adjustments : ["Find the cause of the main friction point."],
      failure_strategy: trajectory === "declining" ? "simplify" : "reevaluate",
    });
  }
  stages.push({
    name: truncate(`Build on ${theme}`, 120),
    expected_days: 7,
    expiry_days: 14,
    sub_goals: [truncate(`Make ${theme} a routine part of each session.`, 200), truncate(`Note progress on ${theme} every day.`, 200)],
    failure_strategy: trajectory === "volatile" ? "reevaluate" : "continue",
  });
  stages.push({
    name: "Consolidate and review",
    expected_days: 14,
    expiry_days: 21,
    sub_goals: ["Review the month's daily reports for recurring friction.", "Agree the objective for the next month."],
    failure_strategy: trajectory === "declining" ? "escalate" : "reevaluate",
  });

  const frictionClause = topFriction ? `resolve "${truncate(topFriction, 120)}"` : "keep friction low";
  const objective: Record<Trajectory, string> = {
    improving: `Keep the improving trend: make ${theme} routine and ${frictionClause}.`,
    stable: `Move from stable to improving on ${theme}; ${frictionClause}.`,
    declining: `Reverse the decline: ${frictionClause} first, then rebuild around ${theme}.`,
    volatile: `Steady the swings: one focus (${theme}), a fixed routine, and ${frictionClause}.`,
  };
  return {
    week_start: weekStart,
    time_zone: timeZone,
    daily_report_count: Math.min(7, reports.length),
    active_day_count: Math.min(7, active.length),
    trajectory,
    stages,
    monthly_objective: truncate(objective[trajectory], 300),
  };
};
