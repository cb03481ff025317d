import { z } from "zod";
import { userError } from "../errors/witnessError.ts";
import { isWindowClosed } from "./watermark.ts";
import type { WindowAssigner } from "./windowAssigner.ts";
import type { Window } from "./windowSpec.ts";

/**
 * Keyed event-time windows as pure state and update functions.
 *
 * - `addToWindows` stores an event in the slice of each of its keys. An event
 *   whose window has already closed is late: it yields a late record and a
 *   corrected emission of that window with a higher revision, never a drop.
 * - `closeWindows` closes every open window whose end the watermark has reached
 *   (in end, start, key order) and evicts what is past the allowed lateness.
 *
 * The state is plain JSON (snapshot it next to the consumer offsets). Updates
 * never mutate their input: they copy only the parts they change, and a
 * schedule of due times keeps each step proportional to what is due.
 */

/** What the operator needs to know about an event. A higher revision replaces a lower one with the same id. */
export type WindowElement = { id: string; revision: number; timeMs: number };

const chunkSize = 256;

const scheduledActions = ["close", "evict", "evictSlice", "keepAlive"] as const;

export const windowOperatorStateSchema = <E extends z.ZodType<WindowElement>>(element: E) =>
  z.strictObject({
    /** key → slice start (ms, as text) → slice; events are stored once per slice, in chunks. */
    slices: z.record(
      z.string(),
      z.record(z.string(), z.strictObject({ startMs: z.number(), endMs: z.number(), evictAtMs: z.number(), chunks: z.array(z.array(element)) })),
    ),
    /** key → "start/end" → pane: whether it closed, and how many times it was emitted (1 after closing, +1 per correction). */
    panes: z.record(
      z.string(),
      z.record(z.string(), z.strictObject({ startMs: z.number(), endMs: z.number(), isClosed: z.boolean(), revision: z.number().int().min(0) })),
    ),
    /** Due time (ms, as text) → what to do then. Entries that no longer apply are skipped. */
    schedule: z.record(z.string(), z.array(z.strictObject({ action: z.enum(scheduledActions), key: z.string(), startMs: z.number(), endMs: z.number() }))),
    /** Keys whose windows close even when empty: last event time and the end of the windows already covered. */
    keepAlive: z.record(z.string(), z.strictObject({ lastEventTimeMs: z.number(), frontierMs: z.number() })),
    /** Earliest due time in the schedule; null when nothing is pending. */
    nextDueMs: z.number().nullable(),
  });

export type WindowOperatorState<E extends WindowElement> = z.infer<ReturnType<typeof windowOperatorStateSchema<z.ZodType<E>>>>;
type Pane = WindowOperatorState<WindowElement>["panes"][string][string];
type Slice<E extends WindowElement> = WindowOperatorState<E>["slices"][string][string];
type Scheduled = WindowOperatorState<WindowElement>["schedule"][string][number];

export type WindowOperatorConfig = {
  assigner: WindowAssigner;
  /** How long after its end a closed window keeps its events for corrections. */
  allowedLatenessMs: number;
  /**
   * When set, a key's windows also close when empty, for this long after its last
   * event (a user who stops writing still gets an inactivity report). Needs
   * non-overlapping windows.
   */
  keepAliveMs: number | null;
};

export type PaneEmission<E extends WindowElement> = {
  key: string;
  window: Window;
  /** 1 for the first result of a window, higher for each correction. */
  revision: number;
  reason: "closed" | "corrected";
  /** The window's events in event-time order (ties by id). */
  events: E[];
};

export const lateOutcomes = ["corrected", "reopened", "expired"] as const;

/**
 * The side record of an event that arrived after its window closed:
 * corrected — the window was re-emitted with a higher revision;
 * reopened — the key had no result for that window yet, it is emitted now;
 * expired — past the allowed lateness, the window is gone: not applied.
 */
export type LateEvent = {
  key: string;
  window: Window;
  eventId: string;
  eventTimeMs: number;
  watermarkMs: number;
  outcome: (typeof lateOutcomes)[number];
};

export const createWindowOperatorState = <E extends WindowElement>(): WindowOperatorState<E> => ({
  slices: {},
  panes: {},
  schedule: {},
  keepAlive: {},
  nextDueMs: null,
});

export const validateWindowOperatorConfig = (config: WindowOperatorConfig): WindowOperatorConfig => {
  if (config.keepAliveMs !== null && config.assigner.isOverlapping) {
    throw userError("windows.keep_alive", "Empty windows can only be closed for non-overlapping windows; use tumbling or calendar windows.");
  }
  if (config.allowedLatenessMs < 0) throw userError("windows.lateness", "allowedLatenessMs must be zero or more.");
  return config;
};

