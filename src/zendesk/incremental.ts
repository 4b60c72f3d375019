import { z } from "zod";
import type { ZendeskClient } from "./client.js";
import { PaginationError, pageSizeWithin } from "./paginate.js";
import { parseResponse, signalOf, ticketSchema, userSchema } from "./parse.js";
import type { Ticket, User } from "./types.js";

// Cursor-based incremental exports (ZENDESK_API.md 9): everything changed since a start time, up to
// 1,000 records a page, until `end_of_stream`. The after_cursor is what a later run resumes from.

export interface IncrementalOptions {
  /**
   * Where to start: `startTime` (unix seconds, at least a minute in the past) for a first run, or
   * the `cursor` a previous run ended with.
   */
  from: { startTime: number } | { cursor: string };
  /** Records a page, at most 1,000 (the default); lower it if pages time out (9). */
  perPage?: number;
  signal?: AbortSignal;
}

export interface IncrementalTicketOptions extends IncrementalOptions {
  /** Leaves out deleted tickets, which otherwise come through with status `deleted` (9). */
  excludeDeleted?: boolean;
  /** Sideloads, e.g. ["users"]. */
  include?: readonly string[];
}

/**
 * Iterate once. `afterCursor` is the cursor after the last page whose records have all been
 * yielded (the one to persist: a run resumed from it repeats nothing it has consumed and skips
 * nothing it has not); `endOfStream` turns true once the export has caught up.
 */
export interface IncrementalExport<T> extends AsyncIterable<T> {
  readonly afterCursor: string | undefined;
  readonly endOfStream: boolean;
}

export const MAX_INCREMENTAL_PAGE_SIZE = 1000;

/** GET /api/v2/incremental/tickets/cursor (admins; 10 requests a minute, 30 with High Volume). */
export function incrementalTickets(
  client: ZendeskClient,
  options: IncrementalTicketOptions,
): IncrementalExport<Ticket> {
  return incrementalExport<Ticket>(client, {
    path: "/api/v2/incremental/tickets/cursor",
    key: "tickets",
    item: ticketSchema,
    extraQuery: {
      ...(options.excludeDeleted ? { exclude_deleted: true } : {}),
      ...(options.include?.length ? { include: options.include.join(",") } : {}),
    },
    options,
  });
}

/** GET /api/v2/incremental/users/cursor (admins). */
export function incrementalUsers(
  client: ZendeskClient,
  options: IncrementalOptions,
): IncrementalExport<User> {
  return incrementalExport<User>(client, {
    path: "/api/v2/incremental/users/cursor",
    key: "users",
    item: userSchema,
    extraQuery: {},
    options,
  });
}

const cursorPage = z.looseObject({
  after_cursor: z.string().nullable(),
  end_of_stream: z.boolean(),
});

function incrementalExport<T>(
  client: ZendeskClient,
  spec: {
    path: string;
    key: string;
    item: z.ZodType;
    extraQuery: Record<string, string | boolean>;
    options: IncrementalOptions;
  },
): IncrementalExport<T> {
  const { options } = spec;
  const pageSchema = cursorPage.extend({ [spec.key]: z.array(spec.item) });
  const state = {
    afterCursor: "cursor" in options.from ? options.from.cursor : undefined,
    endOfStream: false,
  };
  const perPage = pageSizeWithin(options.perPage, {
    fallback: MAX_INCREMENTAL_PAGE_SIZE,
    max: MAX_INCREMENTAL_PAGE_SIZE,
    option: "perPage",
    route: spec.path,
  });

  async function* records(): AsyncGenerator<T, void, undefined> {
    while (!state.endOfStream) {
      const position =
        state.afterCursor === undefined
          ? { start_time: (options.from as { startTime: number }).startTime }
          : { cursor: state.afterCursor };
      const response = await client.request<unknown>({
        method: "GET",
        path: spec.path,
        route: spec.path,
        query: { ...position, per_page: perPage, ...spec.extraQuery },
        buckets: [{ bucket: "incremental-exports" }],
        ...signalOf(options.signal),
      });
      const page = parseResponse<z.output<typeof cursorPage> & Record<string, unknown>>(
        pageSchema,
        response.body,
        { method: "GET", route: spec.path, status: response.status },
      );
      yield* page[spec.key] as T[];
      const cursor = page.after_cursor ?? state.afterCursor;
      if (!page.end_of_stream && (cursor === undefined || cursor === state.afterCursor)) {
        // Asking again with the same cursor would return the same page for ever.
        throw new PaginationError(spec.path, "Zendesk did not move the export's cursor forward");
      }
      state.afterCursor = cursor;
      state.endOfStream = page.end_of_stream;
    }
  }

  return {
    get afterCursor() {
      return state.afterCursor;
    },
    get endOfStream() {
      return state.endOfStream;
    },
    [Symbol.asyncIterator]: records,
  };
}
