import { describe, expect, it } from "vitest";
import { addTicket } from "../../src/simulator/factory.js";
import type { Ticket } from "../../src/simulator/model.js";
import { type ApiResponse, useSimulator } from "../support/sim.js";

// The Ticket Import API (ZENDESK_API.md 5.4), bulk ticket jobs (5.3, 5.6) and job statuses (7).

describe("ticket import", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acct = () => s.current.sim.account("acme")!;

  it("imports a closed ticket with its own timestamps and comments, archived at once on request", async () => {
    const res = await s.current.api("POST", "/api/v2/imports/tickets.json?archive_immediately=true", {
      ticket: {
        subject: "Old case",
        requester_id: 1,
        assignee_id: 2,
        status: "closed",
        tags: ["legacy"],
        external_id: "old-7",
        created_at: "2020-01-01T10:00:00Z",
        updated_at: "2020-01-05T10:00:00Z",
        solved_at: "2020-01-04T10:00:00Z",
        comments: [
          { author_id: 2, value: "Second", created_at: "2020-01-02T10:00:00Z", public: false },
          { author_id: 1, value: "First", created_at: "2020-01-01T10:00:00Z" },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toMatchObject({
      subject: "Old case",
      status: "closed",
      created_at: "2020-01-01T10:00:00Z",
      updated_at: "2020-01-05T10:00:00Z",
      description: "First",
      tags: ["legacy"],
    });
    const ticket = acct().tickets.get(res.body.ticket.id)!;
    expect(ticket.closed_at).toBe(Date.parse("2020-01-04T10:00:00Z"));
    expect(acct().isArchived(ticket)).toBe(true);
    expect(
      acct()
        .comments(ticket)
        .map((c) => [c.body, c.public]),
    ).toEqual([
      ["First", true],
      ["Second", false],
    ]);
    // archived: readable by id, absent from the list
    expect((await s.current.api("GET", `/api/v2/tickets/${ticket.id}`)).status).toBe(200);
    const list = await s.current.api("GET", "/api/v2/tickets.json?external_id=old-7");
    expect(list.body.tickets).toEqual([]);
    // ...but search finds archived tickets, by external_id too (4.1, 5.8)
    const found = await s.current.api("GET", "/api/v2/search.json?query=type%3Aticket+external_id%3Aold-7");
    expect(found.body.results.map((r: { id: number }) => r.id)).toEqual([ticket.id]);
  });

  it("does not archive closed imports without archive_immediately", async () => {
    const res = await s.current.api("POST", "/api/v2/imports/tickets", {
      ticket: { requester_id: 1, status: "closed", comments: [{ value: "x" }] },
    });
    expect(acct().isArchived(acct().tickets.get(res.body.ticket.id)!)).toBe(false);
  });

  it("is for admins only", async () => {
    const res = await s.current.api(
      "POST",
      "/api/v2/imports/tickets",
      { ticket: { requester_id: 1, comments: [{ value: "x" }] } },
      s.current.deleterAuth,
    );
    expect(res.status).toBe(403);
  });

  it("imports up to 100 tickets with create_many, reporting {id, index} per ticket", async () => {
    const res = await s.current.api("POST", "/api/v2/imports/tickets/create_many.json", {
      tickets: [
        { requester_id: 1, subject: "a", comments: [{ value: "a" }] },
        { requester_id: 424242, subject: "bad requester" },
        { requester_id: 1, subject: "c", comments: [{ value: "c" }] },
      ],
    });
    expect(res.status).toBe(200);
    const job = (await s.current.api("GET", `/api/v2/job_statuses/${res.body.job_status.id}`)).body
      .job_status;
    expect(job.status).toBe("completed");
    expect(job.results[0]).toEqual({ id: expect.any(Number), index: 0 });
    expect(job.results[1]).toMatchObject({ index: 1, success: false, status: "Failed" });
    expect(acct().tickets.get(job.results[2].id)!.subject).toBe("c");
    const tooMany = Array.from({ length: 101 }, () => ({ requester_id: 1 }));
    const refused = await s.current.api("POST", "/api/v2/imports/tickets/create_many", { tickets: tooMany });
    expect(refused.status).toBe(422);
  });
});

describe("bulk ticket jobs and job statuses", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acct = () => s.current.sim.account("acme")!;
  const fixture = (fields: Partial<Ticket> = {}): Ticket =>
    addTicket(acct(), { requester_id: 1, subject: "Bulk", ...fields }, [{ body: "hello" }]);
  const job = async (id: string) =>
    (await s.current.api("GET", `/api/v2/job_statuses/${id}.json`)).body.job_status;
  const settings = (body: Record<string, number>) => s.current.inspect("PUT", "/__sim/settings", body);

  it("update_many in bulk applies one change to every id, tags included", async () => {
    const a = fixture({ tags: ["x", "old"] });
    const b = fixture({ tags: ["old"] });
    const res = await s.current.api("PUT", `/api/v2/tickets/update_many.json?ids=${a.id},${b.id}`, {
      ticket: { additional_tags: ["gdpr"], remove_tags: ["old"], priority: "low" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("zendesk-ratelimit-inflight-jobs")).toMatch(/^total=30; remaining=\d+/);
    const done = await job(res.body.job_status.id);
    expect(done.results).toEqual([
      { id: a.id, action: "update", success: true, status: "Updated" },
      { id: b.id, action: "update", success: true, status: "Updated" },
    ]);
    expect(acct().tickets.get(a.id)!.tags).toEqual(["x", "gdpr"]);
    expect(acct().tickets.get(b.id)).toMatchObject({ tags: ["gdpr"], priority: "low" });
  });

  it("lists results in reverse when reverseJobResults is set, so clients must match by id", async () => {
    const a = fixture();
    const b = fixture();
    await s.current.inspect("PUT", "/__sim/settings", { reverseJobResults: true });
    try {
      const res = await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${a.id},${b.id}`, {
        ticket: { priority: "high" },
      });
      const done = await job(res.body.job_status.id);
      expect(done.results.map((r: { id: number }) => r.id)).toEqual([b.id, a.id]);
    } finally {
      await s.current.inspect("PUT", "/__sim/settings", { reverseJobResults: false });
    }
  });

  it("update_many in batch fails closed, missing and conflicting tickets in their own entries", async () => {
    const ok = fixture();
    const closed = fixture({ status: "closed", closed_at: acct().clock.now() });
    const stale = fixture();
    const res = await s.current.api("PUT", "/api/v2/tickets/update_many", {
      tickets: [
        { id: ok.id, subject: "renamed" },
        { id: closed.id, subject: "nope" },
        { id: 999999, subject: "nope" },
        { id: stale.id, subject: "nope", safe_update: true, updated_stamp: "2001-01-01T00:00:00Z" },
      ],
    });
    const done = await job(res.body.job_status.id);
    expect(done.status).toBe("completed");
    expect(done.results[0]).toEqual({ id: ok.id, action: "update", success: true, status: "Updated" });
    expect(done.results[1]).toEqual({
      id: closed.id,
      index: 1,
      success: false,
      status: "Failed",
      error: "RecordInvalid",
      details: "Status: closed prevents ticket update",
    });
    expect(done.results[2]).toMatchObject({ id: 999999, index: 2, success: false, error: "RecordNotFound" });
    expect(done.results[3]).toMatchObject({
      id: stale.id,
      index: 3,
      success: false,
      error: "UpdateConflict",
    });
    expect(acct().tickets.get(ok.id)!.subject).toBe("renamed");
    expect(acct().tickets.get(stale.id)!.subject).toBe("Bulk");
  });

  it("reports queued, then working, then completed as the clock passes", async () => {
    const tickets = [fixture(), fixture(), fixture()];
    await settings({ jobStartDelayMs: 1000, jobMsPerItem: 1000 });
    try {
      const ids = tickets.map((t) => t.id).join(",");
      const res = await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${ids}`, {
        ticket: { priority: "urgent" },
      });
      const id = res.body.job_status.id as string;
      expect(res.body.job_status).toMatchObject({
        id,
        status: "queued",
        total: null,
        progress: null,
        results: null,
      });
      expect(res.body.job_status.url).toBe(`${s.current.url}/api/v2/job_statuses/${id}.json`);
      await s.current.inspect("POST", "/__sim/clock", { advance: "2500ms" });
      const working = await job(id);
      expect(working).toMatchObject({ status: "working", total: 3 });
      expect(working.progress).toBeGreaterThan(0);
      expect(working.progress).toBeLessThan(3);
      await s.current.inspect("POST", "/__sim/clock", { advance: "5s" });
      const completed = await job(id);
      expect(completed).toMatchObject({ status: "completed", progress: 3 });
      expect(completed.message).toMatch(/^Completed at /);
      expect(tickets.every((t) => acct().tickets.get(t.id)!.priority === "urgent")).toBe(true);
    } finally {
      await settings({ jobStartDelayMs: 0, jobMsPerItem: 0 });
    }
  });

  it("fails a queued update when the ticket changes after the job was enqueued", async () => {
    const t = fixture();
    await settings({ jobStartDelayMs: 60_000 });
    try {
      const res = await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${t.id}`, {
        ticket: { subject: "from job" },
      });
      await s.current.inspect("POST", "/__sim/clock", { advance: "1s" });
      await s.current.api("PUT", `/api/v2/tickets/${t.id}`, { ticket: { subject: "from agent" } });
      await s.current.inspect("POST", "/__sim/clock", { advance: "2m" });
      const done = await job(res.body.job_status.id);
      expect(done.results[0]).toMatchObject({ success: false, error: "UpdateConflict" });
      expect(acct().tickets.get(t.id)!.subject).toBe("from agent");
    } finally {
      await settings({ jobStartDelayMs: 0 });
    }
  });

  it("refuses a 31st in-flight job with TooManyJobs", async () => {
    const t = fixture();
    await settings({ jobStartDelayMs: 3_600_000 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${t.id}`, {
          ticket: { priority: "high" },
        });
        expect(res.status).toBe(200);
        ids.push(res.body.job_status.id);
      }
      const refused = await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${t.id}`, {
        ticket: { priority: "high" },
      });
      expect(refused.status).toBe(429);
      expect(refused.body.error).toBe("TooManyJobs");
      expect([...refused.body.current_job_ids].sort()).toEqual([...ids].sort());

      const many = await s.current.api(
        "GET",
        `/api/v2/job_statuses/show_many.json?ids=${ids[0]},${ids[1]},nope`,
      );
      expect(many.body.job_statuses.map((j: { id: string }) => j.id)).toEqual([ids[0], ids[1]]);
      await s.current.inspect("POST", "/__sim/clock", { advance: "61m" });
      const later = await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${t.id}`, {
        ticket: { priority: "low" },
      });
      expect(later.status).toBe(200);
    } finally {
      await settings({ jobStartDelayMs: 0 });
    }
  });

  it("lists job statuses newest first with cursor pagination and 404s unknown ids", async () => {
    const seen: string[] = [];
    let url: string | null = "/api/v2/job_statuses.json?page[size]=7";
    while (url) {
      const res: ApiResponse = await s.current.api("GET", url);
      seen.push(...res.body.job_statuses.map((j: { id: string }) => j.id));
      url = res.body.meta.has_more ? res.body.links.next.slice(s.current.url.length) : null;
    }
    expect(new Set(seen).size).toBe(acct().jobs.size);
    expect(seen.length).toBe(acct().jobs.size);
    const first = acct().jobs.get(seen[0]!)!;
    expect(Math.max(...[...acct().jobs.values()].map((j) => j.created_at))).toBe(first.created_at);
    const missing = await s.current.api("GET", "/api/v2/job_statuses/0123456789abcdef.json");
    expect(missing.status).toBe(404);
  });

  it("creates tickets with tickets/create_many", async () => {
    const res = await s.current.api("POST", "/api/v2/tickets/create_many.json", {
      tickets: [{ subject: "one", comment: { body: "1" } }, { subject: "no comment" }],
    });
    const done = await job(res.body.job_status.id);
    expect(done.results[0]).toEqual({ id: expect.any(Number), index: 0 });
    expect(acct().tickets.get(done.results[0].id)!.subject).toBe("one");
    expect(done.results[1]).toMatchObject({ index: 1, success: false, error: "RecordInvalid" });
  });
});
