import { z } from "zod";
import type { BucketUse } from "./budget.js";
import type { ZendeskClient, ZendeskRequest } from "./client.js";
import { parseResponse } from "./parse.js";

// Generic iterators over Zendesk's two list pagination styles (ZENDESK_API.md 3.1, 3.2). Search,
// search export and incremental exports have their own rules and their own modules.

export type Query = NonNullable<ZendeskRequest["query"]>;

export interface ListOptions {
  /** Path without `.json`, e.g. "/api/v2/tickets/123/comments". */
  path: string;
  /** Route template for logs and metrics, e.g. "/api/v2/tickets/{id}/comments". */
  route: string;
  query?: Query;
  /** The key of the list in the response body, e.g. "comments". */
  key: string;
  /** Checks each item; an item Hush cannot rely on is an UnexpectedResponseError. */
  item: z.ZodType;
  buckets?: readonly BucketUse[];
  signal?: AbortSignal;
}

/** Zendesk serves at most 100 items a page on list endpoints (3.1, 3.2). */
export const MAX_PAGE_SIZE = 100;

const cursorPage = z.looseObject({
  meta: z.looseObject({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }),
  links: z.looseObject({ next: z.string().nullable().optional() }).optional(),
});

/**
 * Items of a cursor-paginated list (3.1): `page[size]`, then the `links.next` URL Zendesk gives (or
 * `page[after]` with `meta.after_cursor` where it gives no link), until `meta.has_more` is false.
 */
export async function* cursorPaginate<T>(
  client: ZendeskClient,
  options: ListOptions & { pageSize?: number },
): AsyncGenerator<T, void, undefined> {
  const pageSchema = cursorPage.extend({ [options.key]: z.array(options.item) });
  const size = pageSizeWithin(options.pageSize, {
    fallback: MAX_PAGE_SIZE,
    max: MAX_PAGE_SIZE,
    option: "pageSize",
    route: options.route,
  });
  const firstQuery = { ...options.query, "page[size]": size };
  let next: Pick<ZendeskRequest, "query" | "url"> = { query: firstQuery };
  let previousCursor: string | undefined;
  for (;;) {
    const response = await client.request<unknown>({
      method: "GET",
      route: options.route,
      path: options.path,
      ...next,
      ...requestExtras(options),
    });
    const page = parseResponse<z.output<typeof cursorPage> & Record<string, unknown>>(
      pageSchema,
      response.body,
      { method: "GET", route: options.route, status: response.status },
    );
    yield* page[options.key] as T[];
    if (!page.meta.has_more) return;
    const cursor = page.meta.after_cursor ?? undefined;
    const link = page.links?.next ?? undefined;
    if (cursor === undefined && link === undefined) {
      throw new PaginationError(options.route, "Zendesk said there is more but gave no cursor to continue");
    }
    if (cursor !== undefined && cursor === previousCursor) {
      // The same cursor twice would loop for ever; better to stop loudly.
      throw new PaginationError(options.route, "Zendesk returned the same page cursor twice");
    }
    previousCursor = cursor;
    next = link !== undefined ? { url: link } : { query: { ...firstQuery, "page[after]": cursor } };
  }
}

const offsetPage = z.looseObject({
  next_page: z.string().nullable().optional(),
  count: z.number().optional(),
});

/**
 * The most pages offset pagination serves; Zendesk answers a 400 past them (ZENDESK_API.md 2.4,
 * 3.2: 100 pages or 10,000 records).
 */
export const MAX_OFFSET_PAGES = 100;
export const MAX_OFFSET_RECORDS = 10_000;

/**
 * Items of an offset-paginated list (3.2): `page` and `per_page`, following `next_page`. Stops with
 * an OffsetLimitError before asking for a page past Zendesk's limit, rather than getting its 400.
 */
export async function* offsetPaginate<T>(
  client: ZendeskClient,
  options: ListOptions & { perPage?: number },
): AsyncGenerator<T, void, undefined> {
  const pageSchema = offsetPage.extend({ [options.key]: z.array(options.item) });
  const perPage = pageSizeWithin(options.perPage, {
    fallback: MAX_PAGE_SIZE,
    max: MAX_PAGE_SIZE,
    option: "perPage",
    route: options.route,
  });
  let next: string | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    if (pageNumber > MAX_OFFSET_PAGES || (pageNumber - 1) * perPage >= MAX_OFFSET_RECORDS) {
      throw new OffsetLimitError(options.route);
    }
    const response = await client.request<unknown>({
      method: "GET",
      route: options.route,
      path: options.path,
      ...(next === undefined ? { query: { ...options.query, page: 1, per_page: perPage } } : { url: next }),
      ...requestExtras(options),
    });
    const page = parseResponse<z.output<typeof offsetPage> & Record<string, unknown>>(
      pageSchema,
      response.body,
      { method: "GET", route: options.route, status: response.status },
    );
    yield* page[options.key] as T[];
    if (!page.next_page) return;
    next = page.next_page;
  }
}

/**
 * A page size the caller asked for: a whole number from 1, at most `max` (larger ones are lowered
 * to it); `fallback` when none was given. Zendesk would answer 0 or a negative size with a 400 or an
 * empty page, so it is refused before any request is sent.
 */
export function pageSizeWithin(
  asked: number | undefined,
  limits: { fallback: number; max: number; option: string; route: string },
): number {
  if (asked === undefined) return Math.min(limits.fallback, limits.max);
  if (!Number.isInteger(asked) || asked < 1) {
    throw new RangeError(
      `${limits.option} for ${limits.route} must be a whole number from 1 to ${limits.max}; got ${asked}`,
    );
  }
  return Math.min(asked, limits.max);
}

/** The options every page request of a list passes on. */
export function requestExtras(options: {
  buckets?: readonly BucketUse[];
  signal?: AbortSignal;
}): Pick<ZendeskRequest, "buckets" | "signal"> {
  return {
    ...(options.buckets ? { buckets: options.buckets } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** A list that cannot be read to its end the way it was asked for. */
export class PaginationError extends Error {
  readonly kind: string = "pagination";

  constructor(
    readonly route: string,
    reason: string,
  ) {
    super(`GET ${route}: ${reason}`);
    this.name = "PaginationError";
  }
}

/** The list is longer than offset pagination can reach (100 pages / 10,000 records). */
export class OffsetLimitError extends PaginationError {
  override readonly kind = "offsetLimit";

  constructor(route: string) {
    super(
      route,
      `offset pagination reaches only the first ${MAX_OFFSET_PAGES} pages (${MAX_OFFSET_RECORDS} records); ` +
        "read this list with cursor pagination or narrow it",
    );
    this.name = "OffsetLimitError";
  }
}
