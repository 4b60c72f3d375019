import type { BucketUse } from "./budget.js";
import type { ZendeskClient, ZendeskRequest } from "./client.js";
import type { Clock } from "./clock.js";
import { TooManyJobsError } from "./errors.js";
import { type ItemResult, jobItemResults, type MatchBy } from "./job-results.js";
import { jobStatusSchema, requestRecord } from "./parse.js";
import type { JobResult, JobStatus } from "./types.js";

// Part of the jobs API, kept in their own module.
export type { ItemFailure, ItemFailureKind, ItemResult, MatchBy } from "./job-results.js";
export { jobItemResults } from "./job-results.js";

// Bulk endpoints answer with a job status that Zendesk works off in the background (ZENDESK_API.md
// 7). runJob submits one within the account's share of the 30 in-flight jobs, waits for it on the
// client's clock and returns its results; job-results.ts matches those to what was asked.

export interface JobOptions {
  signal?: AbortSignal;
  /** First wait between two polls of the job status; each wait is 1.5 times the last, up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** How long to wait for the job on the client's clock before giving up (the job itself goes on). */
  timeoutMs?: number;
  /** How often a submission refused with TooManyJobs is tried (the first try included). */
  maxSubmitAttempts?: number;
  /** Overrides the client's clock (tests). */
  clock?: Clock;
}

export interface JobOutcome {
  /** The job's final status: completed, failed or killed. */
  status: JobStatus;
  /** Per-item results when Zendesk reports a list, else empty (see `status.results`). */
  results: JobResult[];
}

const DEFAULT_POLL_MS = 1_000;
const DEFAULT_MAX_POLL_MS = 15_000;
const DEFAULT_TIMEOUT_MS = 60 * 60_000;
const DEFAULT_SUBMIT_ATTEMPTS = 20;
/** Waits after TooManyJobs when Zendesk gives no Retry-After: other apps' jobs take a while. */
const TOO_MANY_JOBS_BACKOFF_MS = 10_000;
const TOO_MANY_JOBS_MAX_BACKOFF_MS = 120_000;

const FINISHED = new Set(["completed", "failed", "killed"]);

/**
 * Submits a job and waits until it has finished. Holds one of the budget's job slots from the
 * submission to the end, so Hush never has more jobs in flight than its share of the account's 30;
 * a TooManyJobs refusal (other apps' jobs fill the queue) is waited out and the submission retried.
 */
export async function runJob(
  client: ZendeskClient,
  submit: (signal?: AbortSignal) => Promise<JobStatus>,
  options: JobOptions = {},
): Promise<JobOutcome> {
  const clock = options.clock ?? client.clock;
  const { signal } = options;
  const release = await client.budget.acquireJobSlot(signal);
  try {
    const started = clock.now();
    let status = await submitWithRetry(clock, submit, options);
    let wait = options.pollMs ?? DEFAULT_POLL_MS;
    while (!FINISHED.has(status.status)) {
      if (clock.now() - started > (options.timeoutMs ?? DEFAULT_TIMEOUT_MS)) {
        throw new JobTimeoutError(status.id, clock.now() - started);
      }
      await clock.sleep(wait, signal);
      wait = Math.min(wait * 1.5, options.maxPollMs ?? DEFAULT_MAX_POLL_MS);
      status = await showJobStatus(client, status.id, signal);
    }
    return { status, results: Array.isArray(status.results) ? status.results : [] };
  } finally {
    release();
  }
}

async function submitWithRetry(
  clock: Clock,
  submit: (signal?: AbortSignal) => Promise<JobStatus>,
  options: JobOptions,
): Promise<JobStatus> {
  const attempts = options.maxSubmitAttempts ?? DEFAULT_SUBMIT_ATTEMPTS;
  let backoff = TOO_MANY_JOBS_BACKOFF_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await submit(options.signal);
    } catch (error) {
      if (!(error instanceof TooManyJobsError) || attempt >= attempts) throw error;
      await clock.sleep(error.retryAfterMs ?? backoff, options.signal);
      backoff = Math.min(backoff * 2, TOO_MANY_JOBS_MAX_BACKOFF_MS);
    }
  }
}

