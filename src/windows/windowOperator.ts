import { z } from "zod";
import { userError } from "../errors/witnessError.ts";
import { isWindowClosed } from "./watermark.ts";
import type { WindowAssigner } from "./windowAssigner.ts";
import { compareWindows, type Window, windowIdOf } from "./windowSpec.ts";

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
 * return new objects and never mutate their input, sharing unchanged parts.
 */

/** What the operator needs to know about an event. A higher revision replaces a lower one with the same id. */
export type WindowElement = { id: string; revision: number; timeMs: number };

const chunkSize = 256;

export const windowOperatorStateSchema = <E extends z.ZodType<WindowElement>>(element: E) =>
  z.strictObject({
    /** key → slice start (ms, as text) → slice; events are stored once per slice, in chunks. */
    slices: z.record(
      z.string(),
      z.record(
        z.string(),
        z.strictObject({
          startMs: z.number(),
          endMs: z.number(),
          evictAtMs: z.number(),
          chunks: z.array(z.array(element)),
        }),
      ),
    ),
    panes: z.record(
      z.string(),
      z.strictObject({
        key: z.string(),
        startMs: z.number(),
        endMs: z.number(),
        isClosed: z.boolean(),
        /** Emissions so far: 1 after the first close, +1 per correction. */
        revision: z.number().int().min(0),
      }),
    ),
    /** Keys whose windows close even when empty: last event time and the end of the windows already covered. */
    keepAlive: z.record(z.string(), z.strictObject({ lastEventTimeMs: z.number(), frontierMs: z.number() })),
    /** Earliest watermark at which anything closes or is evicted; null when nothing is pending. */
    nextDueMs: z.number().nullable(),
  });

export type WindowOperatorState<E extends WindowElement> = z.infer<
  ReturnType<typeof windowOperatorStateSchema<z.ZodType<E>>>
>;


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
  paneId: string;
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
  keepAlive: {},
  nextDueMs: null,
});

const earliest = (a: number | null, b: number): number => (a === null ? b : Math.min(a, b));

export const validateWindowOperatorConfig = (config: WindowOperatorConfig): WindowOperatorConfig => {
  if (config.keepAliveMs !== null && config.assigner.isOverlapping) {
    throw userError("windows.keep_alive", "Empty windows can only be closed for non-overlapping windows; use tumbling or calendar windows.");
  }
  if (config.allowedLatenessMs < 0) throw userError("windows.lateness", "allowedLatenessMs must be zero or more.");
  return config;
};

const compareElements = (a: WindowElement, b: WindowElement): number =>
  a.timeMs - b.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The events of a key's window: the union of the slices it covers, in event-time order. */
