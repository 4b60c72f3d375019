import { vi } from "vitest";
import { RateBudget } from "../../src/zendesk/budget.js";
import { ZendeskClient, type ZendeskClientOptions, type ZendeskRequest } from "../../src/zendesk/client.js";
import type { Clock } from "../../src/zendesk/clock.js";
import type { SimHandle } from "../support/sim.js";
import { adminCredentials, simulatorClock } from "./client-support.js";

// Clients for endpoint tests against the in-process simulator, on its virtual time.

/** A Clock on the simulator's time whose sleeps move the simulator's clock instead of waiting. */
export const simClock = (handle: SimHandle): Clock & { slept: number[] } =>
  simulatorClock(handle, () => new Promise((resolve) => setImmediate(resolve)));

/**
 * The default account's admin client. Its budget is told the plan's real limit (Enterprise, 700)
 * and may use all of it, so tests wait only where an endpoint bucket makes Hush wait.
 */
export function simClient(
  handle: SimHandle,
  options: Partial<ZendeskClientOptions> & { clock?: Clock } = {},
): ZendeskClient {
  const clock = options.clock ?? simClock(handle);
  return new ZendeskClient({
    baseUrl: handle.url,
    credentials: adminCredentials(handle),
    clock,
    budget: new RateBudget({ clock, requestsPerMinute: 700, share: 100 }),
    ...options,
  });
}

/** Records every request the client is asked to send (route, query, url), while still sending it. */
export function recordRequests(client: ZendeskClient): ZendeskRequest[] {
  const sent: ZendeskRequest[] = [];
  const original = client.request.bind(client);
  vi.spyOn(client, "request").mockImplementation((req) => {
    sent.push(req);
    return original(req);
  });
  return sent;
}

/** How often the simulator answered `method route` with `status` (route templates use `:id`). */
export async function answered(
  handle: SimHandle,
  method: string,
  route: string,
  status: number,
): Promise<number> {
  const log = await handle.inspect("GET", "/__sim/requests");
  return (log.counts as { method: string; route: string; status: number; count: number }[])
    .filter((r) => r.method === method && r.route === route && r.status === status)
    .reduce((sum, r) => sum + r.count, 0);
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
