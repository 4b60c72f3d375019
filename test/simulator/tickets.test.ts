import { describe, expect, it } from "vitest";
import { addTicket } from "../../src/simulator/factory.js";
import type { Ticket } from "../../src/simulator/model.js";
import { type ApiResponse, useSimulator } from "../support/sim.js";

// Tickets API rules (ZENDESK_API.md 5.1-5.9), exercised over HTTP.

describe("tickets", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acct = () => s.current.sim.account("acme")!;
  const staff = () => s.current.sim.describe()[0]!.credentials;
  const fixture = (fields: Partial<Ticket> = {}): Ticket =>
    addTicket(acct(), { requester_id: staff().admin.userId, subject: "Printer on fire", ...fields }, [
      { body: "It is really on fire" },
    ]);
  const closedFixture = () =>
    fixture({ status: "closed", solved_at: acct().clock.now(), closed_at: acct().clock.now() });
  const put = (id: number, ticket: Record<string, unknown>, auth?: string) =>
    s.current.api("PUT", `/api/v2/tickets/${id}.json`, { ticket }, auth);

  describe("create", () => {
    it("answers 201 with a Location header, the ticket and its audit", async () => {
      const res = await s.current.api("POST", "/api/v2/tickets.json", {
        ticket: { subject: "Help", comment: { body: "My order is late" }, priority: "high", tags: ["VIP"] },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get("location")).toBe(`${s.current.url}/api/v2/tickets/${res.body.ticket.id}.json`);
      expect(res.body.ticket).toMatchObject({
        subject: "Help",
        description: "My order is late",
        priority: "high",
        status: "new",
        tags: ["vip"],
      });
      const types = res.body.audit.events.map((e: { type: string }) => e.type);
      expect(types[0]).toBe("Comment");
      expect(types).toContain("Create");
    });

    it("creates an end user for an inline requester, and reuses one with the same email", async () => {
      const body = (subject: string) => ({
        ticket: { subject, comment: { body: "hi" }, requester: { name: "Jo Doe", email: "jo@example.org" } },
      });
      const first = await s.current.api("POST", "/api/v2/tickets", body("one"));
      const second = await s.current.api("POST", "/api/v2/tickets", body("two"));
      const requester = acct().users.get(first.body.ticket.requester_id)!;
      expect(requester).toMatchObject({ role: "end-user", email: "jo@example.org" });
      expect(second.body.ticket.requester_id).toBe(requester.id);
    });

    it("refuses a ticket without a comment with 422 RecordInvalid", async () => {
      const res = await s.current.api("POST", "/api/v2/tickets", { ticket: { subject: "no body" } });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe("RecordInvalid");
    });
  });

  describe("read", () => {
    it("shows a ticket by id and several with show_many, skipping unknown ids", async () => {
      const a = fixture();
      const b = fixture();
      const one = await s.current.api("GET", `/api/v2/tickets/${a.id}.json`);
      expect(one.status).toBe(200);
      expect(one.body.ticket).toMatchObject({ id: a.id, subject: "Printer on fire" });
      const many = await s.current.api("GET", `/api/v2/tickets/show_many.json?ids=${a.id},${b.id},999999`);
      expect(many.body.tickets.map((t: { id: number }) => t.id).sort()).toEqual([a.id, b.id].sort());
    });

    it("answers 404 RecordNotFound for unknown and soft-deleted tickets", async () => {
      const t = fixture();
      expect((await s.current.api("DELETE", `/api/v2/tickets/${t.id}`)).status).toBe(204);
      for (const id of [t.id, 987654]) {
        const res = await s.current.api("GET", `/api/v2/tickets/${id}.json`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: "RecordNotFound", description: "Not found" });
      }
    });

    it("counts the live tickets", async () => {
      const res = await s.current.api("GET", "/api/v2/tickets/count.json");
      expect(res.body.count.value).toBe(acct().tickets.size);
    });

    it("filters the list by external_id", async () => {
      const t = fixture({ external_id: "ext-42" });
      const res = await s.current.api("GET", "/api/v2/tickets.json?external_id=ext-42");
      expect(res.body.tickets.map((x: { id: number }) => x.id)).toEqual([t.id]);
    });
  });

  describe("update", () => {
    it("changes fields, merges custom fields, adds a comment and records Change events", async () => {
      const t = fixture({
        tags: ["a", "b"],
        custom_fields: [
          { id: 10, value: "keep" },
          { id: 11, value: "old" },
        ],
      });
      const res = await put(t.id, {
        status: "solved",
        subject: "Fire out",
        tags: ["c"],
        custom_fields: [{ id: 11, value: "new" }],
        comment: { body: "Extinguished", public: false },
      });
      expect(res.status).toBe(200);
      expect(res.body.ticket).toMatchObject({ status: "solved", subject: "Fire out", tags: ["c"] });
      expect(res.body.ticket.custom_fields).toEqual([
        { id: 10, value: "keep" },
        { id: 11, value: "new" },
      ]);
      const events = res.body.audit.events;
      expect(events).toContainEqual(
        expect.objectContaining({
          type: "Change",
          field_name: "status",
          value: "solved",
          previous_value: "new",
        }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({
          type: "Change",
          field_name: "tags",
          value: ["c"],
          previous_value: ["a", "b"],
        }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({ type: "Change", field_name: "11", value: "new", previous_value: "old" }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({ type: "Comment", body: "Extinguished", public: false }),
      );
      const stored = acct().tickets.get(t.id)!;
      expect(stored.solved_at).not.toBeNull();
      expect(
        acct()
          .comments(stored)
          .map((c) => c.body),
      ).toEqual(["It is really on fire", "Extinguished"]);
      expect(acct().audits.get(t.id)?.length).toBe(1);
    });

    it("adds and removes tags with additional_tags and remove_tags", async () => {
      const t = fixture({ tags: ["keep", "drop"] });
      const res = await put(t.id, { additional_tags: ["new"], remove_tags: ["drop"] });
      expect(res.body.ticket.tags).toEqual(["keep", "new"]);
    });

    it("leaves updated_at alone when nothing changes", async () => {
      const t = fixture({ priority: "low" });
      const before = t.updated_at;
      await s.current.inspect("POST", "/__sim/clock", { advance: "5s" });
      const res = await put(t.id, { priority: "low" });
      expect(res.status).toBe(200);
      expect(res.body.audit).toBeUndefined();
      expect(acct().tickets.get(t.id)!.updated_at).toBe(before);
    });

    it("drops read-only keys and says so in X-Zendesk-API-Warn", async () => {
      const t = fixture();
      const res = await put(t.id, { id: 1, description: "nope", subject: "Renamed" });
      expect(res.status).toBe(200);
      expect(res.body.ticket.subject).toBe("Renamed");
      expect(res.body.ticket.id).toBe(t.id);
      expect(res.headers.get("x-zendesk-api-warn")).toBe(
        'Removed restricted keys ["ticket.id", "ticket.description"] from parameters according to whitelist',
      );
    });

    it("refuses a stale safe update with 409 UpdateConflict and accepts a fresh one", async () => {
      const t = fixture();
      const stamp = (await s.current.api("GET", `/api/v2/tickets/${t.id}`)).body.ticket.updated_at;
      await s.current.inspect("POST", "/__sim/clock", { advance: "2s" });
      const first = await put(t.id, { subject: "first", safe_update: true, updated_stamp: stamp });
      expect(first.status).toBe(200);
      const stale = await put(t.id, { subject: "second", safe_update: true, updated_stamp: stamp });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toBe("UpdateConflict");
      expect(acct().tickets.get(t.id)!.subject).toBe("first");
      const fresh = await put(t.id, {
        subject: "third",
        safe_update: true,
        updated_stamp: first.body.ticket.updated_at,
      });
      expect(fresh.status).toBe(200);
    });

    it("sets solved_at and closed_at on the way to closed and cannot reopen a closed ticket", async () => {
      const t = fixture({ status: "open" });
      await put(t.id, { status: "closed" });
      const stored = acct().tickets.get(t.id)!;
      expect(stored.closed_at).not.toBeNull();
      expect(stored.solved_at).not.toBeNull();
      const reopen = await put(t.id, { status: "open" });
      expect(reopen.status).toBe(422);
      expect(acct().tickets.get(t.id)!.status).toBe("closed");
    });
  });

  it("refuses a comment beyond 5000 per ticket with 422 but still allows other edits (5.1)", async () => {
    const t = addTicket(
      acct(),
      { requester_id: staff().admin.userId, status: "open" },
      Array.from({ length: 5000 }, (_, i) => ({ body: `comment ${i}` })),
    );
    const refused = await put(t.id, { comment: { body: "one too many", public: false } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe("RecordInvalid");
    expect(acct().comments(t)).toHaveLength(5000);
    expect((await put(t.id, { subject: "still editable" })).status).toBe(200);
  });

  it("changes, tags, redacts and scrubs a ticket whose lists are frozen, as seeded tickets' are", async () => {
    const frozen = <T extends object>(v: T): T => Object.freeze(v);
    const t = fixture({
      status: "open",
      tags: frozen(["billing"]) as string[],
      collaborator_ids: frozen([]) as number[],
      follower_ids: frozen([]) as number[],
      email_cc_ids: frozen([]) as number[],
      via: frozen({ channel: "web", source: frozen({ from: frozen({}), to: frozen({}), rel: null }) }),
      satisfaction_rating: frozen({ score: "good" as const }),
    });
    expect((await put(t.id, { additional_tags: ["x"], remove_tags: ["billing"] })).status).toBe(200);
    expect((await s.current.api("PUT", `/api/v2/tickets/${t.id}/tags`, { tags: ["y"] })).status).toBe(200);
    const [comment] = acct().comments(t);
    const html = `<div class="zd-comment" dir="auto"><p>It is <redact>really</redact> on fire</p></div>`;
    const redacted = await s.current.api("PUT", `/api/v2/comment_redactions/${comment!.id}`, {
      ticket_id: t.id,
      html_body: html,
    });
    expect(redacted.status).toBe(200);
    expect(t.tags).toEqual(["x", "y", "redacted_content"]);
    expect((await s.current.api("DELETE", `/api/v2/tickets/${t.id}`)).status).toBe(204);
    expect((await s.current.api("DELETE", `/api/v2/deleted_tickets/${t.id}`)).status).toBe(200);
    expect(acct().deletedTickets.get(t.id)!.scrubbed_at).not.toBeNull();
  });

  describe("closed tickets", () => {
    const closedBody = {
      error: "RecordInvalid",
      description: "Record validation errors",
      details: { status: [{ description: "Status: closed prevents ticket update", error: "ClosedTicket" }] },
    };

    it("answers any update, including a comment, with the 422 of ZENDESK_API.md 5.7", async () => {
      const t = closedFixture();
      for (const change of [{ subject: "x" }, { comment: { body: "hello" } }, { tags: ["delete"] }]) {
        const res = await put(t.id, change);
        expect(res.status).toBe(422);
        expect(res.body).toEqual(closedBody);
      }
      expect(acct().comments(t)).toHaveLength(1);
      expect(acct().audits.get(t.id)).toBeUndefined();
    });

    it("lets admins change tags, subject and priority when Modify closed tickets is on", async () => {
      const t = closedFixture();
      await s.current.inspect("PUT", "/__sim/settings", { modifyClosedTickets: true });
      try {
        const tags = await put(t.id, { tags: ["delete"], priority: "low" });
        expect(tags.status).toBe(200);
        expect(tags.body.ticket.tags).toEqual(["delete"]);
        expect((await put(t.id, { status: "open" })).status).toBe(422);
        expect((await put(t.id, { tags: ["x"] }, s.current.agentAuth)).status).toBe(422);
      } finally {
        await s.current.inspect("PUT", "/__sim/settings", { modifyClosedTickets: false });
      }
    });
  });

  describe("tags API", () => {
    it("sets with POST, adds with PUT and removes with DELETE", async () => {
      const t = fixture({ tags: ["old"] });
      const path = `/api/v2/tickets/${t.id}/tags.json`;
      const set = await s.current.api("POST", path, { tags: ["one", "two"] });
      expect(set.status).toBe(201);
      expect(set.body).toEqual({ tags: ["one", "two"] });
      expect((await s.current.api("PUT", path, { tags: ["three"] })).body.tags).toEqual([
        "one",
        "two",
        "three",
      ]);
      expect((await s.current.api("DELETE", path, { tags: ["one"] })).body.tags).toEqual(["two", "three"]);
      expect((await s.current.api("GET", path)).body).toEqual({ tags: ["two", "three"] });
      expect(acct().audits.get(t.id)).toHaveLength(3);
    });

    it("refuses tag changes on closed tickets", async () => {
      const t = closedFixture();
      const res = await s.current.api("PUT", `/api/v2/tickets/${t.id}/tags`, { tags: ["x"] });
      expect(res.status).toBe(422);
      expect(res.body.details.status[0].description).toBe("Status: closed prevents ticket update");
    });
  });

  it("allows 30 updates per 10 minutes per user and ticket, then answers 429", async () => {
    const t = fixture();
    for (let i = 0; i < 30; i++) expect((await put(t.id, { subject: `s${i}` })).status).toBe(200);
    const limited = await put(t.id, { subject: "one too many" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // another user still may
    expect((await put(t.id, { subject: "agent" }, s.current.agentAuth)).status).toBe(200);
    await s.current.inspect("POST", "/__sim/clock", { advance: "10m" });
    expect((await put(t.id, { subject: "later" })).status).toBe(200);
  });

  describe("soft delete", () => {
    it("refuses agents without the delete permission with 403", async () => {
      const t = fixture();
      const res = await s.current.api("DELETE", `/api/v2/tickets/${t.id}`, undefined, s.current.agentAuth);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe("Forbidden");
      expect(acct().tickets.has(t.id)).toBe(true);
    });

    it("moves the ticket to deleted tickets with its previous state and actor", async () => {
      const t = fixture({ status: "pending" });
      const res = await s.current.api("DELETE", `/api/v2/tickets/${t.id}`, undefined, s.current.deleterAuth);
      expect(res.status).toBe(204);
      expect(acct().tickets.has(t.id)).toBe(false);
      expect(acct().deletedTickets.get(t.id)).toMatchObject({
        previous_state: "pending",
        actor_id: staff().deleter.userId,
        scrubbed_at: null,
      });
    });
  });

  describe("list", () => {
    it("walks every ticket exactly once with cursor pagination, in any sort", async () => {
      for (let i = 0; i < 7; i++) fixture({ updated_at: acct().clock.now() - i * 1000 });
      const expected = [...acct().tickets.values()]
        .filter((t) => !acct().isArchived(t))
        .map((t) => t.id)
        .sort((a, b) => a - b);
      for (const sort of ["id", "-updated_at", "status", "-id"]) {
        const seen: number[] = [];
        let url: string | null = `/api/v2/tickets.json?page[size]=4&sort=${sort}`;
        while (url) {
          const res: ApiResponse = await s.current.api("GET", url);
          expect(res.status).toBe(200);
          seen.push(...res.body.tickets.map((t: { id: number }) => t.id));
          url = res.body.meta.has_more ? res.body.links.next.slice(s.current.url.length) : null;
        }
        expect([...seen].sort((a, b) => a - b)).toEqual(expected);
      }
    });

    it("pages backwards with page[before]", async () => {
      const first = await s.current.api("GET", "/api/v2/tickets.json?page[size]=2");
      const second = await s.current.api("GET", first.body.links.next.slice(s.current.url.length));
      const back = await s.current.api("GET", second.body.links.prev.slice(s.current.url.length));
      expect(back.body.tickets.map((t: { id: number }) => t.id)).toEqual(
        first.body.tickets.map((t: { id: number }) => t.id),
      );
    });

    it("refuses offset pages past 100 with a 400", async () => {
      const res = await s.current.api("GET", "/api/v2/tickets.json?page=101&per_page=100");
      expect(res.status).toBe(400);
      const ok = await s.current.api("GET", "/api/v2/tickets.json?page=1&per_page=2");
      expect(ok.body.tickets).toHaveLength(2);
      expect(ok.body.count).toBeGreaterThan(2);
      expect(ok.body.next_page).toContain("page=2");
    });

    it("rejects an unknown sort with a 400", async () => {
      expect((await s.current.api("GET", "/api/v2/tickets.json?page[size]=2&sort=bogus")).status).toBe(400);
    });

    it("excludes archived tickets, which stay readable by id", async () => {
      const t = fixture({ status: "open" });
      await put(t.id, { status: "closed" });
      await s.current.inspect("POST", "/__sim/clock", { advance: "121d" });
      expect(acct().isArchived(acct().tickets.get(t.id)!)).toBe(true);
      const ids: number[] = [];
      let url: string | null = "/api/v2/tickets.json?page[size]=100";
      while (url) {
        const res: ApiResponse = await s.current.api("GET", url);
        ids.push(...res.body.tickets.map((x: { id: number }) => x.id));
        url = res.body.meta.has_more ? res.body.links.next.slice(s.current.url.length) : null;
      }
      expect(ids).not.toContain(t.id);
      const shown = await s.current.api("GET", `/api/v2/tickets/${t.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body.ticket.status).toBe("closed");
    });
  });
});