const eventsOf = <E extends WindowElement>(state: WindowOperatorState<E>, key: string, window: Window): E[] => {
  const events: E[] = [];
  for (const slice of Object.values(state.slices[key] ?? {})) {
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
  let current = state;
  const corrections: PaneEmission<E>[] = [];
  const late: LateEvent[] = [];
  for (const key of [...new Set(keys)].sort()) {
    const windows = config.assigner.windowsOf(key, element.timeMs);
    const live = windows.filter(
      (window) => current.panes[windowIdOf(key, window)] || !isWindowClosed(window.endMs + config.allowedLatenessMs, watermarkMs),
    );
    for (const window of windows) {
      if (!live.includes(window)) {
        late.push({ key, window, eventId: element.id, eventTimeMs: element.timeMs, watermarkMs: watermarkMs ?? 0, outcome: "expired" });
      }
    }
    if (live.length === 0) continue;

    const slice = config.assigner.sliceOf(key, element.timeMs);
    const sliceKey = String(slice.startMs);
    const keySlices = current.slices[key] ?? {};
    const existing = keySlices[sliceKey];
    const { chunks, result } = upsertIntoChunks(existing?.chunks ?? [], element);
    if (result === "unchanged") continue;
    const evictAtMs =
      existing?.evictAtMs ?? Math.max(...config.assigner.windowsOf(key, slice.startMs).map((w) => w.endMs)) + config.allowedLatenessMs;
    const panes = { ...current.panes };
    const keepAlive =
      config.keepAliveMs === null ? current.keepAlive : touchKeepAlive(current.keepAlive, key, element.timeMs, windows[0]!);
    let nextDueMs = earliest(current.nextDueMs, evictAtMs);
    if (keepAlive !== current.keepAlive) nextDueMs = earliest(nextDueMs, windows[0]!.endMs);
    current = {
      slices: { ...current.slices, [key]: { ...keySlices, [sliceKey]: { startMs: slice.startMs, endMs: slice.endMs, evictAtMs, chunks } } },
      panes,
      keepAlive,
      nextDueMs,
    };

    for (const window of live) {
      const paneId = windowIdOf(key, window);
      const pane = panes[paneId];
      if (!pane) {
        panes[paneId] = { key, startMs: window.startMs, endMs: window.endMs, isClosed: false, revision: 0 };
        current = { ...current, nextDueMs: earliest(current.nextDueMs, window.endMs) };
        if (isWindowClosed(window.endMs, watermarkMs)) {
          late.push({ key, window, eventId: element.id, eventTimeMs: element.timeMs, watermarkMs: watermarkMs ?? 0, outcome: "reopened" });
        }
      } else if (pane.isClosed) {
        const revision = pane.revision + 1;
        panes[paneId] = { ...pane, revision };
        corrections.push({ paneId, key, window, revision, reason: "corrected", events: eventsOf(current, key, window) });
        late.push({ key, window, eventId: element.id, eventTimeMs: element.timeMs, watermarkMs: watermarkMs ?? 0, outcome: "corrected" });
      }
    }
  }
  return { state: current, corrections, late };
};

const touchKeepAlive = (
  keepAlive: WindowOperatorState<WindowElement>["keepAlive"],
  key: string,
  eventTimeMs: number,
  window: Window,
): WindowOperatorState<WindowElement>["keepAlive"] => {
  const entry = keepAlive[key];
  const next = {
    lastEventTimeMs: Math.max(entry?.lastEventTimeMs ?? eventTimeMs, eventTimeMs),
    frontierMs: entry?.frontierMs ?? window.startMs,
  };
  if (entry && entry.lastEventTimeMs === next.lastEventTimeMs && entry.frontierMs === next.frontierMs) return keepAlive;
  return { ...keepAlive, [key]: next };
};

export type CloseResult<E extends WindowElement> = {
  state: WindowOperatorState<E>;
  emissions: PaneEmission<E>[];
  /** Pane ids dropped for good (past the allowed lateness), so callers can drop what they keep per pane. */
  evictedPaneIds: string[];
};

/** Opens the empty windows of kept-alive keys that the watermark has passed. */
const openKeptAliveWindows = <E extends WindowElement>(
  config: WindowOperatorConfig,
  state: WindowOperatorState<E>,
  watermarkMs: number,
): WindowOperatorState<E> => {
  if (config.keepAliveMs === null) return state;
  let panes = state.panes;
  let keepAlive = state.keepAlive;
  for (const key of Object.keys(state.keepAlive).sort()) {
    const entry = state.keepAlive[key]!;
    let frontierMs = entry.frontierMs;
    let isExhausted = false;
    for (;;) {
      const window = config.assigner.windowsOf(key, frontierMs)[0]!;
      if (window.startMs >= entry.lastEventTimeMs + config.keepAliveMs) {
        isExhausted = true;
        break;
      }
      if (!isWindowClosed(window.endMs, watermarkMs)) break;
      const paneId = windowIdOf(key, window);
      if (!panes[paneId]) {
        if (panes === state.panes) panes = { ...panes };
        panes[paneId] = { key, startMs: window.startMs, endMs: window.endMs, isClosed: false, revision: 0 };
      }
      frontierMs = window.endMs;
    }
    if (isExhausted || frontierMs !== entry.frontierMs) {
      if (keepAlive === state.keepAlive) keepAlive = { ...keepAlive };
      if (isExhausted) delete keepAlive[key];
      else keepAlive[key] = { lastEventTimeMs: entry.lastEventTimeMs, frontierMs };
    }
  }
  return panes === state.panes && keepAlive === state.keepAlive ? state : { ...state, panes, keepAlive };
};

/** Recomputes the earliest watermark at which `closeWindows` has work to do. */
const nextDueOf = <E extends WindowElement>(config: WindowOperatorConfig, state: Omit<WindowOperatorState<E>, "nextDueMs">): number | null => {
  let due: number | null = null;
  for (const pane of Object.values(state.panes)) due = earliest(due, pane.isClosed ? pane.endMs + config.allowedLatenessMs : pane.endMs);
  for (const keySlices of Object.values(state.slices)) {
    for (const slice of Object.values(keySlices)) due = earliest(due, slice.evictAtMs);
  }
  for (const [key, entry] of Object.entries(state.keepAlive)) {
    due = earliest(due, config.assigner.windowsOf(key, entry.frontierMs)[0]!.endMs);
  }
  return due;
};

/** Closes the windows the watermark has passed and evicts those past the allowed lateness. */
export const closeWindows = <E extends WindowElement>(
  config: WindowOperatorConfig,
  state: WindowOperatorState<E>,
  watermarkMs: number | null,
): CloseResult<E> => {
  if (watermarkMs === null || state.nextDueMs === null || watermarkMs < state.nextDueMs) {
    return { state, emissions: [], evictedPaneIds: [] };
  }
  const opened = openKeptAliveWindows(config, state, watermarkMs);

  const closing = Object.entries(opened.panes)
    .filter(([, pane]) => !pane.isClosed && isWindowClosed(pane.endMs, watermarkMs))
    .sort(([, a], [, b]) => compareWindows(a, b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const evicting = Object.entries(opened.panes).filter(([, pane]) =>
    isWindowClosed(pane.endMs + config.allowedLatenessMs, watermarkMs),
  );
  const staleSlices = Object.entries(opened.slices).filter(([, slices]) =>
    Object.values(slices).some((slice) => isWindowClosed(slice.evictAtMs, watermarkMs)),
  );
  if (closing.length === 0 && evicting.length === 0 && staleSlices.length === 0) {
    return { state: { ...opened, nextDueMs: nextDueOf(config, opened) }, emissions: [], evictedPaneIds: [] };
  }

  const panes = { ...opened.panes };
  const emissions: PaneEmission<E>[] = [];
  for (const [paneId, pane] of closing) {
    const window = { startMs: pane.startMs, endMs: pane.endMs };
    panes[paneId] = { ...pane, isClosed: true, revision: pane.revision + 1 };
    emissions.push({ paneId, key: pane.key, window, revision: pane.revision + 1, reason: "closed", events: eventsOf(opened, pane.key, window) });
  }
  const evictedPaneIds = evicting.map(([paneId]) => paneId).sort();
  for (const paneId of evictedPaneIds) delete panes[paneId];

  const slices = { ...opened.slices };
  for (const [key, keySlices] of staleSlices) {
    const kept = Object.fromEntries(Object.entries(keySlices).filter(([, slice]) => !isWindowClosed(slice.evictAtMs, watermarkMs)));
    if (Object.keys(kept).length === 0) delete slices[key];
    else slices[key] = kept;
  }
  const closed = { slices, panes, keepAlive: opened.keepAlive };
  return { state: { ...closed, nextDueMs: nextDueOf(config, closed) }, emissions, evictedPaneIds };
};
