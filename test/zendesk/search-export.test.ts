import { beforeEach, describe, expect, it } from "vitest";
import { addTicket } from "../../src/simulator/factory.js";
import type { ZendeskClient, ZendeskRequest } from "../../src/zendesk/client.js";
import { systemClock } from "../../src/zendesk/clock.js";
import { ValidationError } from "../../src/zendesk/errors.js";
import { type ExportResult, searchExport } from "../../src/zendesk/search-export.js";
import { useSimulator } from "../support/sim.js";
import { answered, recordRequests, simClient } from "./endpoint-support.js";

const QUERY = "created>2000-01-01";

describe("search export", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 1200 }] });
  const account = () => s.current.sim.account("acme")!;
  const allTicketIds = () => [...account().tickets.keys()].sort((a, b) => a - b);

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  /** Reads an export, letting more than an hour pass after every `pageSize` results. */
  async function readSlowly(results: AsyncIterable<ExportResult>, pageSize: number): Promise<number[]> {
    const ids: number[] = [];
    for await (const result of results) {
      ids.push(result.id);
      if (ids.length % pageSize === 0) s.current.sim.clock.advance(61 * 60_000);
    }
    return ids;
  }

  const exportRequests = (sent: ZendeskRequest[]) => sent.filter((r) => r.route === "/api/v2/search/export");
  const freshQueries = (sent: ZendeskRequest[]) =>
    exportRequests(sent)
      .filter((r) => r.url === undefined)
      .map((r) => String(r.query?.["query"]));

  it("exports more than the 1,000 results search can reach, in created_at order", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const results: ExportResult[] = [];
    for await (const r of searchExport(client, QUERY, { type: "ticket", pageSize: 500 })) results.push(r);
    expect(results.map((r) => r.id).sort((a, b) => a - b)).toEqual(allTicketIds());
    const created = results.map((r) => Date.parse(r.created_at));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(exportRequests(sent)).toHaveLength(3);
    expect(exportRequests(sent)[0]!.query).toMatchObject({ "filter[type]": "ticket", "page[size]": 500 });
  });

  it("refuses a page size below 1 before sending anything", () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    expect(() => searchExport(client, "status:closed", { type: "ticket", pageSize: 0 })).toThrow(RangeError);
    expect(() => searchExport(client, "status:closed", { type: "ticket", pageSize: -1 })).toThrow(RangeError);
    expect(sent).toEqual([]);
  });

  it("caps the page size at 1,000", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const exported = searchExport(client, QUERY, { type: "ticket", pageSize: 5_000 });
    for await (const _ of exported) break;
    expect(sent[0]!.query?.["page[size]"]).toBe(1000);
  });

  it("resumes after Zendesk refuses an expired cursor, narrowed by date and yielding every ticket once", async () => {
    // The client's clock does not see the hours pass, so the expired cursor is sent and refused.
    const client = simClient(s.current, { clock: systemClock });
    const sent = recordRequests(client);
    const exported = searchExport(client, QUERY, { type: "ticket", pageSize: 400 });
    const ids = await readSlowly(exported, 400);
    expect([...ids].sort((a, b) => a - b)).toEqual(allTicketIds());
    expect(new Set(ids).size).toBe(ids.length);
    expect(exported.resumes).toBe(2);
    expect(await answered(s.current, "GET", "/api/v2/search/export", 400)).toBe(2);
    // Never from scratch: every export after the first starts at the last created_at seen.
    const [first, ...resumed] = freshQueries(sent);
    expect(first).toBe(QUERY);
    expect(resumed).toHaveLength(2);
    for (const q of resumed)
      expect(q).toMatch(/^created>2000-01-01 created>=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("retires a cursor that is about to expire without sending it", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const exported = searchExport(client, QUERY, { type: "ticket", pageSize: 400 });
    const ids = await readSlowly(exported, 400);
    expect([...ids].sort((a, b) => a - b)).toEqual(allTicketIds());
    expect(exported.resumes).toBe(2);
    expect(await answered(s.current, "GET", "/api/v2/search/export", 400)).toBe(0);
    expect(
      freshQueries(sent)
        .slice(1)
        .every((q) => q.includes(" created>=")),
    ).toBe(true);
  });

  it("skips the tickets already yielded that share the last created_at when it resumes", async () => {
    const at = Date.parse("2020-06-01T12:00:00Z");
    const twins = Array.from({ length: 5 }, () =>
      addTicket(account(), { requester_id: 4, status: "open", created_at: at, tags: ["twins"] }),
    );
    const later = addTicket(account(), {
      requester_id: 4,
      status: "open",
      created_at: at + 1000,
      tags: ["twins"],
    });
    const client = simClient(s.current, { clock: systemClock });
    const sent = recordRequests(client);
    const exported = searchExport(client, "tags:twins", { type: "ticket", pageSize: 3 });
    const ids = await readSlowly(exported, 3);
    expect([...ids].sort((a, b) => a - b)).toEqual(
      [...twins.map((t) => t.id), later.id].sort((a, b) => a - b),
    );
    expect(exported.resumes).toBe(1);
    expect(freshQueries(sent)[1]).toBe("tags:twins created>=2020-06-01T12:00:00Z");
  });

  it("stops with Zendesk's error when cursors keep being refused without progress", async () => {
    // A cursor refused for some other reason must not make the export go round in circles.
    const page = {
      results: [{ id: 1, created_at: "2020-01-01T00:00:00Z" }],
      meta: { has_more: true, after_cursor: "c" },
      links: { next: "https://x/api/v2/search/export?page[after]=c" },
    };
    const requests: ZendeskRequest[] = [];
    const client = {
      clock: systemClock,
      request: async (req: ZendeskRequest) => {
        requests.push(req);
        if (req.url) throw new ValidationError({ method: "GET", route: req.route, status: 400 }, [], []);
        return { status: 200, headers: {}, body: page };
      },
    } as unknown as ZendeskClient;
    const exported = searchExport(client, "status:open", { type: "ticket" });
    const ids: number[] = [];
    await expect(
      (async () => {
        for await (const r of exported) ids.push(r.id);
      })(),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(ids).toEqual([1]);
    expect(exported.resumes).toBe(1);
    expect(requests).toHaveLength(4);
  });
});