export const windowKeyOf = (window: Window): string => `${window.startMs}/${window.endMs}`;

const compareElements = (a: WindowElement, b: WindowElement): number => a.timeMs - b.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Copy-on-first-write view of a state for the duration of one update: each
 * record is copied at most once, and the input state is never touched.
 */
const createDraft = <E extends WindowElement>(base: WindowOperatorState<E>) => {
  let slices = base.slices;
  let panes = base.panes;
  let schedule = base.schedule;
  let keepAlive = base.keepAlive;
  let nextDueMs = base.nextDueMs;
  const copiedSliceKeys = new Set<string>();
  const copiedPaneKeys = new Set<string>();
  const copiedDueTimes = new Set<string>();
  let isChanged = false;

  const writableSlices = (key: string): Record<string, Slice<E>> => {
    if (slices === base.slices) slices = { ...slices };
    if (!copiedSliceKeys.has(key)) {
      slices[key] = { ...(slices[key] ?? {}) };
      copiedSliceKeys.add(key);
    }
    isChanged = true;
    return slices[key]!;
  };
  const writablePanes = (key: string): Record<string, Pane> => {
    if (panes === base.panes) panes = { ...panes };
    if (!copiedPaneKeys.has(key)) {
      panes[key] = { ...(panes[key] ?? {}) };
      copiedPaneKeys.add(key);
    }
    isChanged = true;
    return panes[key]!;
  };
  return {
    slicesOf: (key: string) => slices[key],
    panesOf: (key: string) => panes[key],
    keepAliveOf: (key: string) => keepAlive[key],
    scheduledTimes: () => Object.keys(schedule),
    scheduledAt: (dueKey: string) => schedule[dueKey] ?? [],
    putSlice: (key: string, sliceKey: string, slice: Slice<E>) => {
      writableSlices(key)[sliceKey] = slice;
    },
    dropSlice: (key: string, sliceKey: string) => {
      const keySlices = writableSlices(key);
      delete keySlices[sliceKey];
      if (Object.keys(keySlices).length === 0) delete slices[key];
    },
    putPane: (key: string, window: Window, pane: Pane) => {
      writablePanes(key)[windowKeyOf(window)] = pane;
    },
    dropPane: (key: string, window: Window) => {
      const keyPanes = writablePanes(key);
      delete keyPanes[windowKeyOf(window)];
      if (Object.keys(keyPanes).length === 0) delete panes[key];
    },
    setKeepAlive: (key: string, entry: { lastEventTimeMs: number; frontierMs: number } | null) => {
      if (keepAlive === base.keepAlive) keepAlive = { ...keepAlive };
      if (entry === null) delete keepAlive[key];
      else keepAlive[key] = entry;
      isChanged = true;
    },
    plan: (dueMs: number, entry: Scheduled) => {
      const dueKey = String(dueMs);
      if (schedule === base.schedule) schedule = { ...schedule };
      if (!copiedDueTimes.has(dueKey)) {
        schedule[dueKey] = [...(schedule[dueKey] ?? [])];
        copiedDueTimes.add(dueKey);
      }
      schedule[dueKey]!.push(entry);
      nextDueMs = nextDueMs === null ? dueMs : Math.min(nextDueMs, dueMs);
      isChanged = true;
    },
    /** Removes due times and recomputes the earliest remaining one. */
    unplan: (dueKeys: readonly string[]) => {
      if (dueKeys.length === 0) return;
      if (schedule === base.schedule) schedule = { ...schedule };
      for (const dueKey of dueKeys) {
        delete schedule[dueKey];
        copiedDueTimes.delete(dueKey);
      }
      const remaining = Object.keys(schedule).map(Number);
      nextDueMs = remaining.length === 0 ? null : Math.min(...remaining);
      isChanged = true;
    },
    finish: (): WindowOperatorState<E> => (isChanged ? { slices, panes, schedule, keepAlive, nextDueMs } : base),
  };
};
type Draft<E extends WindowElement> = ReturnType<typeof createDraft<E>>;

/** The events of a key's window: the union of the slices it covers, in event-time order. */
const eventsOf = <E extends WindowElement>(draft: Draft<E>, key: string, window: Window): E[] => {
  const events: E[] = [];
  for (const slice of Object.values(draft.slicesOf(key) ?? {})) {
    if (slice.startMs >= window.startMs && slice.endMs <= window.endMs) {
      for (const chunk of slice.chunks) events.push(...chunk);
    }
  }
  return events.sort(compareElements);
};

