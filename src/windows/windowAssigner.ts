import { userError } from "../errors/witnessError.ts";
import { type Window, type WindowSpec, type WindowSpecInput, windowSpecSchema } from "./windowSpec.ts";
import { createZonedCalendar, defaultTimeZone, type ZonedCalendar } from "./zonedCalendar.ts";

/**
 * Cuts event time into windows for a key. Events are stored once per slice; a
 * window is the union of the slices it covers (for hopping windows a slice is one
 * hop; otherwise the slice is the window itself), so overlapping windows share
 * their events instead of copying them.
 */
export type WindowAssigner = {
  spec: WindowSpec;
  /** The windows containing the instant, ordered by start. */
  windowsOf: (key: string, timeMs: number) => Window[];
  /** The slice containing the instant. */
  sliceOf: (key: string, timeMs: number) => Window;
  /** True when an instant belongs to more than one window. */
  isOverlapping: boolean;
};

export type WindowAssignerOptions = {
  /** IANA time zone of a key for calendar windows (UTC when absent). */
  timeZoneOf?: (key: string) => string | undefined;
};

const floorTo = (value: number, step: number, offset = 0): number => Math.floor((value - offset) / step) * step + offset;

/** The tumbling window of `sizeMs` (aligned to the epoch plus `offsetMs`) containing the instant. */
export const tumblingWindowOf = (timeMs: number, sizeMs: number, offsetMs = 0): Window => {
  const startMs = floorTo(timeMs, sizeMs, offsetMs);
  return { startMs, endMs: startMs + sizeMs };
};

/** Every hopping window of `sizeMs`, advancing by `hopMs`, that contains the instant, ordered by start. */
export const hoppingWindowsOf = (timeMs: number, sizeMs: number, hopMs: number): Window[] => {
  const lastStartMs = floorTo(timeMs, hopMs);
  const windows: Window[] = [];
  for (let startMs = lastStartMs - sizeMs + hopMs; startMs <= lastStartMs; startMs += hopMs) {
    if (startMs + sizeMs > timeMs) windows.push({ startMs, endMs: startMs + sizeMs });
  }
  return windows;
};

export const createWindowAssigner = (specInput: WindowSpecInput, options: WindowAssignerOptions = {}): WindowAssigner => {
  const spec = windowSpecSchema.parse(specInput);
  switch (spec.kind) {
    case "tumbling":
      return {
        spec,
        isOverlapping: false,
        windowsOf: (_key, timeMs) => [tumblingWindowOf(timeMs, spec.sizeMs, spec.offsetMs)],
        sliceOf: (_key, timeMs) => tumblingWindowOf(timeMs, spec.sizeMs, spec.offsetMs),
      };
    case "hopping": {
      if (spec.hopMs > spec.sizeMs || spec.sizeMs % spec.hopMs !== 0) {
        throw userError(
          "windows.hopping",
          `A hopping window of ${spec.sizeMs} ms cannot advance by ${spec.hopMs} ms; the size must be a whole multiple of the hop.`,
        );
      }
      return {
        spec,
        isOverlapping: spec.hopMs < spec.sizeMs,
        windowsOf: (_key, timeMs) => hoppingWindowsOf(timeMs, spec.sizeMs, spec.hopMs),
        sliceOf: (_key, timeMs) => tumblingWindowOf(timeMs, spec.hopMs),
      };
    }
    case "calendar": {
      // One calendar per zone, built lazily: constructing Intl formatters is the costly part.
      const calendars = new Map<string, ZonedCalendar>();
      const calendarFor = (key: string): ZonedCalendar => {
        const timeZone = options.timeZoneOf?.(key) ?? defaultTimeZone;
        let calendar = calendars.get(timeZone);
        if (!calendar) {
          calendar = createZonedCalendar(timeZone);
          calendars.set(timeZone, calendar);
        }
        return calendar;
      };
      const windowOf = (key: string, timeMs: number): Window => {
        const calendar = calendarFor(key);
        if (spec.period === "day") return calendar.dayOf(timeMs);
        if (spec.period === "week") return calendar.weekOf(timeMs, spec.weekStartsOn);
        return calendar.quarterDayOf(timeMs);
      };
      return { spec, isOverlapping: false, windowsOf: (key, timeMs) => [windowOf(key, timeMs)], sliceOf: windowOf };
    }
  }
};
