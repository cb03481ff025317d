import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isWitnessError } from "../errors/witnessError.ts";
import { hourMs } from "./windowSpec.ts";
import { createZonedCalendar } from "./zonedCalendar.ts";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe("createZonedCalendar", () => {
  it("cuts UTC days at midnight UTC by default", () => {
    const day = createZonedCalendar().dayOf(at("2025-03-24T13:45:00Z"));
    assert.deepEqual([iso(day.startMs), iso(day.endMs)], ["2025-03-24T00:00:00.000Z", "2025-03-25T00:00:00.000Z"]);
  });

  it("starts a Berlin day at local midnight, 23 hours long on the spring DST change", () => {
    const calendar = createZonedCalendar("Europe/Berlin");
    const day = calendar.dayOf(at("2025-03-30T10:00:00Z"));
    assert.equal(iso(day.startMs), "2025-03-29T23:00:00.000Z");
    assert.equal(iso(day.endMs), "2025-03-30T22:00:00.000Z");
    assert.equal(day.endMs - day.startMs, 23 * hourMs);
  });

  it("makes the autumn DST day 25 hours long", () => {
    const day = createZonedCalendar("Europe/Berlin").dayOf(at("2025-10-26T12:00:00Z"));
    assert.equal(day.endMs - day.startMs, 25 * hourMs);
  });

  it("assigns an instant just before local midnight to the local day, not the UTC day", () => {
    const calendar = createZonedCalendar("America/New_York");
    // 03:30 UTC on the 25th is 23:30 on the 24th in New York.
    assert.equal(calendar.isoDateOf(at("2025-03-25T03:30:00Z")), "2025-03-24");
    const day = calendar.dayOf(at("2025-03-25T03:30:00Z"));
    assert.equal(iso(day.startMs), "2025-03-24T04:00:00.000Z");
  });

  it("starts weeks on local Monday midnight", () => {
    const week = createZonedCalendar("Asia/Tokyo").weekOf(at("2025-03-27T05:00:00Z"));
    assert.equal(iso(week.startMs), "2025-03-23T15:00:00.000Z"); // Monday 24th 00:00 JST
    assert.equal(week.endMs - week.startMs, 7 * 24 * hourMs);
  });

  it("honours another first weekday", () => {
    const week = createZonedCalendar("UTC").weekOf(at("2025-03-27T05:00:00Z"), 7);
    assert.equal(iso(week.startMs), "2025-03-23T00:00:00.000Z"); // Sunday
  });

  it("cuts quarter days at local 00, 06, 12 and 18 h, also in half-hour zones", () => {
    const quarter = createZonedCalendar("Asia/Kolkata").quarterDayOf(at("2025-03-24T01:00:00Z"));
    assert.equal(iso(quarter.startMs), "2025-03-24T00:30:00.000Z"); // 06:00 IST
    assert.equal(iso(quarter.endMs), "2025-03-24T06:30:00.000Z");
  });

  it("starts the day after a DST gap at midnight on the first valid instant", () => {
    // Chile moves its clocks from 00:00 to 01:00 on 2025-09-07.
    const calendar = createZonedCalendar("America/Santiago");
    const day = calendar.dayOf(at("2025-09-07T15:00:00Z"));
    assert.equal(calendar.localTimeOf(day.startMs).hour, 1);
    assert.equal(calendar.isoDateOf(day.startMs), "2025-09-07");
    assert.equal(day.endMs - day.startMs, 23 * hourMs);
  });

  it("rejects a name that is not an IANA time zone with a user error", () => {
    assert.throws(() => createZonedCalendar("Mars/Olympus"), (error) => isWitnessError(error) && error.domain === "user");
  });
});
