import { badRequest } from "./errors.js";
import type { RouteContext } from "./route.js";

export type SortKey = readonly (number | string)[];

/** Whether the request asks for cursor pagination (any `page[...]` parameter). */
export const wantsCursor = (ctx: RouteContext): boolean =>
  Object.keys(ctx.query).some((k) => k.startsWith("page["));

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string, param = "page[after] or page[before]"): SortKey {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(key)) return key;
  } catch {
    // fall through
  }
  throw badRequest(
    "InvalidPaginationParameter",
    `${param} is not a valid cursor; pass the after_cursor of the previous page`,
  );
}

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** A URL for the same endpoint with some query parameters replaced (null removes one). */
export function pageUrl(ctx: RouteContext, changes: Record<string, string | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(ctx.query)) if (v !== undefined && !(k in changes)) params.set(k, v);
  for (const [k, v] of Object.entries(changes)) if (v !== null) params.set(k, v);
  const query = params.toString().replace(/%5B/g, "[").replace(/%5D/g, "]");
  return `${ctx.baseUrl}${ctx.path}.json${query ? `?${query}` : ""}`;
}

export interface CursorPage<T> {
  items: T[];
  meta: { has_more: boolean; after_cursor: string | null; before_cursor: string | null };
  links: { next: string | null; prev: string | null };
}

/**
 * Cursor pagination (ZENDESK_API.md 3.1) over items sorted ascending by `keyOf` (negate numbers
 * for descending orders). Cursors carry the sort key of the edge item, so they stay valid while
 * records are added or removed.
 */
export function cursorPage<T>(
  ctx: RouteContext,
  sorted: readonly T[],
  keyOf: (item: T) => SortKey,
  options: { maxSize?: number; defaultSize?: number } = {},
): CursorPage<T> {
  const maxSize = options.maxSize ?? 100;
  const size = pageSize(ctx.query["page[size]"], options.defaultSize ?? 100, maxSize);
  const after = ctx.query["page[after]"];
  const before = ctx.query["page[before]"];
  let start = 0;
  let end: number;
  if (after) {
    const key = decodeCursor(after, "page[after]");
    start = firstIndex(sorted, (item) => compareKeys(keyOf(item), key) > 0);
    end = Math.min(sorted.length, start + size);
  } else if (before) {
    const key = decodeCursor(before, "page[before]");
    end = firstIndex(sorted, (item) => compareKeys(keyOf(item), key) >= 0);
    start = Math.max(0, end - size);
  } else {
    end = Math.min(sorted.length, size);
  }
  const items = sorted.slice(start, end);
  const hasMore = before ? start > 0 : end < sorted.length;
  const first = items[0];
  const last = items.at(-1);
  const afterCursor = last === undefined ? null : encodeCursor(keyOf(last));
  const beforeCursor = first === undefined ? null : encodeCursor(keyOf(first));
  return {
    items,
    meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
    links: {
      next: afterCursor ? pageUrl(ctx, { "page[after]": afterCursor, "page[before]": null }) : null,
      prev: beforeCursor ? pageUrl(ctx, { "page[before]": beforeCursor, "page[after]": null }) : null,
    },
  };
}

export interface OffsetPage<T> {
  items: T[];
  count: number;
  next_page: string | null;
  previous_page: string | null;
}

/** The most pages offset pagination serves (ZENDESK_API.md 2.4: 100 pages / 10,000 records). */
export const MAX_OFFSET_PAGES = 100;

/** Offset pagination (3.2): `page` and `per_page` (at most 100), refused past 100 pages. */
export function offsetPage<T>(
  ctx: RouteContext,
  items: readonly T[],
  options: { maxPerPage?: number; limitPages?: boolean } = {},
): OffsetPage<T> {
  const perPage = pageSize(ctx.query["per_page"], 100, options.maxPerPage ?? 100);
  const page = Math.max(1, Number.parseInt(ctx.query["page"] ?? "1", 10) || 1);
  if ((options.limitPages ?? true) && page > MAX_OFFSET_PAGES) {
    throw badRequest(
      "InvalidPaginationParameter",
      "Offset pagination is limited to the first 100 pages (10,000 records). Use cursor pagination: page[size] and page[after].",
    );
  }
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  const hasNext = start + perPage < items.length;
  return {
    items: slice,
    count: items.length,
    next_page: hasNext ? pageUrl(ctx, { page: String(page + 1) }) : null,
    previous_page: page > 1 ? pageUrl(ctx, { page: String(page - 1) }) : null,
  };
}

function pageSize(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1)
    throw badRequest("InvalidPaginationParameter", `page size "${raw}" must be a positive integer`);
  return Math.min(n, max);
}

function firstIndex<T>(sorted: readonly T[], predicate: (item: T) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (predicate(sorted[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A list response in whichever pagination style the request asked for (ZENDESK_API.md 3):
 * `{<key>: [...], meta, links}` for cursor, `{<key>: [...], next_page, previous_page, count}` for offset.
 */
export function listResponse<T>(
  ctx: RouteContext,
  key: string,
  sorted: readonly T[],
  keyOf: (item: T) => SortKey,
  toJson: (item: T) => unknown,
): Record<string, unknown> {
  if (wantsCursor(ctx)) {
    const page = cursorPage(ctx, sorted, keyOf);
    return { [key]: page.items.map(toJson), meta: page.meta, links: page.links };
  }
  return offsetResponse(ctx, key, sorted, toJson);
}

/** An offset-paginated list response: `{<key>: [...], next_page, previous_page, count}`. */
export function offsetResponse<T>(
  ctx: RouteContext,
  key: string,
  items: readonly T[],
  toJson: (item: T) => unknown,
): Record<string, unknown> {
  const page = offsetPage(ctx, items);
  return {
    [key]: page.items.map(toJson),
    next_page: page.next_page,
    previous_page: page.previous_page,
    count: page.count,
  };
}
