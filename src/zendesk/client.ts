import { performance } from "node:perf_hooks";
import { type Dispatcher, interceptors, Pool, type RetryHandler } from "undici";
import { type BucketUse, RateBudget } from "./budget.js";
import { type Clock, systemClock } from "./clock.js";
import { authorizationHeader, resolveBaseUrl, type ZendeskCredentials } from "./credentials.js";
import { classifyError, networkError, retryAfterMs } from "./errors.js";
import type { RequestLogger } from "./request-log.js";
import {
  type AttemptFailure,
  DEFAULT_RETRY,
  isAccountWide429,
  isRetryable,
  type RetrySettings,
  retryDelayMs,
} from "./retry-policy.js";

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface ZendeskRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path under the base URL, without `.json`: `/api/v2/tickets/123`. */
  path: string;
  /** Template for logs and metrics: `/api/v2/tickets/{id}`. */
  route: string;
  /** Arrays are sent comma-separated (`ids=1,2,3`), as Zendesk's show_many endpoints expect. */
  query?: Record<string, QueryValue>;
  /** An absolute next-page URL Zendesk returned, instead of path and query; must be under the base URL. */
  url?: string;
  /** Sent as JSON. */
  body?: unknown;
  buckets?: readonly BucketUse[];
  /** Default: true for GET, PUT and DELETE, false for POST. Only idempotent requests are retried after a 5xx or a dropped connection. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface ZendeskResponse<T> {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: T;
}

export interface ZendeskClientTimeouts {
  connectMs?: number;
  /** Until the response headers arrive. */
  headersMs?: number;
  /** Between two chunks of the response body. */
  bodyMs?: number;
  /** How long an idle keep-alive connection is kept. */
  keepAliveMs?: number;
}

export interface ZendeskClientOptions {
  subdomain?: string;
  /** Explicit base URL (simulator, proxy), used verbatim as the prefix of every path. */
  baseUrl?: string | URL;
  credentials: ZendeskCredentials;
  /** The account's budget, shared by every user of the account; a private one when absent. */
  budget?: RateBudget;
  clock?: Clock;
  logger?: RequestLogger;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** Finer retry tuning; mostly for tests (e.g. a fixed `random`). */
  retry?: Partial<RetrySettings>;
  /** Keep-alive connections in the pool (default 8). */
  connections?: number;
  timeouts?: ZendeskClientTimeouts;
  userAgent?: string;
}

/**
 * One Zendesk account's HTTP client: a keep-alive connection pool, authentication, the account's
 * rate budget for every attempt, retries where they are safe, and typed errors.
 *
 * Retries use undici's RetryHandler (the retry interceptor): it re-dispatches the request, drops
 * the failed response's body and cancels a pending retry when the caller aborts. Its default
 * policy is replaced by one that knows Zendesk (ZENDESK_API.md 2.3-2.5): it decides per request
 * whether repeating is safe, waits on the injected clock (so tests run on virtual time), pauses
 * the whole budget on an account-wide 429, and takes the budget again before every attempt.
 */
export class ZendeskClient {
  readonly budget: RateBudget;
  readonly baseUrl: URL;
  private readonly pool: Pool;
  private readonly dispatcher: Dispatcher.ComposedDispatcher;
  readonly clock: Clock;
  private readonly logger: RequestLogger | undefined;
  private readonly retry: RetrySettings;
  private readonly headers: Record<string, string>;

  constructor(options: ZendeskClientOptions) {
    this.baseUrl = resolveBaseUrl(options);
    this.clock = options.clock ?? systemClock;
    this.budget = options.budget ?? new RateBudget({ clock: this.clock });
    this.logger = options.logger;
    this.retry = {
      ...DEFAULT_RETRY,
      ...options.retry,
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    };
    const timeouts = options.timeouts ?? {};
    this.pool = new Pool(this.baseUrl.origin, {
      connections: options.connections ?? 8,
      connectTimeout: timeouts.connectMs ?? 10_000,
      headersTimeout: timeouts.headersMs ?? 60_000,
      bodyTimeout: timeouts.bodyMs ?? 60_000,
      keepAliveTimeout: timeouts.keepAliveMs ?? 30_000,
    });
    this.dispatcher = this.pool.compose(interceptors.retry({ throwOnError: false }));
    // Kept only as a header: the credential itself is never stored where it could be printed.
    this.headers = {
      authorization: authorizationHeader(options.credentials),
      accept: "application/json",
      "user-agent": options.userAgent ?? "hush-operator",
    };
  }

  async request<T>(req: ZendeskRequest): Promise<ZendeskResponse<T>> {
    const path = this.pathOf(req);
    const idempotent = req.idempotent ?? req.method !== "POST";
    const uses = req.buckets ?? [];
    const headers = { ...this.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }

    await this.budget.acquire(uses, req.signal);
    const attempts: AttemptTracker = { attempt: 1, started: performance.now(), inFlight: true };

    const options: Dispatcher.RequestOptions & { retryOptions: RetryHandler.RetryOptions } = {
      path,
      method: req.method,
      headers,
      body,
      signal: req.signal,
      retryOptions: { retry: this.retryPolicy(req, idempotent, attempts) },
    };

    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request(options);
    } catch (error) {
      this.settle(uses, attempts);
      throw this.noResponse(req, attempts, error);
    }
    this.settle(uses, attempts);

