import type { ZendeskClient } from "../zendesk/client.js";
import { PermissionError } from "../zendesk/errors.js";
import { incrementalTickets, incrementalUsers } from "../zendesk/incremental.js";
import { MAX_EXPORT_PAGE_SIZE, searchExport } from "../zendesk/search-export.js";
import { type LocalMatcher, localMatcher } from "./local-query.js";
import type { EffectiveQuery } from "./query.js";

// Where a sweep's items come from: the ids of the records its query matches, streamed, never all
// held at once. Search export (ZENDESK_API.md 4.3) serves any number of matches in pages of up to
// 1,000; for very large backlogs whose query the local matcher understands (local-query.ts), the
// incremental export (9) is read instead and filtered here. Ids go through a bounded queue, so a
// page is fetched while workers are busy with the previous one, and no more than a few pages wait.

export type MatchSourceKind = "searchExport" | "incremental";

export interface MatchOptions {
  /** Matches counted by search; above `incrementalAbove` the incremental export may be used. */
  count: number;
  /** Default 200,000. */
  incrementalAbove?: number;
  /** Anchors relative times of the local matcher (the client's clock at the sweep's start). */
  now: number;
  signal?: AbortSignal;
  /** Search export page size (default 1,000, Zendesk's largest). */
  pageSize?: number;
}

export interface MatchStream extends AsyncIterable<number> {
  readonly kind: MatchSourceKind;
}

/** Matches above this count are streamed from the incremental export when the query allows. */
export const INCREMENTAL_ABOVE = 200_000;

/**
 * The ids matching `query`, each once per page sequence. Search export pages hold up to 1,000;
 * Zendesk recommends 100 because large pages of archived tickets can time out (4.3). Hush asks
 * for 1,000 to spend fewer of the 100 export requests a minute; the client retries a timed-out
 * page, and a caller may lower `pageSize`.
 */
export function matchingIds(
  client: ZendeskClient,
  query: EffectiveQuery,
  options: MatchOptions,
): MatchStream {
  const threshold = options.incrementalAbove ?? INCREMENTAL_ABOVE;
  const matcher = options.count > threshold ? localMatcher(query.export, query.type, options.now) : undefined;
  if (matcher) {
    return {
      kind: "incremental",
      [Symbol.asyncIterator]: () => incrementalIds(client, query, matcher, options),
    };
  }
  return {
    kind: "searchExport",
    [Symbol.asyncIterator]: () => exportIds(client, query, options),
  };
}

async function* exportIds(
  client: ZendeskClient,
  query: EffectiveQuery,
  options: MatchOptions,
): AsyncGenerator<number, void, undefined> {
  const results = searchExport(client, query.export, {
    type: query.type,
    pageSize: options.pageSize ?? MAX_EXPORT_PAGE_SIZE,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for await (const result of results) yield result.id;
}

/**
 * The whole account through the incremental export, oldest change first, filtered by the local
 * matcher. Records changed during the sweep come through again at the end of the stream; the
 * sweep skips ids it has handled. An account that does not let Hush read the export (it needs an
 * admin, 9) falls back to search export before anything was yielded.
 */
async function* incrementalIds(
  client: ZendeskClient,
  query: EffectiveQuery,
  matches: LocalMatcher,
  options: MatchOptions,
): AsyncGenerator<number, void, undefined> {
  const signal = options.signal ? { signal: options.signal } : {};
  const from = { startTime: 0 };
  const records =
    query.type === "ticket"
      ? incrementalTickets(client, { from, excludeDeleted: true, ...signal })
      : incrementalUsers(client, { from, ...signal });
  let yielded = false;
  try {
    for await (const record of records as AsyncIterable<{ id: number } & Parameters<LocalMatcher>[0]>) {
      yielded = true;
      if (matches(record)) yield record.id;
    }
  } catch (error) {
    if (yielded || !(error instanceof PermissionError)) throw error;
    yield* exportIds(client, query, options);
  }
}

/**
 * A bounded queue between one producer (the match stream) and the workers. The producer waits
 * while `capacity` ids wait; `take` waits for ids. `close` stops the producer (the stream's
 * iterator is returned, so no further page is requested).
 */
export class IdQueue {
  private readonly items: number[] = [];
  private readonly takers: (() => void)[] = [];
  private spaceWaiter: (() => void) | undefined;
  private ended = false;
  private closed = false;
  private failure: { error: unknown } | undefined;
  readonly done: Promise<void>;

  constructor(
    source: AsyncIterable<number>,
    private readonly capacity = 2 * MAX_EXPORT_PAGE_SIZE,
  ) {
    this.done = this.produce(source);
  }

  /**
   * `max` ids, waiting until that many are there (a bulk request is worth filling) or the stream
   * has ended; fewer at the end, and an empty list once nothing is left.
   */
  async take(max: number): Promise<number[]> {
    const wanted = Math.max(1, Math.min(max, this.capacity));
    while (this.items.length < wanted && !this.ended && !this.closed) {
      await new Promise<void>((resolve) => this.takers.push(resolve));
    }
    if (this.failure && this.items.length === 0) throw this.failure.error;
    const taken = this.items.splice(0, Math.max(1, max));
    this.spaceWaiter?.();
    return taken;
  }

  /** Stops producing; waiting takers get what is left, then nothing. */
  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.wake();
  }

  private async produce(source: AsyncIterable<number>): Promise<void> {
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        while (this.items.length >= this.capacity && !this.closed) {
          await new Promise<void>((resolve) => {
            this.spaceWaiter = resolve;
          });
          this.spaceWaiter = undefined;
        }
        if (this.closed) break;
        const next = await iterator.next();
        if (next.done || this.closed) break;
        this.items.push(next.value);
        this.wake();
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.ended = true;
      this.wake();
      // Ends the stream's generator, so an unfinished export requests no further page.
      if (this.closed) await iterator.return?.().catch(() => undefined);
    }
  }

  private wake(): void {
    for (const wake of this.takers.splice(0)) wake();
    this.spaceWaiter?.();
  }
}
