import { randomBytes } from "node:crypto";
import type { Account } from "./account.js";
import { isoTime } from "./clock.js";
import { ZendeskError } from "./errors.js";
import type { JobItemResult, JobRecord } from "./model.js";

/** At most this many jobs may be queued or running per account (ZENDESK_API.md 7). */
export const MAX_INFLIGHT_JOBS = 30;
/** Job statuses are kept for a day. */
const RETENTION_MS = 24 * 60 * 60 * 1000;

export interface JobSpec {
  jobType: string;
  total: number;
  runItem: (index: number) => JobItemResult;
  summarize?: JobRecord["summarize"];
}

export function inflightJobs(account: Account): JobRecord[] {
  return [...account.jobs.values()].filter((j) => j.status === "queued" || j.status === "working");
}

/**
 * Queues a job. Work happens lazily as the clock passes (see advanceJobs), at the account's job
 * speed plus any injected slowness, so tests can watch queued → working → completed.
 */
export function enqueueJob(account: Account, spec: JobSpec): JobRecord {
  advanceJobs(account);
  const inflight = inflightJobs(account);
  if (inflight.length >= MAX_INFLIGHT_JOBS) {
    // The status is not documented; 429 is what clients treat it as (ZENDESK_API.md 2.3).
    throw new ZendeskError(
      429,
      {
        error: "TooManyJobs",
        description: `Too many ${spec.jobType} jobs are currently queued or running. Try again later.`,
        current_job_ids: inflight.map((j) => j.id),
      },
      { "retry-after": "10" },
    );
  }
  const now = account.clock.now();
  const job: JobRecord = {
    id: randomBytes(16).toString("hex"),
    job_type: spec.jobType,
    account: account.subdomain,
    total: spec.total,
    progress: 0,
    status: "queued",
    message: null,
    results: null,
    created_at: now,
    start_at: now + account.settings.jobStartDelayMs + account.faults.jobDelayMs,
    ms_per_item: account.settings.jobMsPerItem,
    runItem: spec.runItem,
    ...(spec.summarize ? { summarize: spec.summarize } : {}),
  };
  account.jobs.set(job.id, job);
  advanceJobs(account);
  return job;
}

/** Runs every item whose time has come, in queue order, and forgets jobs older than a day. */
export function advanceJobs(account: Account): void {
  const now = account.clock.now();
  for (const job of account.jobs.values()) {
    if (now - job.created_at > RETENTION_MS) {
      account.jobs.delete(job.id);
      continue;
    }
    if (job.status === "completed" || job.status === "failed" || now < job.start_at) continue;
    const results = (job.status === "queued" ? [] : job.perItem) ?? [];
    job.status = "working";
    const due =
      job.ms_per_item <= 0
        ? job.total
        : Math.min(job.total, Math.floor((now - job.start_at) / job.ms_per_item));
    while (job.progress < due) {
      try {
        results.push(job.runItem(job.progress));
      } catch (error) {
        job.status = "failed";
        job.message = error instanceof Error ? error.message : String(error);
        break;
      }
      job.progress += 1;
    }
    job.perItem = results;
    job.results = results;
    if (job.status === "working" && job.progress >= job.total) {
      job.status = "completed";
      job.message = `Completed at ${isoTime(now).replace("T", " ").replace("Z", " +0000")}`;
      if (job.summarize) job.results = job.summarize(results);
      else if (account.settings.reverseJobResults) job.results = [...results].reverse();
    }
  }
}

export function serializeJob(job: JobRecord, baseUrl: string): Record<string, unknown> {
  const queued = job.status === "queued";
  return {
    id: job.id,
    job_type: job.job_type,
    url: `${baseUrl}/api/v2/job_statuses/${job.id}.json`,
    total: queued ? null : job.total,
    progress: queued ? null : job.progress,
    status: job.status,
    message: job.message,
    results: queued ? null : job.results,
  };
}
