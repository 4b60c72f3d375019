import { describe, expect, it } from "vitest";
import {
  nextSweepTime,
  parseDuration,
  ScheduleError,
  scheduleProblem,
} from "../../src/controller/schedule.js";

const at = (iso: string) => new Date(iso);

describe("nextSweepTime with cron", () => {
  it("is the next occurrence in UTC when no time zone is given", () => {
    expect(nextSweepTime({ cron: "0 3 * * *" }, at("2026-05-01T10:00:00Z"))).toEqual(
      at("2026-05-02T03:00:00Z"),
    );
  });

  it("reads the cron in its time zone", () => {
    // 03:00 in Copenhagen is 01:00 UTC in summer (CEST, UTC+2).
    expect(
      nextSweepTime({ cron: "0 3 * * *", timeZone: "Europe/Copenhagen" }, at("2026-05-01T10:00:00Z")),
    ).toEqual(at("2026-05-02T01:00:00Z"));
  });

  it("keeps 03:00 local time across the change to summer time", () => {
    const schedule = { cron: "0 3 * * *", timeZone: "Europe/Copenhagen" };
    // Clocks go forward on 2026-03-29 at 02:00 local: 03:00 is UTC+1 before and UTC+2 after.
    expect(nextSweepTime(schedule, at("2026-03-27T12:00:00Z"))).toEqual(at("2026-03-28T02:00:00Z"));
    expect(nextSweepTime(schedule, at("2026-03-28T12:00:00Z"))).toEqual(at("2026-03-29T01:00:00Z"));
    expect(nextSweepTime(schedule, at("2026-03-29T12:00:00Z"))).toEqual(at("2026-03-30T01:00:00Z"));
  });

  it("keeps 03:00 local time across the change back to winter time, once a day", () => {
    const schedule = { cron: "0 3 * * *", timeZone: "Europe/Copenhagen" };
    // Clocks go back on 2026-10-25 at 03:00 local.
    expect(nextSweepTime(schedule, at("2026-10-24T12:00:00Z"))).toEqual(at("2026-10-25T02:00:00Z"));
    expect(nextSweepTime(schedule, at("2026-10-25T02:00:00Z"))).toEqual(at("2026-10-26T02:00:00Z"));
  });

  it("runs a time that occurs twice on the fall-back day once", () => {
    // 02:30 local happens twice on 2026-10-25 in Copenhagen (00:30Z in summer time, 01:30Z after).
    const schedule = { cron: "30 2 * * *", timeZone: "Europe/Copenhagen" };
    const first = nextSweepTime(schedule, at("2026-10-24T12:00:00Z"))!;
    expect(first).toEqual(at("2026-10-25T00:30:00Z"));
    const afterFirst = new Date(first.getTime() + 60_000);
    expect(nextSweepTime(schedule, afterFirst, first)).toEqual(at("2026-10-26T01:30:00Z"));
  });

  it("runs a time that does not exist on the spring-forward day right after the gap", () => {
    // 02:30 local does not exist on 2026-03-29 in Copenhagen; the sweep runs at 03:00 local.
    expect(
      nextSweepTime({ cron: "30 2 * * *", timeZone: "Europe/Copenhagen" }, at("2026-03-28T12:00:00Z")),
    ).toEqual(at("2026-03-29T01:00:00Z"));
  });

  it("is due at once when an occurrence was missed since the last start, and only once", () => {
    const schedule = { cron: "0 3 * * *" };
    const now = at("2026-05-05T09:00:00Z");
    expect(nextSweepTime(schedule, now, at("2026-05-01T03:00:00Z"))).toEqual(now);
    expect(nextSweepTime(schedule, now, at("2026-05-05T03:00:00Z"))).toEqual(at("2026-05-06T03:00:00Z"));
  });

  it("does not treat the occurrence a sweep just started at as missed", () => {
    const start = at("2026-05-05T03:00:00Z");
    expect(nextSweepTime({ cron: "0 3 * * *" }, at("2026-05-05T03:20:00Z"), start)).toEqual(
      at("2026-05-06T03:00:00Z"),
    );
  });
});

describe("nextSweepTime with interval", () => {
  it("is due at once when the policy never swept", () => {
    const now = at("2026-05-01T10:00:00Z");
    expect(nextSweepTime({ interval: "1h" }, now)).toEqual(now);
  });

  it("counts from the start of the last sweep, so a long sweep does not push the schedule", () => {
    expect(
      nextSweepTime({ interval: "1h30m" }, at("2026-05-01T10:40:00Z"), at("2026-05-01T10:00:00Z")),
    ).toEqual(at("2026-05-01T11:30:00Z"));
  });

  it("is due at once, not several times, when more than one interval passed", () => {
    const now = at("2026-05-01T20:00:00Z");
    expect(nextSweepTime({ interval: "1h" }, now, at("2026-05-01T10:00:00Z"))).toEqual(now);
  });
});

describe("schedules that cannot be computed", () => {
  it("has no next time without a schedule: the policy sweeps only when asked", () => {
    expect(nextSweepTime(undefined, at("2026-05-01T10:00:00Z"))).toBeUndefined();
    expect(nextSweepTime({}, at("2026-05-01T10:00:00Z"))).toBeUndefined();
  });

  it("names the field of a broken cron, time zone or interval", () => {
    expect(scheduleProblem({ cron: "0 3 * *" })).toMatchObject({ path: "spec.schedule.cron" });
    expect(scheduleProblem({ cron: "0 3 * * *", timeZone: "Mars/Olympus" })).toMatchObject({
      path: "spec.schedule.timeZone",
      message: expect.stringContaining("Mars/Olympus"),
    });
    expect(scheduleProblem({ interval: "0s" })).toMatchObject({ path: "spec.schedule.interval" });
    expect(scheduleProblem({ cron: "0 3 * * *", interval: "1h" })).toMatchObject({ path: "spec.schedule" });
    expect(scheduleProblem({ cron: "0 3 * * *", timeZone: "UTC" })).toBeUndefined();
  });

  it("throws a ScheduleError that says what is allowed", () => {
    expect(() => nextSweepTime({ interval: "1d" }, new Date())).toThrow(ScheduleError);
    expect(() => nextSweepTime({ interval: "1d" }, new Date())).toThrow(/such as 30m, 1h or 1h30m/);
  });
});

describe("parseDuration", () => {
  it("reads hours, minutes and seconds", () => {
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("2h")).toBe(7_200_000);
  });
});

describe("cron nicknames", () => {
  it("reads @daily and @hourly as croner does", () => {
    expect(nextSweepTime({ cron: "@daily" }, at("2026-05-01T10:30:00Z"))).toEqual(at("2026-05-02T00:00:00Z"));
    expect(nextSweepTime({ cron: "@hourly" }, at("2026-05-01T10:30:00Z"))).toEqual(
      at("2026-05-01T11:00:00Z"),
    );
  });
});