type Upsert = "added" | "replaced" | "unchanged";

/** Adds or replaces (higher revision, same id) an element in a chunked slice, without mutating it. */
const upsertIntoChunks = <E extends WindowElement>(chunks: E[][], element: E): { chunks: E[][]; result: Upsert } => {
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c]!;
    const index = chunk.findIndex((existing) => existing.id === element.id);
    if (index === -1) continue;
    if (chunk[index]!.revision >= element.revision) return { chunks, result: "unchanged" };
    const replaced = chunks.slice();
    replaced[c] = chunk.map((existing, i) => (i === index ? element : existing));
    return { chunks: replaced, result: "replaced" };
  }
  const last = chunks[chunks.length - 1];
  if (last && last.length < chunkSize) return { chunks: [...chunks.slice(0, -1), [...last, element]], result: "added" };
  return { chunks: [...chunks, [element]], result: "added" };
};

export type AddResult<E extends WindowElement> = {
  state: WindowOperatorState<E>;
  corrections: PaneEmission<E>[];
  late: LateEvent[];
};

/**
 * Stores an event under each of its keys. `watermarkMs` is the watermark before
 * this event (null while unknown). Duplicates (same id, not a higher revision)
 * change nothing, which makes redelivery after a crash harmless.
 */
export const addToWindows = <E extends WindowElement>(
  config: WindowOperatorConfig,
  state: WindowOperatorState<E>,
  element: E,
  keys: readonly string[],
  watermarkMs: number | null,
): AddResult<E> => {
  const draft = createDraft(state);
  const corrections: PaneEmission<E>[] = [];
  const late: LateEvent[] = [];
  const lateEvent = (key: string, window: Window, outcome: LateEvent["outcome"]): LateEvent => ({
    key,
    window,
    eventId: element.id,
    eventTimeMs: element.timeMs,
    watermarkMs: watermarkMs ?? 0,
    outcome,
  });

  for (const key of [...new Set(keys)].sort()) {
    const windows = config.assigner.windowsOf(key, element.timeMs);
    const live = windows.filter(
      (window) => draft.panesOf(key)?.[windowKeyOf(window)] || !isWindowClosed(window.endMs + config.allowedLatenessMs, watermarkMs),
    );
    for (const window of windows) if (!live.includes(window)) late.push(lateEvent(key, window, "expired"));
    if (live.length === 0) continue;

    const slice = config.assigner.sliceOf(key, element.timeMs);
    const sliceKey = String(slice.startMs);
    const existing = draft.slicesOf(key)?.[sliceKey];
    const { chunks, result } = upsertIntoChunks(existing?.chunks ?? [], element);
    if (result === "unchanged") continue;
    if (existing) {
      draft.putSlice(key, sliceKey, { ...existing, chunks });
    } else {
      const evictAtMs = Math.max(...config.assigner.windowsOf(key, slice.startMs).map((w) => w.endMs)) + config.allowedLatenessMs;
      draft.putSlice(key, sliceKey, { startMs: slice.startMs, endMs: slice.endMs, evictAtMs, chunks });
      draft.plan(evictAtMs, { action: "evictSlice", key, startMs: slice.startMs, endMs: slice.endMs });
    }

    if (config.keepAliveMs !== null) {
      const entry = draft.keepAliveOf(key);
      if (!entry) {
        draft.setKeepAlive(key, { lastEventTimeMs: element.timeMs, frontierMs: windows[0]!.startMs });
        draft.plan(windows[0]!.endMs, { action: "keepAlive", key, startMs: windows[0]!.startMs, endMs: windows[0]!.endMs });
      } else if (element.timeMs > entry.lastEventTimeMs) {
        draft.setKeepAlive(key, { ...entry, lastEventTimeMs: element.timeMs });
      }
    }

    for (const window of live) {
      const pane = draft.panesOf(key)?.[windowKeyOf(window)];
      if (!pane) {
        draft.putPane(key, window, { startMs: window.startMs, endMs: window.endMs, isClosed: false, revision: 0 });
        draft.plan(window.endMs, { action: "close", key, startMs: window.startMs, endMs: window.endMs });
        if (isWindowClosed(window.endMs, watermarkMs)) late.push(lateEvent(key, window, "reopened"));
      } else if (pane.isClosed) {
        const revision = pane.revision + 1;
        draft.putPane(key, window, { ...pane, revision });
        corrections.push({ key, window, revision, reason: "corrected", events: eventsOf(draft, key, window) });
        late.push(lateEvent(key, window, "corrected"));
      }
    }
  }
  return { state: draft.finish(), corrections, late };
};

