import { Cron } from "croner";
import type { FieldProblem } from "./problems.js";
import { closest, quoted } from "./problems.js";
import type { RedactionPolicySpec } from "./redaction-policy.js";

// A policy's schedule: exactly one of cron (with an optional IANA time zone) or interval. The
// cron expression is checked with croner, the library that computes the next sweep time, so
// that what validates here is what runs.

type Schedule = NonNullable<RedactionPolicySpec["schedule"]>;

/** Nicknames croner understands that make sense for a schedule (@reboot does not). */
export const CRON_NICKNAMES = [
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
];

/** The shortest interval between sweeps: a sweep every few seconds would only hammer the API. */
export const MIN_INTERVAL_SECONDS = 60;

export function checkSchedule(schedule: Schedule, path: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (field: string, message: string) =>
    problems.push({ path: field ? `${path}.${field}` : path, message });

  if (schedule.cron === undefined && schedule.interval === undefined) {
    at(
      "",
      'needs cron or interval; give one (e.g. cron: "0 3 * * *" or interval: 24h), or remove schedule to sweep only when asked',
    );
  }
  if (schedule.cron !== undefined && schedule.interval !== undefined) {
    at("", "has both cron and interval; keep one of them");
  }
  if (schedule.timeZone !== undefined) {
    if (schedule.cron === undefined) {
      at("timeZone", "is used only with cron (an interval needs no time zone); remove timeZone or use cron");
    }
    const zoneProblem = timeZoneProblem(schedule.timeZone);
    if (zoneProblem) at("timeZone", zoneProblem);
  }
  if (schedule.cron !== undefined) {
    const cronProblem = cronExpressionProblem(schedule.cron, schedule.timeZone);
    if (cronProblem) at("cron", cronProblem);
  }
  if (schedule.interval !== undefined) {
    const seconds = durationSeconds(schedule.interval);
    if (seconds !== undefined && seconds < MIN_INTERVAL_SECONDS) {
      at("interval", `is shorter than 1m; sweeps may start at most once a minute, e.g. 15m or 1h`);
    }
  }
  return problems;
}

/** Seconds of a duration such as 1h30m or 90s; undefined when it is not one. */
export function durationSeconds(duration: string): number | undefined {
  if (!/^([0-9]+(h|m|s))+$/.test(duration)) return undefined;
  let seconds = 0;
  for (const m of duration.matchAll(/([0-9]+)(h|m|s)/g)) {
    seconds += Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  }
  return seconds;
}

export function timeZoneProblem(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return undefined;
  } catch {
    const suggestion = closest(zone, Intl.supportedValuesOf("timeZone"));
    const hint = suggestion ? `; did you mean ${suggestion}?` : "";
    return `${quoted(zone)} is not an IANA time zone; use a name such as Europe/Copenhagen, America/New_York or UTC${hint}`;
  }
}

/** Why a cron expression cannot be used, or undefined. */
export function cronExpressionProblem(cron: string, timeZone?: string): string | undefined {
  const expression = cron.trim();
  if (expression.startsWith("@")) {
    if (!CRON_NICKNAMES.includes(expression.toLowerCase())) {
      return `${quoted(expression)} is not a schedule nickname; use ${CRON_NICKNAMES.join(", ")} or five fields such as 0 3 * * *`;
    }
  } else {
    const fields = expression.split(/\s+/).length;
    if (fields !== 5) {
      return `must have five fields (minute hour day-of-month month day-of-week), e.g. 0 3 * * * for 03:00 daily; it has ${fields}`;
    }
  }
  let next: Date | null;
  try {
    const options =
      timeZone && timeZoneProblem(timeZone) === undefined
        ? { paused: true, timezone: timeZone }
        : { paused: true };
    next = new Cron(expression, options).nextRun();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, "");
    return `is not a valid cron expression (${reason}); write five fields (minute hour day-of-month month day-of-week), e.g. 0 3 * * *`;
  }
  if (next === null) {
    return "never matches a date (such as 30 February); choose days that exist";
  }
  return undefined;
}
