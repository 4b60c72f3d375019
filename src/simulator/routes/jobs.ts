import { notFound, recordInvalid } from "../errors.js";
import { serializeJob } from "../jobs.js";
import type { JobRecord } from "../model.js";
import { cursorPage } from "../pagination.js";
import { type Route, route } from "../route.js";
import { ordering, sortBy } from "../tickets/order.js";

// Job statuses (ZENDESK_API.md 7). Jobs progress lazily as the clock passes (jobs.ts advanceJobs,
// run before every request), so reading a status is all these routes do.

/** Newest first (the docs sort by completion, then creation, descending). */
const newestFirst = ordering(
  (j: JobRecord) => j.created_at,
  (j: JobRecord) => Number.parseInt(j.id.slice(0, 12), 16),
  true,
);

export const jobRoutes: Route[] = [
  route("GET", "/api/v2/job_statuses", (ctx) => {
    const sorted = sortBy([...ctx.account.jobs.values()], newestFirst);
    const page = cursorPage(ctx, sorted, newestFirst);
    return {
      job_statuses: page.items.map((j) => serializeJob(j, ctx.baseUrl)),
      meta: page.meta,
      links: page.links,
    };
  }),

  route("GET", "/api/v2/job_statuses/show_many", (ctx) => {
    const ids = (ctx.query["ids"] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length === 0) throw recordInvalid({ ids: ["ids is required"] });
    if (ids.length > 100) throw recordInvalid({ ids: ["at most 100 ids are allowed"] });
    const jobs = ids.map((id) => ctx.account.jobs.get(id)).filter((j): j is JobRecord => j !== undefined);
    return { job_statuses: jobs.map((j) => serializeJob(j, ctx.baseUrl)) };
  }),

  route("GET", "/api/v2/job_statuses/:id", (ctx) => {
    const job = ctx.account.jobs.get(ctx.params["id"] ?? "");
    if (!job) throw notFound();
    return { job_status: serializeJob(job, ctx.baseUrl) };
  }),
];