export type CloseResult<E extends WindowElement> = {
  state: WindowOperatorState<E>;
  emissions: PaneEmission<E>[];
  /** Windows dropped for good (past the allowed lateness), so callers can drop what they keep per window. */
  evicted: Array<{ key: string; window: Window }>;
};

const compareScheduled = (a: Scheduled, b: Scheduled): number =>
  a.endMs - b.endMs || a.startMs - b.startMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Walks a kept-alive key's frontier past the watermark, opening its empty windows. */
const walkKeepAlive = <E extends WindowElement>(config: WindowOperatorConfig, draft: Draft<E>, key: string, watermarkMs: number): void => {
  const entry = draft.keepAliveOf(key);
  if (!entry || config.keepAliveMs === null) return;
  let frontierMs = entry.frontierMs;
  for (;;) {
    const window = config.assigner.windowsOf(key, frontierMs)[0]!;
    if (window.startMs >= entry.lastEventTimeMs + config.keepAliveMs) {
      draft.setKeepAlive(key, null);
      return;
    }
    if (!isWindowClosed(window.endMs, watermarkMs)) {
      if (frontierMs !== entry.frontierMs) draft.setKeepAlive(key, { ...entry, frontierMs });
      draft.plan(window.endMs, { action: "keepAlive", key, startMs: window.startMs, endMs: window.endMs });
      return;
    }
    if (!draft.panesOf(key)?.[windowKeyOf(window)]) {
      draft.putPane(key, window, { startMs: window.startMs, endMs: window.endMs, isClosed: false, revision: 0 });
      draft.plan(window.endMs, { action: "close", key, startMs: window.startMs, endMs: window.endMs });
    }
    frontierMs = window.endMs;
  }
};

/** Closes the windows the watermark has passed and evicts those past the allowed lateness. */
export const closeWindows = <E extends WindowElement>(
  config: WindowOperatorConfig,
  state: WindowOperatorState<E>,
  watermarkMs: number | null,
): CloseResult<E> => {
  if (watermarkMs === null || state.nextDueMs === null || watermarkMs < state.nextDueMs) return { state, emissions: [], evicted: [] };
  const draft = createDraft(state);
  const emissions: PaneEmission<E>[] = [];
  const evicted: CloseResult<E>["evicted"] = [];

  // Due entries can plan new due ones (a close plans its eviction), so drain until nothing is due.
  for (;;) {
    const dueKeys = draft.scheduledTimes().filter((t) => Number(t) <= watermarkMs);
    if (dueKeys.length === 0) break;
    const due = dueKeys.flatMap((t) => draft.scheduledAt(t));
    draft.unplan(dueKeys);

    // Kept-alive keys walk first; the empty windows they open are due at once and close on the next pass.
    for (const key of [...new Set(due.filter((d) => d.action === "keepAlive").map((d) => d.key))].sort()) walkKeepAlive(config, draft, key, watermarkMs);
    const closing = due.filter((d) => d.action === "close").sort(compareScheduled);

    for (const entry of closing) {
      const window = { startMs: entry.startMs, endMs: entry.endMs };
      const pane = draft.panesOf(entry.key)?.[windowKeyOf(window)];
      if (!pane || pane.isClosed) continue;
      const revision = pane.revision + 1;
      draft.putPane(entry.key, window, { ...pane, isClosed: true, revision });
      draft.plan(entry.endMs + config.allowedLatenessMs, { action: "evict", key: entry.key, startMs: entry.startMs, endMs: entry.endMs });
      emissions.push({ key: entry.key, window, revision, reason: "closed", events: eventsOf(draft, entry.key, window) });
    }
    for (const entry of due.filter((d) => d.action === "evict").sort(compareScheduled)) {
      const window = { startMs: entry.startMs, endMs: entry.endMs };
      if (!draft.panesOf(entry.key)?.[windowKeyOf(window)]?.isClosed) continue;
      draft.dropPane(entry.key, window);
      evicted.push({ key: entry.key, window });
    }
    for (const entry of due.filter((d) => d.action === "evictSlice")) {
      const sliceKey = String(entry.startMs);
      const slice = draft.slicesOf(entry.key)?.[sliceKey];
      if (slice && isWindowClosed(slice.evictAtMs, watermarkMs)) draft.dropSlice(entry.key, sliceKey);
    }
  }
  return { state: draft.finish(), emissions, evicted };
};
