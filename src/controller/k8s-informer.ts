// A list+watch cache that never stops on its own (STYLE.md "Operator notes"; client-node's
// ListWatch stops for good on any error but 410 and does not ask for bookmarks):
// - LIST in pages, then WATCH from the list's resourceVersion with bookmarks, for a server-side
//   timeout of 5 to 10 minutes (random, so replicas do not reconnect in step), then watch again
//   from the last resourceVersion seen ("Closed");
// - 410 Gone, as a response or as an ERROR event, means that resourceVersion was compacted away:
//   list again and diff against the cache ("Expired");
// - any other failure: wait with capped, jittered exponential backoff and try again ("Error");
// - a watch that delivers nothing, not even its bookmark, for longer than its timeout plus a
//   margin is on a dead connection (half-open sockets stall silently for hours): drop it and
//   watch again ("Stalled").
// The transport is a ListWatchSource, so the logic here is tested without a server.

import { type Clock, systemClock } from "../zendesk/clock.js";
import type {
  ClusterError,
  Informer,
  InformerOptions,
  KubeObject,
  ObjectKey,
  WatchEventType,
} from "./cluster.js";
import { keyText } from "./cluster.js";
import { clusterErrorFromStatus, isGone, parseStatus, toClusterError } from "./k8s-errors.js";
import { backoffDelay } from "./work-queue.js";

export interface ListPage<T> {
  items: T[];
  /** The list's resourceVersion: where a watch continues. */
  resourceVersion: string;
  /** Token for the next page; empty or undefined on the last. */
  continue?: string;
}

/** One line of a watch stream as the server sends it. */
export interface RawWatchEvent {
  type: string;
  object: unknown;
}

/** The transport an informer lists and watches through, already scoped (namespace, selectors). */
export interface ListWatchSource<T extends KubeObject> {
  list(options: { limit: number; continue?: string; signal: AbortSignal }): Promise<ListPage<T>>;
  /**
   * Opens a watch from `resourceVersion` with bookmarks and the given server timeout, and calls
   * `onEvent` for each event in order. Resolves when the server ends the stream; rejects when it
   * cannot be opened or breaks (and when `signal` aborts).
   */
  watch(
    options: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal },
    onEvent: (event: RawWatchEvent) => void,
  ): Promise<void>;
}

export interface InformerRuntimeOptions {
  clock?: Clock;
  /** Uniform in [0, 1): the watch timeout and the backoff jitter; tests fix it. */
  random?: () => number;
  /** Items per LIST page, default 500. */
  pageSize?: number;
  /** Server-side watch timeout range in seconds, default 300..600. */
  watchTimeoutSeconds?: { min: number; max: number };
  /** How long past its timeout a silent watch may stay open before it counts as stalled, default 30 s. */
  stallMarginMs?: number;
  /** Backoff after errors, default 1 s doubling up to 30 s. */
  backoff?: { baseMs: number; maxMs: number };
  /** Each failure, with the server's message, before the informer retries (for logs). */
  onError?: (error: ClusterError) => void;
  /** apiVersion and kind for objects that arrive without them (list items of built-in kinds). */
  defaults?: { apiVersion: string; kind: string };
}

export interface ListWatchInformer<T extends KubeObject> extends Informer<T> {
  /** Handler calls that threw (and were ignored so that the informer keeps going). */
  readonly handlerErrors: number;
}

type Restart = NonNullable<InformerOptions["onRestart"]> extends (reason: infer R) => void ? R : never;

interface WatchOutcome {
  reason: Restart;
  /** Whether the watch delivered anything (an event or a bookmark). */
  progressed: boolean;
}

class Stopped extends Error {}

const objectKey = (object: KubeObject): string =>
  keyText({ namespace: object.metadata.namespace ?? "", name: object.metadata.name });

