import { z } from "zod";
import type { ZendeskClient } from "./client.js";
import { ValidationError } from "./errors.js";
import { pageSizeWithin } from "./paginate.js";
import { parseResponse, signalOf } from "./parse.js";

// GET /api/v2/search/export (ZENDESK_API.md 4.3): every match of a query, one record type, ordered
// by created_at, with cursor pages of up to 1,000 and no 1,000-result cap. Its cursor expires an
// hour after it was issued; a long export then goes on with a new export narrowed to what it has
// not seen yet (`created>=` the last created_at it yielded), never from the start.

export type ExportType = "ticket" | "user" | "organization" | "group";

export interface ExportResult {
  id: number;
  created_at: string;
  [field: string]: unknown;
}

export interface SearchExportOptions {
  /** The one record type to export (`filter[type]`); `type:` must not be in the query. */
  type: ExportType;
  /** Results a page, at most 1,000; Zendesk recommends 100, since large pages can time out (4.3). */
  pageSize?: number;
  signal?: AbortSignal;
}

/** Iterate once; `resumes` counts how often an expired cursor was replaced by a narrowed export. */
export interface SearchExport<T> extends AsyncIterable<T> {
  readonly resumes: number;
}

export const MAX_EXPORT_PAGE_SIZE = 1000;
/** A cursor is valid for an hour (4.3). */
export const EXPORT_CURSOR_TTL_MS = 60 * 60_000;
/** A cursor this old is not used any more: the request could arrive after it expired. */
const CURSOR_RETIRE_AFTER_MS = EXPORT_CURSOR_TTL_MS - 5 * 60_000;
const ROUTE = "/api/v2/search/export";

const exportPage = z.looseObject({
  results: z.array(z.looseObject({ id: z.number().int(), created_at: z.string() })),
  meta: z.looseObject({ has_more: z.boolean() }),
  links: z.looseObject({ next: z.string().nullable().optional() }).optional(),
});

/**
 * Exports every record of `options.type` matching `query`, each once, even when the export takes
 * longer than a cursor lives.
 */
export function searchExport<T extends ExportResult = ExportResult>(
  client: ZendeskClient,
  query: string,
  options: SearchExportOptions,
): SearchExport<T> {
  const pageSize = pageSizeWithin(options.pageSize, {
    fallback: 100,
    max: MAX_EXPORT_PAGE_SIZE,
    option: "pageSize",
    route: ROUTE,
  });
  const state = { resumes: 0 };

  async function* results(): AsyncGenerator<T, void, undefined> {
    const boundary = new Boundary();
    let next: { url: string; issuedAt: number } | undefined;
    let narrowTo: string | undefined;
    // A resume is only tried after something new came through since the last one, so a cursor that
    // is refused for another reason cannot make the export go round in circles.
    let progressSinceResume = true;
    const resume = () => {
      narrowTo = boundary.createdAt();
      next = undefined;
      state.resumes += 1;
      progressSinceResume = false;
    };
    for (;;) {
      if (next && client.clock.now() - next.issuedAt >= CURSOR_RETIRE_AFTER_MS) resume();
      let response: { status: number; body: unknown };
      try {
        response = await client.request<unknown>({
          method: "GET",
          path: ROUTE,
          route: ROUTE,
          ...(next
            ? { url: next.url }
            : {
                query: {
                  query: narrowTo === undefined ? query : `${query} created>=${narrowTo}`.trim(),
                  "filter[type]": options.type,
                  "page[size]": pageSize,
                },
              }),
          buckets: [{ bucket: "search-export" }],
          ...signalOf(options.signal),
        });
      } catch (error) {
        // Zendesk refuses an expired cursor; the simulator with a 400 saying so.
        if (next && error instanceof ValidationError && progressSinceResume) {
          resume();
          continue;
        }
        throw error;
      }
      // The cursor's hour runs from now, however long the caller then takes over the page.
      const receivedAt = client.clock.now();
      const page = parseResponse<z.output<typeof exportPage>>(exportPage, response.body, {
        method: "GET",
        route: ROUTE,
        status: response.status,
      });
      for (const result of page.results) {
        if (!boundary.admit(result)) continue;
        progressSinceResume = true;
        yield result as T;
      }
      const link = page.links?.next;
      if (!page.meta.has_more || !link) return;
      next = { url: link, issuedAt: receivedAt };
    }
  }

  return {
    get resumes() {
      return state.resumes;
    },
    [Symbol.asyncIterator]: results,
  };
}

/**
 * The newest created_at yielded so far and the ids yielded at that instant: a narrowed export
 * starts at that instant again (created_at has one-second precision), so those ids are skipped.
 */
class Boundary {
  private lastMs = Number.NEGATIVE_INFINITY;
  private idsAtLast = new Set<number>();

  /** Whether a result is new; records it if so. */
  admit(result: { id: number; created_at: string }): boolean {
    const created = Date.parse(result.created_at);
    if (Number.isNaN(created)) return true;
    if (created < this.lastMs || (created === this.lastMs && this.idsAtLast.has(result.id))) return false;
    if (created > this.lastMs) {
      this.lastMs = created;
      this.idsAtLast = new Set();
    }
    this.idsAtLast.add(result.id);
    return true;
  }

  /** The instant to narrow a resumed export to, in the query syntax's date-time form (4.4). */
  createdAt(): string | undefined {
    if (!Number.isFinite(this.lastMs)) return undefined;
    return new Date(this.lastMs).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
}
