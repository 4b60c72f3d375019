import { badRequest } from "../errors.js";
import { compareKeys, decodeCursor, encodeCursor, pageUrl } from "../pagination.js";
import type { RouteContext } from "../route.js";

// The paging rules shared by every incremental export (ZENDESK_API.md 9): positions are
// (unix seconds, id) pairs, up to 1000 items a page, and the most recent minute is never served.

export type StreamKey = [number, number];

export interface StreamItem<T> {
  key: StreamKey;
  value: T;
}

export const MAX_PER_PAGE = 1000;

/** The newest timestamp an export may serve: data of the most recent minute is excluded. */
export const cutoffOf = (ctx: RouteContext): number => Math.floor(ctx.now / 1000) - 60;

export function startTime(ctx: RouteContext): number {
  const raw = ctx.query["start_time"];
  if (raw === undefined || raw === "")
    throw badRequest("InvalidValue", "start_time is required (unix seconds)");
  const start = Number(raw);
  if (!Number.isInteger(start) || start < 0)
    throw badRequest("InvalidValue", `start_time "${raw}" must be a unix timestamp in seconds`);
  if (start > cutoffOf(ctx))
    throw badRequest(
      "InvalidValue",
      "Too recent start_time. start_time must be more than a minute in the past.",
    );
  return start;
}

export function perPage(ctx: RouteContext): number {
  const raw = ctx.query["per_page"];
  if (raw === undefined) return MAX_PER_PAGE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw badRequest("InvalidValue", `per_page "${raw}" must be a positive integer`);
  return Math.min(n, MAX_PER_PAGE);
}

const byKey = <T>(a: StreamItem<T>, b: StreamItem<T>): number => compareKeys(a.key, b.key);

export interface CursorExport<T> {
  items: T[];
  after_cursor: string;
  after_url: string;
  before_cursor: string | null;
  before_url: string | null;
  end_of_stream: boolean;
}

/**
 * Cursor-based export: `start_time` for the first page, then `cursor`. The after_cursor is always
 * given, even at the end of the stream, so a client can persist it and resume later.
 */
export function cursorExport<T>(ctx: RouteContext, all: Iterable<StreamItem<T>>): CursorExport<T> {
  const cursor = ctx.query["cursor"];
  const after: StreamKey = cursor ? (decodeCursor(cursor, "cursor") as StreamKey) : [startTime(ctx), 0];
  const cutoff = cutoffOf(ctx);
  const eligible: StreamItem<T>[] = [];
  for (const item of all) if (item.key[0] <= cutoff && compareKeys(item.key, after) > 0) eligible.push(item);
  eligible.sort(byKey);
  const size = perPage(ctx);
  const page = eligible.slice(0, size);
  const afterCursor = encodeCursor(page.at(-1)?.key ?? after);
  const beforeCursor = cursor && page.length > 0 ? encodeCursor(after) : null;
  return {
    items: page.map((i) => i.value),
    after_cursor: afterCursor,
    after_url: pageUrl(ctx, { cursor: afterCursor, start_time: null }),
    before_cursor: beforeCursor,
    before_url: beforeCursor ? pageUrl(ctx, { cursor: beforeCursor, start_time: null }) : null,
    end_of_stream: eligible.length <= size,
  };
}

export interface TimeExport<T> {
  items: T[];
  count: number;
  end_time: number;
  next_page: string;
  end_of_stream: boolean;
}

/**
 * Time-based export: items with timestamp ≥ start_time. A page always holds every item of its
 * last second (so it can exceed per_page), and `end_time` is that second: the next page repeats
 * those items, as Zendesk's does, so clients must tolerate duplicates. A page made of a single
 * second moves end_time one second on, or the client would get the same page for ever.
 */
export function timeExport<T>(ctx: RouteContext, all: Iterable<StreamItem<T>>): TimeExport<T> {
  const start = startTime(ctx);
  const cutoff = cutoffOf(ctx);
  const eligible: StreamItem<T>[] = [];
  for (const item of all) if (item.key[0] >= start && item.key[0] <= cutoff) eligible.push(item);
  eligible.sort(byKey);
  let end = Math.min(perPage(ctx), eligible.length);
  const lastSecond = eligible[end - 1]?.key[0];
  while (end < eligible.length && eligible[end]!.key[0] === lastSecond) end++;
  const page = eligible.slice(0, end);
  const endOfStream = end === eligible.length;
  let endTime = lastSecond ?? start;
  if (!endOfStream && page[0]?.key[0] === lastSecond) endTime += 1;
  return {
    items: page.map((i) => i.value),
    count: page.length,
    end_time: endTime,
    next_page: pageUrl(ctx, { start_time: String(endTime) }),
    end_of_stream: endOfStream,
  };
}
