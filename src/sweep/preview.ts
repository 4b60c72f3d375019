import type { Preview } from "../api/redaction-policy.js";
import type { RateBudgetSnapshot } from "../zendesk/budget.js";
import { BUCKETS, type BucketName } from "../zendesk/budget-buckets.js";
import type { ZendeskClient } from "../zendesk/client.js";
import { MAX_EXPORT_PAGE_SIZE, searchExport } from "../zendesk/search-export.js";
import { type ItemCost, meanCost, sampleCost, tableCost } from "./estimate.js";
import type { SweepPlan } from "./sweep-plan.js";

// What a sweep would do, without doing it: made by dry runs and by sweeps waiting for approval.
// Only GET requests: the count is known already; one search-export page gives the sample ids, and
// a few of those items are read and planned to estimate the requests per item (estimate.ts).

/** Ids shown in a preview (the schema allows 20). */
export const SAMPLE_IDS = 20;
/** Items read to estimate the requests per item. */
export const SAMPLE_ITEMS = 5;
const SAMPLE_PAGE = 100;

export interface PreviewInput {
  client: ZendeskClient;
  plan: SweepPlan;
  id: string;
  generation: number;
  count: number;
  time: Date;
  signal?: AbortSignal;
}

export async function makePreview(input: PreviewInput): Promise<Preview> {
  const { client, plan, count, signal } = input;
  const ids = count > 0 ? await firstMatches(client, plan, signal) : [];
  const costs: ItemCost[] = [];
  for (const id of spread(ids, SAMPLE_ITEMS)) {
    const cost = await sampleCost(client, plan, id, signal);
    if (cost) costs.push(cost);
  }
  const perItem = costs.length > 0 ? meanCost(costs) : tableCost(plan);
  // The count, and the export pages that list the matches.
  const listing = 1 + Math.ceil(count / MAX_EXPORT_PAGE_SIZE);
  const estimatedRequests = Math.round(count * perItem.requests) + listing;
  return {
    id: input.id,
    generation: input.generation,
    time: input.time.toISOString(),
    count,
    sampleIds: ids.slice(0, SAMPLE_IDS),
    estimatedRequests,
    estimatedDurationSeconds: estimatedSeconds(estimatedRequests, count, perItem, client.budget.snapshot()),
  };
}

/** The ids of the first export page (one request; the export stops when the loop ends). */
async function firstMatches(client: ZendeskClient, plan: SweepPlan, signal?: AbortSignal): Promise<number[]> {
  const ids: number[] = [];
  const results = searchExport(client, plan.query.export, {
    type: plan.query.type,
    pageSize: SAMPLE_PAGE,
    ...(signal ? { signal } : {}),
  });
  for await (const result of results) {
    ids.push(result.id);
    if (ids.length >= SAMPLE_PAGE) break;
  }
  return ids;
}

/** Up to `n` items spread over `items`, so the sample is not only the oldest matches. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)] as T);
}

/**
 * How long the requests take within Hush's share: the account limit, or an endpoint bucket the
 * items need more of than the account allows (ticket updates hold back InPlace redaction, 2.4).
 */
export function estimatedSeconds(
  requests: number,
  items: number,
  perItem: ItemCost,
  budget: RateBudgetSnapshot,
): number {
  let minutes = requests / Math.max(1, budget.allowedPerMinute);
  const highVolume = budget.limit >= 2500;
  for (const [bucket, uses] of Object.entries(perItem.buckets) as [BucketName, number][]) {
    const spec = BUCKETS[bucket];
    if (spec.perItem || uses <= 0) continue;
    const limit = highVolume && spec.highVolumeLimit !== undefined ? spec.highVolumeLimit : spec.limit;
    const perMinute = (Math.max(1, Math.floor((limit * budget.share) / 100)) * 60_000) / spec.windowMs;
    minutes = Math.max(minutes, (items * uses) / perMinute);
  }
  return Math.ceil(minutes * 60);
}
