import { recordInvalid, ZendeskError } from "../errors.js";
import { enqueueJob, inflightJobs, type JobSpec, MAX_INFLIGHT_JOBS, serializeJob } from "../jobs.js";
import type { JobItemResult } from "../model.js";
import type { RouteContext } from "../route.js";

// Shared by every endpoint that answers with a job_status (ZENDESK_API.md 7).

/** Queues a job and answers `{job_status}` with the inflight-jobs bucket header (2.2). */
export function jobStatusResponse(ctx: RouteContext, spec: JobSpec): { job_status: Record<string, unknown> } {
  const job = enqueueJob(ctx.account, spec);
  const remaining = Math.max(0, MAX_INFLIGHT_JOBS - inflightJobs(ctx.account).length);
  ctx.headers["zendesk-ratelimit-inflight-jobs"] =
    `total=${MAX_INFLIGHT_JOBS}; remaining=${remaining}; resets=60`;
  return { job_status: serializeJob(job, ctx.baseUrl) };
}

/** A failed item in job results; the shape is unconfirmed (5.6), this is the documented guess. */
export function failedItem(index: number, id: number | undefined, error: unknown): JobItemResult {
  const { code, details } = describe(error);
  return {
    ...(id === undefined ? {} : { id }),
    index,
    success: false,
    status: "Failed",
    error: code,
    details,
  };
}

function describe(error: unknown): { code: string; details: string } {
  if (!(error instanceof ZendeskError) || typeof error.body !== "object" || error.body === null)
    return { code: "Error", details: error instanceof Error ? error.message : String(error) };
  const body = error.body as { error?: unknown; description?: unknown; details?: unknown };
  const nested = body.details as Record<string, { description?: string }[]> | undefined;
  const messages = nested
    ? Object.values(nested)
        .flat()
        .map((d) => d.description)
        .filter(Boolean)
    : [];
  return {
    code: typeof body.error === "string" ? body.error : "Error",
    details: messages.length ? messages.join("; ") : String(body.description ?? ""),
  };
}

const MAX_ITEMS = 100;

/** The `{tickets: [...]}` list of a batch body (at most 100 entries). */
export function batch(ctx: RouteContext): Record<string, unknown>[] {
  const list = (ctx.body as Record<string, unknown> | undefined)?.["tickets"];
  if (!Array.isArray(list) || list.some((t) => !t || typeof t !== "object" || Array.isArray(t)))
    throw recordInvalid({ tickets: ["tickets parameter is missing or not a list of objects"] });
  if (list.length > MAX_ITEMS) throw recordInvalid({ tickets: [`at most ${MAX_ITEMS} tickets are allowed`] });
  return list as Record<string, unknown>[];
}

/** Runs one item, turning Zendesk errors into a failed result entry. */
export function attempt(index: number, id: number | undefined, work: () => JobItemResult): JobItemResult {
  try {
    return work();
  } catch (error) {
    return failedItem(index, id, error);
  }
}
