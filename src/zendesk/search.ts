import { z } from "zod";
import type { ZendeskClient } from "./client.js";
import { parseResponse, requestParsed, signalOf } from "./parse.js";

// GET /api/v2/search and /search/count (ZENDESK_API.md 4.1, 4.2). Search reaches at most the first
// 1,000 results of a query while `count` reports the true total; past that, use search export.

/** The most results /search serves for one query (4.1). */
export const SEARCH_RESULT_LIMIT = 1000;
const PER_PAGE = 100;

export interface SearchResult {
  id: number;
  result_type: string;
  [field: string]: unknown;
}

export interface SearchOptions {
  sortBy?: "updated_at" | "created_at" | "priority" | "status" | "ticket_type";
  sortOrder?: "asc" | "desc";
  signal?: AbortSignal;
}

/**
 * The results of one search: iterate it once. `count` (Zendesk's true total) is known after the
 * first page; `capped` tells that results were left out because of the 1,000-result limit, so the
 * caller should switch to searchExport or narrow the query.
 */
export interface SearchResults<T> extends AsyncIterable<T> {
  readonly count: number | undefined;
  readonly capped: boolean;
}

const searchPage = z.looseObject({
  results: z.array(z.looseObject({ id: z.number().int(), result_type: z.string() })),
  next_page: z.string().nullable().optional(),
  count: z.number().int(),
});

/** Searches with `query` (4.4 syntax), 100 results a page, stopping at the 1,000-result limit. */
export function search<T extends SearchResult = SearchResult>(
  client: ZendeskClient,
  query: string,
  options: SearchOptions = {},
): SearchResults<T> {
  let count: number | undefined;
  async function* results(): AsyncGenerator<T, void, undefined> {
    // Search pages may repeat a result while the index changes (4.1); each is yielded once.
    const seen = new Set<string>();
    let next: string | undefined;
    for (let page = 1; page * PER_PAGE <= SEARCH_RESULT_LIMIT; page++) {
      const response = await client.request<unknown>({
        method: "GET",
        path: "/api/v2/search",
        route: "/api/v2/search",
        ...(next === undefined
          ? {
              query: {
                query,
                per_page: PER_PAGE,
                page: 1,
                sort_by: options.sortBy,
                sort_order: options.sortOrder,
              },
            }
          : { url: next }),
        buckets: [{ bucket: "search-index" }],
        ...signalOf(options.signal),
      });
      const body = parseResponse<z.output<typeof searchPage>>(searchPage, response.body, {
        method: "GET",
        route: "/api/v2/search",
        status: response.status,
      });
      count = body.count;
      for (const result of body.results) {
        const key = `${result.result_type}:${result.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield result as T;
      }
      if (!body.next_page) return;
      next = body.next_page;
    }
  }
  return {
    get count() {
      return count;
    },
    get capped() {
      return count !== undefined && count > SEARCH_RESULT_LIMIT;
    },
    [Symbol.asyncIterator]: results,
  };
}

/** GET /api/v2/search/count: how many records match `query`. */
export async function searchCount(
  client: ZendeskClient,
  query: string,
  signal?: AbortSignal,
): Promise<number> {
  const body = await requestParsed<{ count: number }>(
    client,
    {
      method: "GET",
      path: "/api/v2/search/count",
      route: "/api/v2/search/count",
      query: { query },
      buckets: [{ bucket: "search-index" }],
      ...signalOf(signal),
    },
    z.looseObject({ count: z.number().int() }),
  );
  return body.count;
}
