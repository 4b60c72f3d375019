import { Cron } from "croner";
import type { RedactionPolicySpec } from "../api/redaction-policy.js";

// When a policy's next sweep is due. Pure: the caller passes the time, so the same function serves
// `hush run` and the operator, and tests can cross daylight-saving changes without waiting.

export type Schedule = RedactionPolicySpec["schedule"];

/** A schedule that cannot be computed; the message names the field and what is allowed. */
export class ScheduleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "ScheduleError";
  }
}

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** Parses a Go-style duration of hours, minutes and seconds (1h, 30m, 1h30m, 90s) to milliseconds. */
export function parseDuration(text: string): number {
  if (!/^([0-9]+[hms])+$/.test(text)) {
    throw new ScheduleError(
      "spec.schedule.interval",
      `must be a duration such as 30m, 1h or 1h30m (got "${text}")`,
    );
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+)([hms])/g)) {
    ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (ms < 1_000) {
    throw new ScheduleError("spec.schedule.interval", `must be at least 1s (got "${text}")`);
  }
  return ms;
}

/** Builds the cron of a schedule; throws ScheduleError naming the field when it is invalid. */
function cronOf(cron: string, timeZone: string | undefined): Cron {
  if (timeZone !== undefined && !isTimeZone(timeZone)) {
    throw new ScheduleError(
      "spec.schedule.timeZone",
      `must be an IANA time zone such as Europe/Copenhagen or UTC (got "${timeZone}")`,
    );
  }
  try {
    // No callback: croner only computes times, it starts no timer.
    return new Cron(cron, { timezone: timeZone ?? "UTC", mode: "5-part" });
  } catch (error) {
    throw new ScheduleError(
      "spec.schedule.cron",
      `must be a five-field cron expression (minute hour day month weekday), e.g. "0 3 * * *": ${(error as Error).message}`,
    );
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with a schedule, or undefined when nextSweepTime can use it. */
export function scheduleProblem(schedule: Schedule): { path: string; message: string } | undefined {
  try {
    nextSweepTime(schedule, new Date(0));
    return undefined;
  } catch (error) {
    if (error instanceof ScheduleError)
      return { path: error.path, message: error.message.slice(error.path.length + 2) };
    throw error;
  }
}

/**
 * When the next sweep is due, given that it is now `after` and the last sweep started at
 * `lastStart`; undefined when the policy has no schedule (it sweeps only when asked).
 *
 * - cron: the first occurrence after `after` in `timeZone` (UTC by default). A time that does not
 *   exist on the day clocks go forward runs at the first minute after the gap (croner's rule); on
 *   the day clocks go back it runs once. One occurrence missed since `lastStart` (Hush was not
 *   running) is due at once, like a Kubernetes CronJob catching up its last missed run; more than
 *   one missed run still means a single sweep.
 * - interval: `lastStart` + interval, measured from start to start so a long sweep does not push
 *   the schedule; due at once when that time has passed or there was no sweep yet.
 *
 * Throws ScheduleError for an invalid cron expression, time zone or interval.
 */
export function nextSweepTime(schedule: Schedule, after: Date, lastStart?: Date): Date | undefined {
  if (!schedule) return undefined;
  if (schedule.cron !== undefined && schedule.interval !== undefined) {
    throw new ScheduleError("spec.schedule", "must set either cron or interval, not both");
  }
  if (schedule.cron !== undefined) {
    const cron = cronOf(schedule.cron, schedule.timeZone);
    if (lastStart && lastStart < after) {
      const missed = cron.nextRun(lastStart);
      if (missed && missed <= after) return after;
    }
    return cron.nextRun(after) ?? undefined;
  }
  if (schedule.interval !== undefined) {
    const interval = parseDuration(schedule.interval);
    if (!lastStart) return after;
    const due = new Date(lastStart.getTime() + interval);
    return due > after ? due : after;
  }
  if (schedule.timeZone !== undefined) {
    throw new ScheduleError(
      "spec.schedule.timeZone",
      "applies to cron only: add a cron expression or remove timeZone",
    );
  }
  return undefined;
}
