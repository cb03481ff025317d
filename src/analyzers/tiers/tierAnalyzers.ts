import { derivedTopics } from "../../events/derived/derivedEnvelope.ts";
import { type DerivedEvent, isDerivedEvent } from "../../events/derived/derivedFamilies.ts";
import type { DailyReport, EvaluationData, EvaluationEvent, MetaSynthesis } from "../../events/derived/evaluation.ts";
import { eventTypes } from "../../events/envelope.ts";
import type { NoteRecorded } from "../../events/noteRecorded.ts";
import { dayMs } from "../../windows/windowSpec.ts";
import { createZonedCalendar, defaultTimeZone } from "../../windows/zonedCalendar.ts";
import type { AnalyzableEvent, Analyzer, DerivedItem, SourcedEvent } from "../analyzer.ts";
import { citeEvents } from "../derivedEvents.ts";
import { buildDailyReport, buildWeeklyPlan, synthesizeMeta } from "./tierReports.ts";

export const tierAnalyzerNames = { meta: "tier-meta", daily: "tier-daily", weekly: "tier-weekly" } as const;
export const tierAnalyzerVersion = "1";

export type TierOptions = {
  /** A user's IANA time zone; UTC when unknown. */
  timeZoneOf: (userId: string) => string | undefined;
  /** Users per cycle (windows closing together): 50 metas, 30 daily reports, 20 weekly plans. */
  caps: { meta: number; daily: number; weekly: number };
  /** How long after a user's last note daily reports keep coming (inactivity-flagged). */
  inactivityKeepAliveMs: number;
};

export const defaultTierOptions: TierOptions = {
  timeZoneOf: () => undefined,
  caps: { meta: 50, daily: 30, weekly: 20 },
  inactivityKeepAliveMs: 7 * dayMs,
};

type NoteEvent = SourcedEvent & { event: NoteRecorded };
type EvaluationInput = SourcedEvent & { event: EvaluationEvent };

const isNote = (e: SourcedEvent): e is NoteEvent => e.event.type === eventTypes.noteRecorded;
const isEvaluationOf =
  (kind: EvaluationData["kind"]) =>
  (e: SourcedEvent): e is EvaluationInput =>
    isDerivedEvent(e.event) && e.event.type === "witness.evaluation.derived" && e.event.data?.kind === kind;

const userOfEvaluation = (event: DerivedEvent): string | null =>
  event.type === "witness.evaluation.derived" && event.data !== null ? event.data.user_id : null;

const evaluationItem = (
  userId: string,
  tier: Pick<Partial<EvaluationData>, "meta" | "daily" | "weekly"> & { kind: "meta" | "daily" | "weekly" },
  events: readonly SourcedEvent[],
): DerivedItem => ({
  key: userId,
  data: { kind: tier.kind, user_id: userId, meta: tier.meta ?? null, daily: tier.daily ?? null, weekly: tier.weekly ?? null, audit_finding: null },
  evidence: citeEvents(events),
});

/**
 * The tiered evaluator as three analyzers of one consumer group over
 * witness.notes, keyed by user, in each user's time zone:
 * - tier-meta: local quarter days (00/06/12/18 h); a synthesis of ≥ 1 note (≤ 100 read); ≤ 50 users per cycle.
 * - tier-daily: local days; from the day's metas (handed over within the group), notes no meta
 *   covered read raw (fallback flag), none at all → inactivity-flagged, for a week after the
 *   user's last note; ≤ 30 users per cycle.
 * - tier-weekly: local weeks from Monday; a plan from ≥ 2 active daily reports; ≤ 20 users per cycle.
 * A late note corrects its meta and its day (and so the week) with higher revisions.
 */