export function createInformer<T extends KubeObject>(
  source: ListWatchSource<T>,
  options: InformerOptions & InformerRuntimeOptions = {},
): ListWatchInformer<T> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const pageSize = options.pageSize ?? 500;
  const timeoutRange = options.watchTimeoutSeconds ?? { min: 300, max: 600 };
  const stallMarginMs = options.stallMarginMs ?? 30_000;
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 30_000 };

  let cache = new Map<string, T>();
  const handlers: ((type: WatchEventType, object: T) => void)[] = [];
  let handlerErrors = 0;
  let synced = false;
  let stopped = false;
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  let resolveSynced!: () => void;
  let rejectSynced!: (error: Error) => void;
  const firstSync = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  // start() may never be awaited by a caller that stops first.
  firstSync.catch(() => undefined);

  // Consecutive failures, for the backoff; anything a watch delivers resets both counts.
  let failures = 0;
  let goneInARow = 0;
  /** Where the next watch starts: the last resourceVersion seen; undefined when a list must come first. */
  let resumeFrom: string | undefined;
  function progressMade(): void {
    failures = 0;
    goneInARow = 0;
  }

  function emit(type: WatchEventType, object: T): void {
    for (const handler of handlers) {
      try {
        handler(type, object);
      } catch {
        handlerErrors += 1;
      }
    }
  }

  function restarted(reason: Restart): void {
    try {
      options.onRestart?.(reason);
    } catch {
      // A metrics hook must not stop the informer.
    }
  }

  function reportError(error: ClusterError): void {
    try {
      options.onError?.(error);
    } catch {
      // A logging hook must not stop the informer.
    }
  }

  /** Objects as the cache keeps them: list items of built-in kinds come without apiVersion/kind. */
  function normalize(value: unknown): T | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const object = value as T;
    if (typeof object.metadata?.name !== "string") return undefined;
    if (options.defaults) {
      object.apiVersion ??= options.defaults.apiVersion;
      object.kind ??= options.defaults.kind;
    }
    return object;
  }

  async function sleep(ms: number): Promise<void> {
    try {
      await clock.sleep(ms, stopping.signal);
    } catch {
      if (stopped) throw new Stopped();
    }
  }

  /** Lists everything, replaces the cache and tells handlers what changed; returns the resourceVersion. */
  async function relist(): Promise<string> {
    const items = new Map<string, T>();
    let resourceVersion = "";
    let token: string | undefined;
    do {
      const page = await source.list({
        limit: pageSize,
        ...(token ? { continue: token } : {}),
        signal: stopping.signal,
      });
      if (stopped) throw new Stopped();
      for (const item of page.items) {
        const object = normalize(item);
        if (object) items.set(objectKey(object), object);
      }
      resourceVersion = page.resourceVersion;
      token = page.continue || undefined;
    } while (token !== undefined);

    const previous = cache;
    cache = items;
    synced = true;
    for (const [key, object] of items) {
      const before = previous.get(key);
      if (before === undefined) emit("add", object);
      else if (before.metadata.resourceVersion !== object.metadata.resourceVersion) emit("update", object);
    }
    for (const [key, object] of previous) if (!items.has(key)) emit("delete", object);
    resolveSynced();
    return resourceVersion;
  }

  async function watchOnce(from: string): Promise<WatchOutcome> {
    const span = Math.max(0, timeoutRange.max - timeoutRange.min);
    const timeoutSeconds = timeoutRange.min + Math.floor(random() * (span + 1));
    const limitMs = timeoutSeconds * 1_000 + stallMarginMs;
    const connection = new AbortController();
    const stopConnection = () => connection.abort(new Stopped());
    // stop() may have come between the list and this watch: an aborted signal fires no listener.
    if (stopping.signal.aborted) throw new Stopped();
    stopping.signal.addEventListener("abort", stopConnection, { once: true });
    let lastActivity = clock.now();
    let progressed = false;
    let stalled = false;
    let failure: ClusterError | undefined;

    const onEvent = (event: RawWatchEvent): void => {
      if (failure !== undefined || stalled || stopped) return;
      lastActivity = clock.now();
      if (event.type === "ERROR") {
        failure = clusterErrorFromStatus(parseStatus(event.object));
        connection.abort(failure);
        return;
      }
      if (event.type === "BOOKMARK") {
        // A bookmark's object is only metadata.resourceVersion (no name): where to resume.
        const version = (event.object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
          ?.resourceVersion;
        if (typeof version === "string" && version !== "") resumeFrom = version;
        progressed = true;
        progressMade();
        return;
      }
      const object = normalize(event.object);
      if (object === undefined) return;
      if (object.metadata.resourceVersion) resumeFrom = object.metadata.resourceVersion;
      progressed = true;
      progressMade();
      const key = objectKey(object);
      switch (event.type) {
        case "ADDED":
        case "MODIFIED": {
          const known = cache.has(key);
          cache.set(key, object);
          emit(known ? "update" : "add", object);
          break;
        }
        case "DELETED":
          cache.delete(key);
          emit("delete", object);
          break;
      }
    };

    // The watchdog: wakes when the watch would be overdue and checks whether anything arrived since.
    const watchdogDone = new AbortController();
    const watchdog = (async () => {
      for (;;) {
        const wait = lastActivity + limitMs - clock.now();
        if (wait <= 0) {
          stalled = true;
          connection.abort(new Error("watch stalled"));
          return;
        }
        try {
          await clock.sleep(wait, watchdogDone.signal);
        } catch {
          return;
        }
      }
    })();

    try {
      await source.watch({ resourceVersion: from, timeoutSeconds, signal: connection.signal }, onEvent);
    } catch (error) {
      if (stopped) throw new Stopped();
      if (failure === undefined && !stalled) throw toClusterError(error);
    } finally {
      watchdogDone.abort();
      stopping.signal.removeEventListener("abort", stopConnection);
      await watchdog;
    }
    if (stopped) throw new Stopped();
    if (failure !== undefined) throw failure;
    return { reason: stalled ? "Stalled" : "Closed", progressed };
  }

  async function run(): Promise<void> {
    while (!stopped) {
      try {
        if (resumeFrom === undefined) {
          resumeFrom = await relist();
          failures = 0;
        }
        const outcome = await watchOnce(resumeFrom);
        restarted(outcome.reason);
        if (outcome.reason === "Closed" && !outcome.progressed) {
          // Ended without a single event or bookmark: a server that closes watches at once must
          // not turn this into a busy loop.
          failures += 1;
          await sleep(backoffDelay(failures, backoff, random));
        }
      } catch (error) {
        if (stopped || error instanceof Stopped) break;
        const clusterError = toClusterError(error);
        if (isGone(clusterError)) {
          // The usual case relists at once; 410s in a row (a list too slow for its continue
          // token, a compaction race) back off like errors.
          resumeFrom = undefined;
          goneInARow += 1;
          restarted("Expired");
          if (goneInARow > 1)
            await sleep(backoffDelay(goneInARow - 1, backoff, random)).catch(() => undefined);
          continue;
        }
        failures += 1;
        reportError(clusterError);
        restarted("Error");
        await sleep(backoffDelay(failures, backoff, random)).catch(() => undefined);
      }
    }
  }

  return {
    start(): Promise<void> {
      if (stopped) return Promise.reject(new Error("this informer was stopped; create a new one"));
      running ??= run().catch(() => undefined);
      return firstSync;
    },
    async stop(): Promise<void> {
      if (stopped) {
        await running;
        return;
      }
      stopped = true;
      stopping.abort(new Stopped());
      await running;
      rejectSynced(new Error("the informer was stopped before its first list completed"));
    },
    get synced() {
      return synced;
    },
    get handlerErrors() {
      return handlerErrors;
    },
    get(key: ObjectKey): T | undefined {
      return cache.get(keyText(key));
    },
    list(): T[] {
      return [...cache.values()];
    },
    onChange(handler) {
      handlers.push(handler);
    },
  };
}
