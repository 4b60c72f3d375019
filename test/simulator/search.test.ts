import { beforeAll, describe, expect, it } from "vitest";
import type { Account } from "../../src/simulator/account.js";
import { DAY } from "../../src/simulator/clock.js";
import { addTicket, addUser } from "../../src/simulator/factory.js";
import type { Ticket } from "../../src/simulator/model.js";
import { type ApiResponse, useSimulator } from "../support/sim.js";

const q = (query: string): string => encodeURIComponent(query);

describe("search endpoints", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  let account: Account;
  let requester: number;

  /** Adds `n` tickets tagged `tag`, created a second apart in bursts of 7 so created_at ties too. */
  function many(n: number, tag: string, fields: Partial<Ticket> = {}): Ticket[] {
    const base = account.clock.now() - 30 * DAY;
    return Array.from({ length: n }, (_, i) =>
      addTicket(account, {
        requester_id: requester,
        created_at: base + Math.floor(i / 7) * 1000,
        tags: [tag],
        ...fields,
      }),
    );
  }

  beforeAll(() => {
    account = s.current.sim.account("acme")!;
    requester = addUser(account, { name: "Jane Doe", email: "jane@example.com", external_id: "crm-1" }).id;
  });

  describe("GET /api/v2/search", () => {
    beforeAll(() => many(1500, "cap"));

    it("reports the true count but serves only the first 1,000 results", async () => {
      const first = await s.current.api("GET", `/api/v2/search.json?query=${q("type:ticket tags:cap")}`);
      expect(first.status).toBe(200);
      expect(first.body.count).toBe(1500);
      expect(first.body.facets).toBeNull();
      expect(first.body.results).toHaveLength(100);
      expect(first.body.results[0].result_type).toBe("ticket");
      expect(first.body.next_page).toContain("page=2");
      expect(first.body.previous_page).toBeNull();

      const tenth = await s.current.api(
        "GET",
        `/api/v2/search.json?query=${q("tags:cap")}&page=10&per_page=100`,
      );
      expect(tenth.status).toBe(200);
      expect(tenth.body.results).toHaveLength(100);

      const eleventh = await s.current.api(
        "GET",
        `/api/v2/search.json?query=${q("tags:cap")}&page=11&per_page=100`,
      );
      expect(eleventh.status).toBe(422);
      expect(eleventh.body).toEqual({
        error: "invalid",
        description: "Invalid search: Requested response size was greater than Search Response Limits",
      });
    });

    it("caps by page x per_page, not by page number: per_page=50 reaches page 20 but not 21", async () => {
      const url = (page: number): string =>
        `/api/v2/search.json?query=${q("tags:cap")}&per_page=50&page=${page}`;
      const twentieth = await s.current.api("GET", url(20));
      expect(twentieth.status).toBe(200);
      expect(twentieth.body.results).toHaveLength(50);
      expect(twentieth.body.count).toBe(1500);
      expect((await s.current.api("GET", url(21))).status).toBe(422);
    });

    it("pages without repeating results and sorts by sort_by/sort_order", async () => {
      const seen = new Set<number>();
      for (let page = 1; page <= 3; page++) {
        const res = await s.current.api(
          "GET",
          `/api/v2/search?query=${q("tags:cap")}&sort_by=created_at&sort_order=asc&per_page=50&page=${page}`,
        );
        const times = res.body.results.map((r: { created_at: string }) => r.created_at);
        expect([...times].sort()).toEqual(times);
        for (const r of res.body.results) seen.add(r.id);
      }
      expect(seen.size).toBe(150);
    });

    it("counts with /search/count", async () => {
      const res = await s.current.api("GET", `/api/v2/search/count.json?query=${q("type:ticket tags:cap")}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ count: 1500 });
    });

    it("answers a malformed query with a 400 that names the problem", async () => {
      const res = await s.current.api("GET", `/api/v2/search?query=${q("updated<4fortnights")}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("invalid");
      expect(res.body.description).toMatch(/fortnights.*not a time unit/);
      const missing = await s.current.api("GET", "/api/v2/search");
      expect(missing.status).toBe(400);
    });
  });

  describe("GET /api/v2/search/export", () => {
    let exported: Ticket[];
    beforeAll(() => {
      exported = many(1234, "exp");
    });

    it("walks every match exactly once, past 1,000, ordered by created_at then id", async () => {
      const ids: number[] = [];
      let url: string | null =
        `/api/v2/search/export.json?query=${q("tags:exp")}&filter[type]=ticket&page[size]=100`;
      let pages = 0;
      while (url) {
        const res: ApiResponse = await s.current.api("GET", url.replace(s.current.url, ""));
        expect(res.status).toBe(200);
        expect(res.body).not.toHaveProperty("count");
        expect(res.body.links.prev).toBeNull();
        expect(res.body.meta.before_cursor).toBeNull();
        ids.push(...res.body.results.map((r: { id: number }) => r.id));
        url = res.body.meta.has_more ? res.body.links.next : null;
        pages++;
      }
      expect(pages).toBe(13);
      expect(ids).toHaveLength(1234);
      expect(ids).toEqual(exported.map((t) => t.id));
    });

    it("refuses an after_cursor more than one hour after it was issued", async () => {
      const first = await s.current.api(
        "GET",
        `/api/v2/search/export?query=${q("tags:exp")}&filter[type]=ticket&page[size]=10`,
      );
      const cursor = first.body.meta.after_cursor as string;
      const next = `/api/v2/search/export?query=${q("tags:exp")}&filter[type]=ticket&page[size]=10&page[after]=${cursor}`;
      await s.current.inspect("POST", "/__sim/clock", { advance: "59m" });
      expect((await s.current.api("GET", next)).status).toBe(200);
      await s.current.inspect("POST", "/__sim/clock", { advance: "2m" });
      const expired = await s.current.api("GET", next);
      expect(expired.status).toBe(400);
      expect(expired.body.description).toMatch(/cursor has expired.*without page\[after\]/);
    });

    it("requires filter[type] and refuses type: in the query", async () => {
      const missing = await s.current.api("GET", `/api/v2/search/export?query=${q("tags:exp")}`);
      expect(missing.status).toBe(400);
      expect(missing.body.description).toMatch(/filter\[type\] is required/);
      const typed = await s.current.api(
        "GET",
        `/api/v2/search/export?query=${q("type:ticket tags:exp")}&filter[type]=ticket`,
      );
      expect(typed.status).toBe(400);
      expect(typed.body.description).toMatch(/remove type:/);
    });

    it("exports users with filter[type]=user", async () => {
      const res = await s.current.api("GET", `/api/v2/search/export?query=${q("jane")}&filter[type]=user`);
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { id: number; result_type: string }) => [r.id, r.result_type])).toEqual(
        [[requester, "user"]],
      );
      expect(res.body.meta.has_more).toBe(false);
    });
  });

  describe("what search can see", () => {
    it("finds archived tickets but not soft-deleted ones", async () => {
      const [archived] = many(1, "visibility", { status: "closed", archive_immediately: true });
      const [deleted] = many(1, "visibility");
      expect(account.isArchived(archived!)).toBe(true);
      account.tickets.delete(deleted!.id);
      account.deletedTickets.set(deleted!.id, {
        ticket: deleted!,
        deleted_at: account.clock.now(),
        previous_state: "new",
        actor_id: requester,
        scrubbed_at: null,
      });
      const res = await s.current.api("GET", `/api/v2/search?query=${q("tags:visibility")}`);
      expect(res.body.results.map((r: { id: number }) => r.id)).toEqual([archived!.id]);
      expect(res.body.count).toBe(1);
    });

    it("keeps matching the old version of a changed ticket during the index lag", async () => {
      await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 60_000 });
      try {
        const [ticket] = many(1, "lagging", { status: "open" });
        account.changingTicket(ticket!);
        ticket!.status = "solved";
        const stale = await s.current.api("GET", `/api/v2/search?query=${q("tags:lagging status:open")}`);
        expect(stale.body.results.map((r: { id: number; status: string }) => [r.id, r.status])).toEqual([
          [ticket!.id, "open"],
        ]);
        const notYet = await s.current.api(
          "GET",
          `/api/v2/search/count?query=${q("tags:lagging status:solved")}`,
        );
        expect(notYet.body.count).toBe(0);

        await s.current.inspect("POST", "/__sim/clock", { advance: "61s" });
        const fresh = await s.current.api("GET", `/api/v2/search?query=${q("tags:lagging status:solved")}`);
        expect(fresh.body.results.map((r: { id: number; status: string }) => [r.id, r.status])).toEqual([
          [ticket!.id, "solved"],
        ]);
      } finally {
        await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 0 });
      }
    });

    it("does not find a ticket created during the index lag until it is indexed", async () => {
      await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 60_000 });
      try {
        const [ticket] = many(1, "brand_new");
        account.changingTicket(ticket!, { created: true });
        const before = await s.current.api("GET", `/api/v2/search/count?query=${q("tags:brand_new")}`);
        expect(before.body.count).toBe(0);
        await s.current.inspect("POST", "/__sim/clock", { advance: "61s" });
        const after = await s.current.api("GET", `/api/v2/search/count?query=${q("tags:brand_new")}`);
        expect(after.body.count).toBe(1);
      } finally {
        await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 0 });
      }
    });
  });

  describe("GET /api/v2/users/search", () => {
    it("finds users by bare text, by user query syntax and by external_id", async () => {
      const text = await s.current.api("GET", "/api/v2/users/search.json?query=jane");
      expect(text.status).toBe(200);
      expect(text.body.users.map((u: { id: number }) => u.id)).toEqual([requester]);
      expect(text.body.count).toBe(1);

      const byEmail = await s.current.api("GET", `/api/v2/users/search?query=${q("email:jane@example.com")}`);
      expect(byEmail.body.users.map((u: { id: number }) => u.id)).toEqual([requester]);

      const admins = await s.current.api("GET", `/api/v2/users/search?query=${q("role:admin")}`);
      expect(admins.body.users.map((u: { role: string }) => u.role)).toEqual(["admin"]);

      const byExternal = await s.current.api("GET", "/api/v2/users/search?external_id=CRM-1");
      expect(byExternal.body.users.map((u: { id: number }) => u.id)).toEqual([requester]);
    });

    it("refuses ticket keywords in a user search", async () => {
      const res = await s.current.api("GET", `/api/v2/users/search?query=${q("status:open")}`);
      expect(res.status).toBe(400);
      expect(res.body.description).toMatch(/status is not a keyword for users/);
    });
  });
});
