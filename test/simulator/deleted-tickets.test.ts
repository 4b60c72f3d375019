import { describe, expect, it } from "vitest";
import { addTicket } from "../../src/simulator/factory.js";
import type { Ticket } from "../../src/simulator/model.js";
import { useSimulator } from "../support/sim.js";

// Soft deletion, the deleted-tickets list, restore and permanent deletion (ZENDESK_API.md 5.8, 5.9, 7).

describe("deleted tickets", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acct = () => s.current.sim.account("acme")!;
  const fixture = (fields: Partial<Ticket> = {}): Ticket =>
    addTicket(acct(), { requester_id: 1, subject: "Refund for Jo", ...fields }, [{ body: "Card 4111" }]);
  const softDelete = async (t: Ticket) =>
    expect((await s.current.api("DELETE", `/api/v2/tickets/${t.id}.json`)).status).toBe(204);
  const listedIds = async (query = "") =>
    (await s.current.api("GET", `/api/v2/deleted_tickets.json${query}`)).body.deleted_tickets.map(
      (d: { id: number }) => d.id,
    );
  const jobOf = async (res: { body: { job_status: { id: string } } }) =>
    (await s.current.api("GET", `/api/v2/job_statuses/${res.body.job_status.id}.json`)).body.job_status;

  it("lists soft-deleted tickets oldest first, in Zendesk's offset shape", async () => {
    const a = fixture({ subject: "b subject", status: "open" });
    const b = fixture({ subject: "a subject" });
    await softDelete(a);
    await softDelete(b);
    const res = await s.current.api("GET", "/api/v2/deleted_tickets.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("zendesk-ratelimit-deleted-tickets-index")).toMatch(/^total=10; remaining=\d+/);
    expect(res.body).toMatchObject({ count: 2, next_page: null, previous_page: null });
    expect(res.body.deleted_tickets[0]).toEqual({
      id: a.id,
      subject: "b subject",
      description: "Card 4111",
      deleted_at: expect.stringMatching(/Z$/),
      previous_state: "open",
      actor: { id: 1, name: "Admin Hush" },
    });
    expect(await listedIds("?sort_by=subject")).toEqual([b.id, a.id]);
    expect(await listedIds("?sort_by=id&sort_order=desc")).toEqual([b.id, a.id]);
    expect(await listedIds("?page[size]=1")).toEqual([a.id]);
  });

  it("restores one ticket and many tickets", async () => {
    const a = fixture();
    const b = fixture();
    const c = fixture();
    for (const t of [a, b, c]) await softDelete(t);
    const one = await s.current.api("PUT", `/api/v2/deleted_tickets/${a.id}/restore.json`);
    expect(one.status).toBe(200);
    expect((await s.current.api("GET", `/api/v2/tickets/${a.id}`)).status).toBe(200);
    const many = await s.current.api("PUT", `/api/v2/deleted_tickets/restore_many?ids=${b.id},${c.id}`);
    expect(many.status).toBe(200);
    expect(acct().tickets.has(b.id) && acct().tickets.has(c.id)).toBe(true);
    expect(await listedIds()).not.toContain(b.id);
    // restoring a live ticket is a 404
    expect((await s.current.api("PUT", `/api/v2/deleted_tickets/${a.id}/restore`)).status).toBe(404);
  });

  it("permanently deletes only soft-deleted tickets", async () => {
    const live = fixture();
    const res = await s.current.api("DELETE", `/api/v2/deleted_tickets/${live.id}.json`);
    expect(res.status).toBe(404);
    expect(acct().tickets.has(live.id)).toBe(true);
  });

  it("permanent deletion is a job whose result is {success:true} and leaves only the skeleton", async () => {
    const t = fixture({ tags: ["vip"], external_id: "crm-1", status: "solved" });
    await softDelete(t);
    const res = await s.current.api("DELETE", `/api/v2/deleted_tickets/${t.id}.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("zendesk-ratelimit-deleted-tickets-destroy")).toMatch(/^total=1000;/);
    const job = await jobOf(res);
    expect(job).toMatchObject({ status: "completed", results: { success: true } });
    const deleted = acct().deletedTickets.get(t.id)!;
    expect(deleted.scrubbed_at).not.toBeNull();
    expect(deleted.ticket).toMatchObject({
      id: t.id,
      subject: "",
      tags: [],
      external_id: null,
      requester_id: 1,
    });
    expect(acct().comments(deleted.ticket)).toEqual([]);
    expect((await s.current.api("GET", `/api/v2/tickets/${t.id}`)).status).toBe(404);
    expect(await listedIds()).not.toContain(t.id);
    expect((await s.current.api("PUT", `/api/v2/deleted_tickets/${t.id}/restore`)).status).toBe(404);
    expect((await s.current.api("DELETE", `/api/v2/deleted_tickets/${t.id}`)).status).toBe(404);
  });

  it("destroy_many permanently deletes up to 100 soft-deleted tickets best-effort", async () => {
    const a = fixture();
    const b = fixture();
    await softDelete(a);
    await softDelete(b);
    const res = await s.current.api("DELETE", `/api/v2/deleted_tickets/destroy_many?ids=${a.id},${b.id}`);
    expect(res.status).toBe(200);
    expect((await jobOf(res)).results).toEqual({ success: true });
    expect(acct().deletedTickets.get(a.id)!.scrubbed_at).not.toBeNull();
    expect(acct().deletedTickets.get(b.id)!.scrubbed_at).not.toBeNull();
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(",");
    expect(
      (await s.current.api("DELETE", `/api/v2/deleted_tickets/destroy_many?ids=${tooMany}`)).status,
    ).toBe(422);
  });

  it("refuses permanent deletion to agents without the delete permission", async () => {
    const t = fixture();
    await softDelete(t);
    const res = await s.current.api(
      "DELETE",
      `/api/v2/deleted_tickets/${t.id}`,
      undefined,
      s.current.agentAuth,
    );
    expect(res.status).toBe(403);
    expect(acct().deletedTickets.get(t.id)!.scrubbed_at).toBeNull();
  });

  it("deletes many tickets softly with tickets/destroy_many, failing unknown ids per item", async () => {
    const a = fixture();
    const res = await s.current.api("DELETE", `/api/v2/tickets/destroy_many.json?ids=${a.id},999999`);
    expect(res.status).toBe(200);
    const job = await jobOf(res);
    expect(job.status).toBe("completed");
    expect(job.results).toEqual([
      { id: a.id, action: "delete", success: true, status: "Deleted" },
      expect.objectContaining({ id: 999999, index: 1, success: false, status: "Failed" }),
    ]);
    expect(acct().deletedTickets.has(a.id)).toBe(true);
  });

  it("leaves out tickets archived before deletion", async () => {
    const archived = fixture({ status: "closed", archive_immediately: true, closed_at: acct().clock.now() });
    await softDelete(archived);
    expect(await listedIds()).not.toContain(archived.id);
    expect(acct().deletedTickets.has(archived.id)).toBe(true);
  });

  it("scrubs soft-deleted tickets automatically after 30 days", async () => {
    const t = fixture();
    await softDelete(t);
    await s.current.inspect("POST", "/__sim/clock", { advance: "31d" });
    expect(await listedIds()).not.toContain(t.id);
    expect(acct().deletedTickets.get(t.id)!.scrubbed_at).not.toBeNull();
  });

  it("scrubs each soft-deleted ticket 30 days after its own deletion", async () => {
    const first = fixture();
    await softDelete(first);
    await s.current.inspect("POST", "/__sim/clock", { advance: "20d" });
    const second = fixture();
    await softDelete(second);
    await s.current.inspect("POST", "/__sim/clock", { advance: "11d" });
    await s.current.api("GET", "/api/v2/users/me");
    expect(acct().deletedTickets.get(first.id)!.scrubbed_at).not.toBeNull();
    expect(acct().deletedTickets.get(second.id)!.scrubbed_at).toBeNull();
    await s.current.inspect("POST", "/__sim/clock", { advance: "20d" });
    await s.current.api("GET", "/api/v2/users/me");
    expect(acct().deletedTickets.get(second.id)!.scrubbed_at).not.toBeNull();
  });
});
