import { describe, expect, it } from "vitest";
import type { ZendeskClient, ZendeskRequest } from "../../src/zendesk/client.js";
import { SEARCH_RESULT_LIMIT, search, searchCount } from "../../src/zendesk/search.js";
import { useSimulator } from "../support/sim.js";
import { answered, collect, recordRequests, simClient } from "./endpoint-support.js";

describe("search", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 1200 }] });
  const account = () => s.current.sim.account("acme")!;

  it("stops at the 1,000-result cap and says the result set was capped", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const results = search(client, "type:ticket");
    const found = await collect(results);
    expect(found).toHaveLength(SEARCH_RESULT_LIMIT);
    expect(new Set(found.map((r) => r.id)).size).toBe(SEARCH_RESULT_LIMIT);
    expect(results.count).toBe(account().tickets.size);
    expect(results.capped).toBe(true);
    expect(sent).toHaveLength(10);
    // Never asks for the page past the cap, which Zendesk refuses with a 422.
    expect(await answered(s.current, "GET", "/api/v2/search", 422)).toBe(0);
  });

  it("yields every result of a smaller result set over several pages, not capped", async () => {
    const client = simClient(s.current);
    const unsolved = new Set(["new", "open", "pending", "hold"]);
    const expected = [...account().tickets.values()].filter((t) => unsolved.has(t.status)).map((t) => t.id);
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.length).toBeLessThan(SEARCH_RESULT_LIMIT);
    const results = search(client, "type:ticket status<solved", { sortBy: "created_at", sortOrder: "asc" });
    expect(results.count).toBeUndefined();
    const found = await collect(results);
    expect(found.map((r) => r.id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(found.every((r) => r.result_type === "ticket")).toBe(true);
    expect(results.count).toBe(expected.length);
    expect(results.capped).toBe(false);
  });

  it("counts the matches of a query", async () => {
    const client = simClient(s.current);
    expect(await searchCount(client, "type:ticket")).toBe(account().tickets.size);
  });

  it("yields a result that shows up on two pages once", async () => {
    // Zendesk's search pages can repeat a result while the index changes (ZENDESK_API.md 4.1).
    const pages = [
      {
        results: [1, 2].map((id) => ({ id, result_type: "ticket" })),
        next_page: "https://x/api/v2/search?page=2",
        count: 3,
      },
      { results: [2, 3].map((id) => ({ id, result_type: "ticket" })), next_page: null, count: 3 },
    ];
    const client = {
      request: async (_req: ZendeskRequest) => ({ status: 200, headers: {}, body: pages.shift() }),
    } as unknown as ZendeskClient;
    expect((await collect(search(client, "type:ticket"))).map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