export const createTierAnalyzers = (overrides: Partial<TierOptions> = {}): [Analyzer, Analyzer, Analyzer] => {
  const options = { ...defaultTierOptions, ...overrides };
  const timeZoneOf = (userId: string) => options.timeZoneOf(userId) ?? defaultTimeZone;
  const calendars = new Map<string, ReturnType<typeof createZonedCalendar>>();
  const calendarOf = (userId: string) => {
    const timeZone = timeZoneOf(userId);
    let calendar = calendars.get(timeZone);
    if (!calendar) calendars.set(timeZone, (calendar = createZonedCalendar(timeZone)));
    return calendar;
  };
  const noteKeys = (event: AnalyzableEvent): string[] => (event.type === eventTypes.noteRecorded ? [event.data.user_id] : []);
  const common = {
    version: tierAnalyzerVersion,
    outputTopic: derivedTopics.evaluations,
    timeZoneOf,
    backend: "heuristic" as const,
  };

  const meta: Analyzer = {
    ...common,
    name: tierAnalyzerNames.meta,
    inputs: { topics: ["witness.notes"], analyzers: [] },
    window: { kind: "calendar", period: "6h" },
    keepAliveMs: null,
    cycleCap: options.caps.meta,
    keysOf: noteKeys,
    analyzeWindow: (userId, _window, events) => {
      const notes = events.filter(isNote);
      const synthesis = synthesizeMeta(notes.map((n) => n.event.data.note));
      return synthesis ? [evaluationItem(userId, { kind: "meta", meta: synthesis }, notes)] : [];
    },
  };

  const daily: Analyzer = {
    ...common,
    name: tierAnalyzerNames.daily,
    inputs: { topics: ["witness.notes"], analyzers: [tierAnalyzerNames.meta] },
    window: { kind: "calendar", period: "day" },
    keepAliveMs: options.inactivityKeepAliveMs,
    cycleCap: options.caps.daily,
    keysOf: (event) => {
      if (event.type === eventTypes.noteRecorded) return [event.data.user_id];
      const userId = isDerivedEvent(event) && event.analyzer === tierAnalyzerNames.meta ? userOfEvaluation(event) : null;
      return userId ? [userId] : [];
    },
    analyzeWindow: (userId, window, events) => {
      const notes = events.filter(isNote);
      const metaEvents = events.filter(isEvaluationOf("meta"));
      const covered = (note: NoteEvent) =>
        metaEvents.some((m) => note.timeMs >= Date.parse(m.event.window_start) && note.timeMs < Date.parse(m.event.window_end));
      const uncovered = notes.filter((n) => !covered(n));
      const report = buildDailyReport({
        date: calendarOf(userId).isoDateOf(window.startMs),
        timeZone: timeZoneOf(userId),
        metas: metaEvents.map((m) => m.event.data!.meta as MetaSynthesis),
        uncoveredNotes: uncovered.map((n) => n.event.data.note),
        noteCount: notes.length,
      });
      return [evaluationItem(userId, { kind: "daily", daily: report }, [...metaEvents, ...uncovered])];
    },
  };

  const weekly: Analyzer = {
    ...common,
    name: tierAnalyzerNames.weekly,
    inputs: { topics: [], analyzers: [tierAnalyzerNames.daily] },
    window: { kind: "calendar", period: "week" },
    keepAliveMs: null,
    cycleCap: options.caps.weekly,
    keysOf: (event) => {
      const userId = isDerivedEvent(event) && event.analyzer === tierAnalyzerNames.daily ? userOfEvaluation(event) : null;
      return userId ? [userId] : [];
    },
    analyzeWindow: (userId, window, events) => {
      const reports = events.filter(isEvaluationOf("daily"));
      const plan = buildWeeklyPlan(
        calendarOf(userId).isoDateOf(window.startMs),
        timeZoneOf(userId),
        reports.map((r) => r.event.data!.daily as DailyReport),
      );
      const cited = reports.filter((r) => !(r.event.data!.daily as DailyReport).inactivity_flag);
      return plan ? [evaluationItem(userId, { kind: "weekly", weekly: plan }, cited)] : [];
    },
  };

  return [meta, daily, weekly];
};
