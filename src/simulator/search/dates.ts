import { SearchQueryError } from "./errors.js";

// Date values of the query language (ZENDESK_API.md 4.4): YYYY-MM-DD, ISO 8601 date-times and
// relative `<n><unit>` values. Every value becomes a half-open range [start, end) of epoch ms, so
// that one comparison rule serves all of them:
//   field:v  → start <= field < end     field<v → field < start    field<=v → field < end
//   field>v  → field >= end             field>=v → field >= start
// A date-only value covers its whole UTC day; a date-time covers its second; a relative value is
// the single instant now − n·unit (so `updated<90days` = last updated more than 90 days ago and
// `created>4hours` = created within the last 4 hours).

export type CompareOp = ":" | "<" | ">" | "<=" | ">=";

export interface DateRange {
  start: number;
  end: number;
  relative: boolean;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^(\d+)([a-z]+)$/i;
const UNITS: Record<string, number | "month" | "year"> = {
  minute: 60_000,
  hour: 3_600_000,
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: "month",
  year: "year",
};

const HOW =
  "use YYYY-MM-DD, an ISO 8601 time such as 2015-09-01T12:00:00Z, or a relative time such as 4hours " +
  "(units: minutes, hours, days, weeks, months, years)";

/** Parses a date value of `keyword`; `now` anchors relative values. */
export function parseDateValue(keyword: string, value: string, now: number): DateRange {
  const day = DATE_ONLY.exec(value);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = Date.UTC(y, m - 1, d);
    const check = new Date(start);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
      throw new SearchQueryError(`${keyword}: "${value}" is not a real calendar date; ${HOW}.`);
    }
    return { start, end: start + DAY_MS, relative: false };
  }
  if (DATE_TIME.test(value)) {
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
    const start = Date.parse(withZone);
    if (Number.isNaN(start))
      throw new SearchQueryError(`${keyword}: "${value}" is not a valid time; ${HOW}.`);
    return { start, end: start + 1000, relative: false };
  }
  const rel = RELATIVE.exec(value);
  if (rel) {
    const n = Number(rel[1]);
    const unitName = rel[2]!.toLowerCase().replace(/s$/, "");
    const unit = UNITS[unitName];
    if (unit === undefined) {
      throw new SearchQueryError(
        `${keyword}: "${rel[2]}" in "${value}" is not a time unit; use minutes, hours, days, weeks, months or years (e.g. ${keyword}>4hours).`,
      );
    }
    const instant = relativeInstant(now, n, unit);
    return { start: instant, end: instant + 1, relative: true };
  }
  throw new SearchQueryError(`${keyword}: "${value}" is not a date; ${HOW}.`);
}

function relativeInstant(now: number, n: number, unit: number | "month" | "year"): number {
  if (typeof unit === "number") return now - n * unit;
  const d = new Date(now);
  if (unit === "month") d.setUTCMonth(d.getUTCMonth() - n);
  else d.setUTCFullYear(d.getUTCFullYear() - n);
  return d.getTime();
}

/** Whether a record time satisfies `field <op> range`. */
export function compareDate(field: number, op: CompareOp, range: DateRange): boolean {
  switch (op) {
    case ":":
      return field >= range.start && field < range.end;
    case "<":
      return field < range.start;
    case "<=":
      return field < range.end;
    case ">":
      return field >= range.end;
    case ">=":
      return field >= range.start;
  }
}
