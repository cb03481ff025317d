import { userError } from "../errors/witnessError.ts";
import type { Window } from "./windowSpec.ts";

export const defaultTimeZone = "UTC";

/** A local calendar date, month 1–12. */
export type LocalDate = { year: number; month: number; day: number };

export type ZonedCalendar = {
  timeZone: string;
  /** The local date and hour at an instant. */
  localTimeOf: (timeMs: number) => LocalDate & { hour: number; minute: number; second: number };
  /** The first instant whose local time is at or after the given local date and hour. */
  instantOf: (date: LocalDate, hour?: number) => number;
  /** The local day containing the instant. */
  dayOf: (timeMs: number) => Window;
  /** The local week containing the instant, starting on `weekStartsOn` (1 = Monday … 7 = Sunday). */
  weekOf: (timeMs: number, weekStartsOn?: number) => Window;
  /** The local quarter-day (00–06, 06–12, 12–18, 18–24 local clock) containing the instant. */
  quarterDayOf: (timeMs: number) => Window;
  /** The local date at an instant as YYYY-MM-DD. */
  isoDateOf: (timeMs: number) => string;
};

export const isValidTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
};

const pad2 = (n: number): string => String(n).padStart(2, "0");

export const formatLocalDate = ({ year, month, day }: LocalDate): string => `${year}-${pad2(month)}-${pad2(day)}`;

/** Normalises overflowing days and months (day 32 → next month) with plain UTC date arithmetic. */
const addDays = (date: LocalDate, days: number): LocalDate => {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
};

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
const isoWeekdayOf = (date: LocalDate): number => {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
};

/**
 * Local-time arithmetic for one IANA zone with Intl only. The formatter is built
 * once per calendar because constructing it is the expensive part.
 */
export const createZonedCalendar = (timeZone: string = defaultTimeZone): ZonedCalendar => {
  if (!isValidTimeZone(timeZone)) {
    throw userError("windows.time_zone", `"${timeZone}" is not an IANA time zone; use a name such as Europe/Berlin or UTC.`);
  }
  const formatter = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });

  const localTimeOf = (timeMs: number) => {
    const fields: Record<string, number> = {};
    for (const part of formatter.formatToParts(timeMs)) {
      if (part.type !== "literal") fields[part.type] = Number(part.value);
    }
    return {
      year: fields.year ?? 1970,
      month: fields.month ?? 1,
      day: fields.day ?? 1,
      hour: fields.hour ?? 0,
      minute: fields.minute ?? 0,
      second: fields.second ?? 0,
    };
  };

  /** Offset of local time from UTC at an instant, in ms (whole seconds). */
  const offsetMsAt = (timeMs: number): number => {
    const local = localTimeOf(timeMs);
    const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
    return localAsUtc - Math.floor(timeMs / 1000) * 1000;
  };

  const instantOf = (date: LocalDate, hour = 0): number => {
    const localAsUtc = Date.UTC(date.year, date.month - 1, date.day, hour);
    // Two passes settle the offset on either side of a DST change; when the local
    // time does not exist (a gap), this lands on the first instant after the gap.
    const firstGuess = localAsUtc - offsetMsAt(localAsUtc);
    const secondGuess = localAsUtc - offsetMsAt(firstGuess);
    if (secondGuess === firstGuess) return firstGuess;
    // In a gap the two guesses straddle it; the later one is the first valid instant.
    return Math.max(firstGuess, secondGuess);
  };

  const dateOf = (timeMs: number): LocalDate => {
    const { year, month, day } = localTimeOf(timeMs);
    return { year, month, day };
  };

  const dayOf = (timeMs: number): Window => {
    const date = dateOf(timeMs);
    return { startMs: instantOf(date), endMs: instantOf(addDays(date, 1)) };
  };

  const weekOf = (timeMs: number, weekStartsOn = 1): Window => {
    const date = dateOf(timeMs);
    const back = (isoWeekdayOf(date) - weekStartsOn + 7) % 7;
    const first = addDays(date, -back);
    return { startMs: instantOf(first), endMs: instantOf(addDays(first, 7)) };
  };

  const quarterDayOf = (timeMs: number): Window => {
    const local = localTimeOf(timeMs);
    const date = { year: local.year, month: local.month, day: local.day };
    const startHour = Math.floor(local.hour / 6) * 6;
    const startMs = instantOf(date, startHour);
    const endMs = startHour === 18 ? instantOf(addDays(date, 1)) : instantOf(date, startHour + 6);
    // A DST gap can push the computed start past the instant itself; fall back to the day start.
    return startMs <= timeMs ? { startMs, endMs } : { startMs: instantOf(date), endMs };
  };

  return {
    timeZone,
    localTimeOf,
    instantOf,
    dayOf,
    weekOf,
    quarterDayOf,
    isoDateOf: (timeMs) => formatLocalDate(dateOf(timeMs)),
  };
};
