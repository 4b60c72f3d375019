import { describe, expect, it } from "vitest";
import type { ZendeskClient, ZendeskRequest } from "../../src/zendesk/client.js";
import { UnexpectedResponseError } from "../../src/zendesk/errors.js";
import {
  cursorPaginate,
  OffsetLimitError,
  offsetPaginate,
  PaginationError,
} from "../../src/zendesk/paginate.js";
import { ticketSchema, userSchema } from "../../src/zendesk/parse.js";
import type { Ticket, User } from "../../src/zendesk/types.js";
import { useSimulator } from "../support/sim.js";
import { answered, collect, recordRequests, simClient } from "./endpoint-support.js";

describe("list pagination", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 300 }] });
  const account = () => s.current.sim.account("acme")!;
  const listedTicketIds = () =>
    [...account().tickets.values()]
      .filter((t) => !account().isArchived(t))
      .map((t) => t.id)
      .sort((a, b) => a - b);

  it("follows cursor pages until has_more is false, yielding every ticket once", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const tickets = await collect(
      cursorPaginate<Ticket>(client, {
        path: "/api/v2/tickets",
        route: "/api/v2/tickets",
        key: "tickets",
        item: ticketSchema,
        pageSize: 25,
      }),
    );
    const expected = listedTicketIds();
    expect(expected.length).toBeGreaterThan(100);
    expect(tickets.map((t) => t.id)).toEqual(expected);
    expect(sent).toHaveLength(Math.ceil(expected.length / 25));
    // Later pages follow Zendesk's links.next rather than rebuilding the URL.
    expect(
      sent.slice(1).every((r) => r.url?.includes("page%5Bafter%5D") || r.url?.includes("page[after]")),
    ).toBe(true);
  });

  it("refuses a page size below 1 before sending anything", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const list = { path: "/api/v2/tickets", route: "/api/v2/tickets", key: "tickets", item: ticketSchema };
    for (const size of [0, -5, 2.5]) {
      await expect(collect(cursorPaginate<Ticket>(client, { ...list, pageSize: size }))).rejects.toThrow(
        /pageSize for \/api\/v2\/tickets must be a whole number from 1 to 100/,
      );
      await expect(collect(offsetPaginate<Ticket>(client, { ...list, perPage: size }))).rejects.toThrow(
        RangeError,
      );
    }
    expect(sent).toEqual([]);
  });

  it("follows offset pages to the last one", async () => {
    const client = simClient(s.current);
    const users = await collect(
      offsetPaginate<User>(client, {
        path: "/api/v2/users",
        route: "/api/v2/users",
        key: "users",
        item: userSchema,
        perPage: 40,
      }),
    );
    const live = [...account().users.values()].filter((u) => u.deleted_at === null);
    expect(live.length).toBeGreaterThan(40);
    expect(users.map((u) => u.id).sort((a, b) => a - b)).toEqual(live.map((u) => u.id).sort((a, b) => a - b));
  });

  it("stops with an OffsetLimitError before asking for page 101, instead of getting Zendesk's 400", async () => {
    const client = simClient(s.current);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const ticket of offsetPaginate<Ticket>(client, {
        path: "/api/v2/tickets",
        route: "/api/v2/tickets",
        key: "tickets",
        item: ticketSchema,
        perPage: 1,
      })) {
        seen.push(ticket.id);
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(OffsetLimitError);
    await expect(reading).rejects.toThrow(/first 100 pages .*cursor pagination/);
    expect(seen).toEqual(listedTicketIds().slice(0, 100));
    expect(await answered(s.current, "GET", "/api/v2/tickets", 200)).toBeGreaterThanOrEqual(100);
    expect(await answered(s.current, "GET", "/api/v2/tickets", 400)).toBe(0);
  });

  it("names the route when a page lacks what Hush relies on", async () => {
    const client = simClient(s.current);
    const pages = cursorPaginate(client, {
      path: "/api/v2/tickets",
      route: "/api/v2/tickets",
      key: "users",
      item: userSchema,
    });
    const error = await collect(pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).toContain("GET /api/v2/tickets");
    expect((error as Error).message).toContain("users");
  });

  it("continues with page[after] where Zendesk gives a cursor but no next link", async () => {
    const pages = [
      { items: [{ id: 1, role: "end-user" }], meta: { has_more: true, after_cursor: "abc" } },
      { items: [{ id: 2, role: "end-user" }], meta: { has_more: false, after_cursor: "def" } },
    ];
    const sent: ZendeskRequest[] = [];
    const client = fakeClient(sent, pages);
    const items = await collect(
      cursorPaginate<User>(client, { path: "/api/v2/x", route: "/api/v2/x", key: "items", item: userSchema }),
    );
    expect(items.map((u) => u.id)).toEqual([1, 2]);
    expect(sent[1]!.query).toEqual({ "page[size]": 100, "page[after]": "abc" });
  });

  it("stops loudly when Zendesk says there is more but gives no way to get it", async () => {
    const client = fakeClient([], [{ items: [], meta: { has_more: true } }]);
    const reading = collect(
      cursorPaginate(client, { path: "/api/v2/x", route: "/api/v2/x", key: "items", item: userSchema }),
    );
    await expect(reading).rejects.toBeInstanceOf(PaginationError);
  });
});

function fakeClient(sent: ZendeskRequest[], pages: unknown[]): ZendeskClient {
  return {
    request: async (req: ZendeskRequest) => {
      sent.push(req);
      return { status: 200, headers: {}, body: pages.shift() };
    },
  } as unknown as ZendeskClient;
}
