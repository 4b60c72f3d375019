import { beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../src/simulator/account.js";
import { DAY, MINUTE } from "../../src/simulator/clock.js";
import { addTicket, addUser } from "../../src/simulator/factory.js";
import type { Ticket } from "../../src/simulator/model.js";
import { useSimulator } from "../support/sim.js";

describe("incremental exports", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acme = (): Account => s.current.sim.account("acme")!;
  let requesterId = 0;

  /** Every call starts a fresh rate-limit window, except in the test of the limit itself. */
  const get = (path: string, auth?: string) => {
    s.current.sim.limiter(acme()).reset();
    return s.current.api("GET", path.replace(s.current.url, ""), undefined, auth);
  };
  const nowSeconds = () => Math.floor(s.current.sim.clock.now() / 1000);

  const ticket = (body = "hello", fields: Partial<Ticket> = {}): Ticket =>
    addTicket(acme(), { requester_id: requesterId, status: "open", ...fields }, [{ body }]);

  /** Follows after_url until end_of_stream; returns ids in order and the last cursor. */
  const walk = async (first: string) => {
    const ids: number[] = [];
    const statuses = new Map<number, string>();
    let path = first;
    let cursor = "";
    for (let pages = 0; pages < 50; pages++) {
      const res = await get(path);
      expect(res.status).toBe(200);
      for (const t of res.body.tickets) {
        ids.push(t.id);
        statuses.set(t.id, t.status);
      }
      cursor = res.body.after_cursor;
      if (res.body.end_of_stream) break;
      path = res.body.after_url;
    }
    return { ids, statuses, cursor };
  };

  beforeEach(() => {
    if (requesterId === 0) requesterId = addUser(acme(), { name: "Customer", email: "c@example.org" }).id;
  });

  it("walks every ticket exactly once, then serves only what changed, never the last minute", async () => {
    const created = Array.from({ length: 25 }, (_, i) => ticket(`ticket ${i}`));
    s.current.sim.clock.advance(2 * MINUTE);
    const fresh = ticket("too recent");

    const first = await walk("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=10");
    expect(first.ids.sort((a, b) => a - b)).toEqual(created.map((t) => t.id));
    expect(first.ids).not.toContain(fresh.id);

    // A redaction bumps generated_timestamp, so the ticket comes back after the minute has passed.
    const [comment] = (await get(`/api/v2/tickets/${created[3]!.id}/comments.json`)).body.comments;
    const html = comment.html_body.replace("ticket 3", "<redact>ticket 3</redact>");
    s.current.sim.limiter(acme()).reset();
    const red = await s.current.api("PUT", `/api/v2/comment_redactions/${comment.id}`, {
      ticket_id: created[3]!.id,
      html_body: html,
    });
    expect(red.status).toBe(200);
    const soon = await walk(`/api/v2/incremental/tickets/cursor.json?cursor=${first.cursor}`);
    expect(soon.ids).toEqual([]);
    expect(soon.cursor).toBe(first.cursor);

    s.current.sim.clock.advance(2 * MINUTE);
    const next = await walk(`/api/v2/incremental/tickets/cursor.json?cursor=${first.cursor}`);
    // Ordered by (generated_timestamp, id); both changed at about the same second.
    expect(next.ids.sort((a, b) => a - b)).toEqual([created[3]!.id, fresh.id]);
    const res = await get(`/api/v2/incremental/tickets/cursor.json?cursor=${first.cursor}`);
    const redacted = res.body.tickets.find((t: { id: number }) => t.id === created[3]!.id);
    expect(redacted.tags).toContain("redacted_content");
  });

  it("includes archived tickets and shows deleted ones as deleted unless exclude_deleted=true", async () => {
    const since = nowSeconds();
    const archived = ticket("old", { status: "closed", archive_immediately: true });
    const gone = ticket("deleted");
    acme().changingTicket(gone);
    acme().tickets.delete(gone.id);
    acme().deletedTickets.set(gone.id, {
      ticket: gone,
      deleted_at: s.current.sim.clock.now(),
      previous_state: "open",
      actor_id: requesterId,
      scrubbed_at: null,
    });
    s.current.sim.clock.advance(2 * MINUTE);
    const all = await walk(`/api/v2/incremental/tickets/cursor.json?start_time=${since}`);
    expect(all.statuses.get(archived.id)).toBe("closed");
    expect(all.statuses.get(gone.id)).toBe("deleted");
    const live = await walk(
      `/api/v2/incremental/tickets/cursor.json?start_time=${since}&exclude_deleted=true`,
    );
    expect(live.ids).toContain(archived.id);
    expect(live.ids).not.toContain(gone.id);
  });

  it("refuses a start_time within the last minute and non-admins", async () => {
    const recent = await get(`/api/v2/incremental/tickets/cursor.json?start_time=${nowSeconds() - 30}`);
    expect(recent.status).toBe(400);
    expect(recent.body.error).toBe("InvalidValue");
    const agent = await get("/api/v2/incremental/tickets/cursor.json?start_time=0", s.current.agentAuth);
    expect(agent.status).toBe(403);
  });

  it("allows 10 export requests a minute, then answers a JSON 429 with Retry-After", async () => {
    s.current.sim.limiter(acme()).reset();
    const path = "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1";
    for (let i = 0; i < 10; i++) expect((await s.current.api("GET", path)).status).toBe(200);
    const limited = await s.current.api("GET", path);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: "APIRateLimitExceeded",
      description: "Number of allowed incremental export API requests per minute exceeded",
    });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("pages the time-based ticket export by end_time", async () => {
    const since = nowSeconds();
    const made = [ticket("a"), ticket("b"), ticket("c")];
    s.current.sim.clock.advance(2 * MINUTE);
    const res = await get(`/api/v2/incremental/tickets.json?start_time=${since}&per_page=1000`);
    expect(res.status).toBe(200);
    expect(res.body.tickets.map((t: { id: number }) => t.id)).toEqual(made.map((t) => t.id));
    expect(res.body).toMatchObject({ count: 3, end_of_stream: true, end_time: made[2]!.generated_timestamp });
    expect(res.body.next_page).toContain(`start_time=${made[2]!.generated_timestamp}`);
  });

  it("includes comment bodies in ticket_events only with include=comment_events", async () => {
    const since = nowSeconds();
    const t = ticket("my passport is X1234567");
    s.current.sim.clock.advance(2 * MINUTE);
    const plain = await get(`/api/v2/incremental/ticket_events.json?start_time=${since}`);
    const event = plain.body.ticket_events.find((e: { ticket_id: number }) => e.ticket_id === t.id);
    expect(event).toMatchObject({ event_type: "Audit", comment_present: true, comment_public: true });
    expect(JSON.stringify(plain.body)).not.toContain("X1234567");

    const full = await get(
      `/api/v2/incremental/ticket_events.json?start_time=${since}&include=comment_events`,
    );
    const withComments = full.body.ticket_events.find((e: { ticket_id: number }) => e.ticket_id === t.id);
    expect(withComments.child_events).toContainEqual(
      expect.objectContaining({ event_type: "Comment", body: "my passport is X1234567", public: true }),
    );
  });

  it("exports users by updated_at, deleted ones included", async () => {
    const since = nowSeconds() - DAY / 1000;
    const kept = addUser(acme(), { name: "Kept", email: "kept@example.org" });
    const deleted = addUser(acme(), { name: "Gone", email: "gone@example.org" });
    deleted.deleted_at = s.current.sim.clock.now();
    deleted.active = false;
    s.current.sim.clock.advance(2 * MINUTE);
    const cursor = await get(`/api/v2/incremental/users/cursor.json?start_time=${since}`);
    const ids = cursor.body.users.map((u: { id: number }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([kept.id, deleted.id]));
    expect(cursor.body.users.find((u: { id: number }) => u.id === deleted.id).active).toBe(false);
    expect(cursor.body.end_of_stream).toBe(true);
    const timed = await get(`/api/v2/incremental/users.json?start_time=${since}`);
    expect(timed.body.users.map((u: { id: number }) => u.id)).toEqual(expect.arrayContaining(ids));
  });
});