    const responseHeaders = flattenHeaders(response.headers);
    const status = response.statusCode;
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.noResponse(req, attempts, error);
    }
    this.log(req, { kind: "response", status, headers: responseHeaders }, attempts, false);
    this.budget.observe(responseHeaders, { status, uses });
    const parsed = parseBody(text, responseHeaders["content-type"]);
    if (status >= 400) {
      if (status === 429 && isAccountWide429(responseHeaders)) {
        this.budget.pause(retryAfterMs(responseHeaders) ?? this.retry.baseDelayMs);
      }
      throw classifyError({
        method: req.method,
        route: req.route,
        status,
        headers: responseHeaders,
        body: parsed,
      });
    }
    return { status, headers: responseHeaders, body: parsed as T };
  }

  /**
   * The callback undici's RetryHandler asks after each failed attempt: retry (callback(null)) or
   * give up (callback(err), which hands the response or error on to request()).
   */
  private retryPolicy(
    req: ZendeskRequest,
    idempotent: boolean,
    attempts: AttemptTracker,
  ): RetryHandler.RetryCallback {
    const uses = req.buckets ?? [];
    return (err, _context, callback) => {
      this.settle(uses, attempts);
      const failure = describeFailure(err);
      const giveUp =
        !isRetryable(failure, idempotent) || attempts.attempt > this.retry.maxRetries || req.signal?.aborted;
      const delayMs = giveUp ? 0 : retryDelayMs(failure, attempts.attempt, this.retry);
      // A long Retry-After goes back to the caller, who can requeue instead of holding a worker.
      if (giveUp || (is429(failure) && delayMs > this.retry.maxRetryAfterMs)) {
        callback(err);
        return;
      }
      this.log(req, failure, attempts, true);
      if (failure.kind === "response") {
        this.budget.observe(failure.headers, { status: failure.status, uses });
        if (is429(failure) && isAccountWide429(failure.headers)) this.budget.pause(delayMs);
      }
      attempts.attempt += 1;
      this.clock
        .sleep(delayMs, req.signal)
        .then(() => this.budget.acquire(uses, req.signal))
        .then(
          () => {
            attempts.inFlight = true;
            attempts.started = performance.now();
            callback(null);
          },
          () => callback(err),
        );
    };
  }

  /** The attempt in flight got its answer (or failed): it leaves the budget's windows a minute from now. */
  private settle(uses: readonly BucketUse[], attempts: AttemptTracker): void {
    if (!attempts.inFlight) return;
    attempts.inFlight = false;
    this.budget.settle(uses);
  }

  /** Closes the pool's connections after requests in flight finish. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  private pathOf(req: ZendeskRequest): string {
    const prefix = this.baseUrl.pathname === "/" ? "" : this.baseUrl.pathname;
    if (req.url !== undefined) {
      const next = new URL(req.url);
      // Following a link elsewhere would send the account's credentials to another host.
      if (next.origin !== this.baseUrl.origin || !next.pathname.startsWith(`${prefix}/`)) {
        throw new TypeError(`a next-page URL for ${req.route} is not under the account's base URL`);
      }
      return next.pathname + next.search;
    }
    if (!req.path.startsWith("/")) throw new TypeError(`the path for ${req.route} must start with "/"`);
    const search = encodeQuery(req.query);
    return `${prefix}${req.path}${search ? `?${search}` : ""}`;
  }

  /** The error for an attempt that got no (complete) response: the caller's abort, or Unavailable. */
  private noResponse(req: ZendeskRequest, attempts: AttemptTracker, error: unknown): unknown {
    const code = (error as { code?: unknown } | null)?.code;
    this.log(req, { kind: "network", code: typeof code === "string" ? code : undefined }, attempts, false);
    if (req.signal?.aborted) return req.signal.reason;
    return networkError(req.method, req.route, error);
  }

  private log(
    req: ZendeskRequest,
    failure: AttemptFailure,
    attempts: AttemptTracker,
    willRetry: boolean,
  ): void {
    if (!this.logger) return;
    this.logger.request({
      method: req.method,
      route: req.route,
      status: failure.kind === "response" ? failure.status : null,
      durationMs: Math.round((performance.now() - attempts.started) * 10) / 10,
      attempt: attempts.attempt,
      ...(failure.kind === "network" && failure.code ? { errorCode: failure.code } : {}),
      willRetry,
    });
  }
}

interface AttemptTracker {
  attempt: number;
  /** performance.now() when the current attempt was sent. */
  started: number;
  /** Whether the budget counts an attempt that has not been answered yet. */
  inFlight: boolean;
}

const is429 = (failure: AttemptFailure): boolean => failure.kind === "response" && failure.status === 429;

export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.append(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  return params.toString();
}

/** What undici's RetryHandler passes to the retry callback: a RequestRetryError or a network error. */
function describeFailure(err: Error): AttemptFailure {
  const { statusCode, headers, code } = err as Error & {
    statusCode?: number;
    headers?: Record<string, string | string[] | undefined>;
    code?: string;
  };
  if (typeof statusCode === "number" && statusCode > 0) {
    return { kind: "response", status: statusCode, headers: flattenHeaders(headers ?? {}) };
  }
  return { kind: "network", code };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** JSON when it parses; plain text otherwise (Zendesk's account 429 is text, ZENDESK_API.md 2.3). */
function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === "") return undefined;
  if (contentType?.includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
