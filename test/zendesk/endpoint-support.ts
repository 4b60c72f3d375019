import { vi } from "vitest";
import { RateBudget } from "../../src/zendesk/budget.js";
import { ZendeskClient, type ZendeskClientOptions, type ZendeskRequest } from "../../src/zendesk/client.js";
import type { Clock } from "../../src/zendesk/clock.js";
import type { SimHandle } from "../support/sim.js";

// Clients for endpoint tests against the in-process simulator, on its virtual time.

/** A Clock on the simulator's time whose sleeps move the simulator's clock instead of waiting. */
export function simClock(handle: SimHandle): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => handle.sim.clock.now(),
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      handle.sim.clock.advance(Math.max(0, Math.ceil(ms)));
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/**
 * The default account's admin client. Its budget is told the plan's real limit (Enterprise, 700)
 * and may use all of it, so tests wait only where an endpoint bucket makes Hush wait.
 */
export function simClient(
  handle: SimHandle,
  options: Partial<ZendeskClientOptions> & { clock?: Clock } = {},
): ZendeskClient {
  const admin = handle.sim.describe()[0]!.credentials.admin;
  const clock = options.clock ?? simClock(handle);
  return new ZendeskClient({
    baseUrl: handle.url,
    credentials: { kind: "apiToken", email: admin.email, token: admin.token },
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
