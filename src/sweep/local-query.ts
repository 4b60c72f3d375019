import type { Ticket } from "../zendesk/types.js";
import { tokens } from "./query.js";

// A small matcher for the few query keywords a sweep can evaluate on records itself, so that a
// very large backlog can be streamed through the incremental export (ZENDESK_API.md 9) and
// filtered here instead of asking search for hundreds of thousands of results. It understands
// exactly these terms of the query language (4.4), and nothing else:
//   status   (tickets)  status:closed, status<solved, status>=pending ... (new < open < pending <
//                       hold < solved < closed)
//   tags                tags:vip, tags:"a b" (both tags), -tags:legal-hold (also spelt tag:)
//   created, updated    :, <, <=, >, >= with YYYY-MM-DD (a whole UTC day), an ISO 8601 time (its
//                       second) or a relative time such as 90days (minutes, hours, days, weeks,
//                       months, years; `updated<90days` = last updated more than 90 days ago)
//   role     (users)    role:end-user, role:agent, role:admin
// Positive `keyword:value` terms with the same keyword are ORed (tags:a tags:b), everything else
// is ANDed (created>X created<Y is a range), as Zendesk does. A query with any other term (free
// text, another keyword, a wildcard, `none`) is not matched locally: the sweep uses search export.

export type LocalRecord = Pick<Ticket, "tags" | "created_at" | "updated_at"> & {
  status?: string;
  role?: string;
  active?: boolean;
};

export type LocalMatcher = (record: LocalRecord) => boolean;

const STATUSES = ["new", "open", "pending", "hold", "solved", "closed"];
const ROLES = ["end-user", "agent", "admin"];
const TERM = /^(-?)([a-z_]+)(:|<=|>=|<|>)(.*)$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^(\d+)(minutes?|hours?|days?|weeks?|months?|years?)$/i;
const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: DAY, week: 7 * DAY };

type Op = ":" | "<" | "<=" | ">" | ">=";
type Test = (record: LocalRecord) => boolean;

/**
 * A matcher for `query` (the export form: no `type:` term) on records of `type`, with relative
 * times anchored at `now`; undefined when the query uses anything this module does not understand.
 */
export function localMatcher(query: string, type: "ticket" | "user", now: number): LocalMatcher | undefined {
  const all: Test[] = [];
  const ored = new Map<string, Test[]>();
  for (const token of tokens(query)) {
    const m = TERM.exec(token);
    if (!m) return undefined;
    const [, negated = "", rawKeyword = "", op = ":", value = ""] = m;
    const keyword = rawKeyword.toLowerCase() === "tag" ? "tags" : rawKeyword.toLowerCase();
    const test = termTest(keyword, op as Op, value, type, now);
    if (!test) return undefined;
    if (negated) all.push((r) => !test(r));
    else if (op === ":" && keyword !== "created" && keyword !== "updated") {
      ored.set(keyword, [...(ored.get(keyword) ?? []), test]);
    } else all.push(test);
  }
  for (const group of ored.values()) all.push((r) => group.some((test) => test(r)));
  // Deleted records are never search results; the incremental exports list them.
  const live: Test = (r) => r.active !== false && r.status !== "deleted";
  return (record) => live(record) && all.every((test) => test(record));
}

function termTest(keyword: string, op: Op, value: string, type: "ticket" | "user", now: number) {
  if (value === "" || value.endsWith("*")) return undefined;
  switch (keyword) {
    case "status":
      return type === "ticket" ? rankTest(op, value.toLowerCase(), STATUSES, (r) => r.status) : undefined;
    case "role":
      return type === "user" && op === ":" && ROLES.includes(value.toLowerCase())
        ? (r: LocalRecord) => r.role === value.toLowerCase()
        : undefined;
    case "tags":
      return op === ":" ? tagsTest(value) : undefined;
    case "created":
    case "updated": {
      const range = dateRange(value, now);
      if (!range || (range.relative && op === ":")) return undefined;
      const field = keyword === "created" ? "created_at" : "updated_at";
      return (r: LocalRecord) => {
        const at = Date.parse(r[field]);
        return !Number.isNaN(at) && compare(at, op, range);
      };
    }
    default:
      return undefined;
  }
}

function rankTest(
  op: Op,
  value: string,
  order: readonly string[],
  of: (r: LocalRecord) => string | undefined,
) {
  const wanted = order.indexOf(value);
  if (wanted < 0) return undefined;
  return (r: LocalRecord) => {
    const rank = order.indexOf(of(r) ?? "");
    if (rank < 0) return false;
    if (op === ":") return rank === wanted;
    if (op === "<") return rank < wanted;
    if (op === "<=") return rank <= wanted;
    if (op === ">") return rank > wanted;
    return rank >= wanted;
  };
}

/** `tags:"a b"` needs every listed tag; `none` is left to search. Case-insensitive, as Zendesk. */
function tagsTest(value: string) {
  const wanted = value.replace(/^"|"$/g, "").toLowerCase().split(/\s+/).filter(Boolean);
  if (wanted.length === 0 || (wanted.length === 1 && wanted[0] === "none" && !value.startsWith('"')))
    return undefined;
  return (r: LocalRecord) => {
    const tags = r.tags.map((t) => t.toLowerCase());
    return wanted.every((w) => tags.includes(w));
  };
}

interface DateRange {
  /** Half-open [start, end) of epoch ms the value stands for. */
  start: number;
  end: number;
  relative: boolean;
}

function dateRange(value: string, now: number): DateRange | undefined {
  const day = DATE_ONLY.exec(value);
  if (day) {
    const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    const check = new Date(start);
    if (check.getUTCDate() !== Number(day[3]) || check.getUTCMonth() !== Number(day[2]) - 1) return undefined;
    return { start, end: start + DAY, relative: false };
  }
  if (DATE_TIME.test(value)) {
    const start = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
    return Number.isNaN(start) ? undefined : { start, end: start + 1000, relative: false };
  }
  const rel = RELATIVE.exec(value);
  if (!rel) return undefined;
  const n = Number(rel[1]);
  const unit = (rel[2] ?? "").toLowerCase().replace(/s$/, "");
  let instant: number;
  if (unit === "month" || unit === "year") {
    const d = new Date(now);
    if (unit === "month") d.setUTCMonth(d.getUTCMonth() - n);
    else d.setUTCFullYear(d.getUTCFullYear() - n);
    instant = d.getTime();
  } else instant = now - n * (UNIT_MS[unit] ?? Number.NaN);
  return Number.isNaN(instant) ? undefined : { start: instant, end: instant + 1, relative: true };
}

/** `field <op> value` where the value covers [start, end): `<` is before it, `>` after it. */
function compare(at: number, op: Op, range: DateRange): boolean {
  if (op === ":") return at >= range.start && at < range.end;
  if (op === "<") return at < range.start;
  if (op === "<=") return at < range.end;
  if (op === ">") return at >= range.end;
  return at >= range.start;
}