/** GET /api/v2/job_statuses/{id}. */
export function showJobStatus(client: ZendeskClient, id: string, signal?: AbortSignal): Promise<JobStatus> {
  return requestRecord<JobStatus>(
    client,
    {
      method: "GET",
      path: `/api/v2/job_statuses/${encodeURIComponent(id)}`,
      route: "/api/v2/job_statuses/{id}",
      ...(signal ? { signal } : {}),
    },
    "job_status",
    jobStatusSchema,
  );
}

/** A bulk request that answers `{"job_status": {...}}`. */
export interface JobRequest {
  method: "POST" | "PUT" | "DELETE";
  path: string;
  route: string;
  query?: ZendeskRequest["query"];
  body?: unknown;
  buckets?: readonly BucketUse[];
  /** Whether sending it twice is harmless; a repeated destroy_many would report its items as missing. */
  idempotent: boolean;
}

/** A submit function for runJob: sends `request` and reads the job status it answers with. */
export function submitJob(client: ZendeskClient, request: JobRequest) {
  return (signal?: AbortSignal): Promise<JobStatus> =>
    requestRecord<JobStatus>(
      client,
      { ...request, ...(signal ? { signal } : {}) },
      "job_status",
      jobStatusSchema,
    );
}

/** Zendesk's bulk endpoints take at most 100 items (ZENDESK_API.md 5.6, 5.9, 8.2). */
export const MAX_BULK_ITEMS = 100;

/**
 * Runs one job per chunk of at most 100 items, one after the other, and returns every item's
 * result in the caller's order.
 */
export async function runChunkedJobs<I>(
  client: ZendeskClient,
  items: readonly I[],
  chunk: {
    keyOf: (item: I) => number | undefined;
    request: (items: readonly I[]) => JobRequest;
    by: MatchBy;
  },
  options: JobOptions = {},
): Promise<ItemResult[]> {
  const all: ItemResult[] = [];
  for (let start = 0; start < items.length; start += MAX_BULK_ITEMS) {
    const part = items.slice(start, start + MAX_BULK_ITEMS);
    const outcome = await runJob(client, submitJob(client, chunk.request(part)), options);
    for (const result of jobItemResults(part.map(chunk.keyOf), outcome, chunk.by)) {
      all.push({ ...result, index: start + result.index });
    }
  }
  return all;
}

/**
 * `DELETE {path}?ids=` as jobs of at most 100 distinct ids. A repeated submission would report
 * every id as missing, so it is not idempotent: the client retries it only after a 429.
 */
export function runDestroyManyJobs(
  client: ZendeskClient,
  path: string,
  ids: readonly number[],
  endpoint: { by: MatchBy; buckets?: (chunk: readonly number[]) => readonly BucketUse[] },
  options: JobOptions = {},
): Promise<ItemResult[]> {
  return runChunkedJobs(
    client,
    [...new Set(ids)],
    {
      keyOf: (id) => id,
      by: endpoint.by,
      request: (chunk) => ({
        method: "DELETE",
        path,
        route: path,
        query: { ids: chunk.join(",") },
        ...(endpoint.buckets ? { buckets: endpoint.buckets(chunk) } : {}),
        idempotent: false,
      }),
    },
    options,
  );
}

/** The job did not finish within JobOptions.timeoutMs; it may still finish in Zendesk. */
export class JobTimeoutError extends Error {
  readonly kind = "JobTimeout";

  constructor(
    readonly jobId: string,
    waitedMs: number,
  ) {
    super(
      `Zendesk job ${jobId} did not finish within ${Math.round(waitedMs / 1000)} s; ` +
        "check GET /api/v2/job_statuses/{id} later or raise the job timeout",
    );
    this.name = "JobTimeoutError";
  }
}
