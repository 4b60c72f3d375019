import type { z } from "zod";
import type { ZendeskClient } from "./client.js";
import { MAX_BULK_ITEMS } from "./jobs.js";
import { requestList, signalOf } from "./parse.js";

export interface ShowManyEndpoint {
  /** e.g. "/api/v2/tickets/show_many" (its own route template). */
  path: string;
  /** The key of the list in the response, e.g. "tickets". */
  key: string;
  item: z.ZodType;
}

/**
 * GET `{path}?ids=`, 100 ids a call (ZENDESK_API.md 5.2, 8.2). Records that do not exist or are
 * deleted are left out and the order is Zendesk's, so callers look records up by id.
 */
export async function showMany<T>(
  client: ZendeskClient,
  endpoint: ShowManyEndpoint,
  ids: readonly number[],
  signal?: AbortSignal,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  const records: T[] = [];
  for (let start = 0; start < unique.length; start += MAX_BULK_ITEMS) {
    const chunk = unique.slice(start, start + MAX_BULK_ITEMS);
    const request = {
      method: "GET" as const,
      path: endpoint.path,
      route: endpoint.path,
      query: { ids: chunk.join(",") },
      ...signalOf(signal),
    };
    records.push(...(await requestList<T>(client, request, endpoint.key, endpoint.item)));
  }
  return records;
}
