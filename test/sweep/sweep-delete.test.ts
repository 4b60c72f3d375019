import { describe, expect, it } from "vitest";
import { runSweep } from "../../src/sweep/run-sweep.js";
import { memorySweepState } from "../../src/sweep/sweep-state.js";
import type { ZendeskRequest, ZendeskResponse } from "../../src/zendesk/index.js";
import { type SimHandle, useSimulator } from "../support/sim.js";
import { createCustomer, createOpenTicket, simTicket } from "./fixtures.js";
import {
  accountResource,
  countOf,
  type MemoryAudit,
  memoryAudit,
  type PolicySpecInput,
  policyResource,
  requestLog,
  type SimConnection,
  simConnection,
} from "./sweep-fixtures.js";

// Deleting in bulk (up to 100 records a request, ZENDESK_API.md 5.9, 8.2) and anonymizing users,
// with the records read first so that exempt ones and staff are never touched.

async function sweep(s: { current: SimHandle }, spec: PolicySpecInput, audit: MemoryAudit = memoryAudit()) {
  const conn = simConnection(s.current);
  const report = await runSweep({
    account: accountResource(s.current),
    policy: policyResource(spec),
    connection: conn,
    state: memorySweepState(),
    audit,
  });
  await conn.close();
  return { report, audit, conn };
}

/** Open tickets tagged `tag` (one comment each), created through the API. */
async function taggedTickets(s: { current: SimHandle }, tag: string, n: number, extra: string[] = []) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await s.current.api("POST", "/api/v2/tickets", {
      ticket: {
        subject: `Win a prize ${i}`,
        tags: [tag, ...extra],
        comment: { body: "Click here", public: true },
      },
    });
    expect(res.status).toBe(201);
    ids.push(res.body.ticket.id);
  }
  return ids;
}

describe("deleting tickets", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });

  it("soft-deletes matching tickets 100 at a time and leaves exempt ones alone", async () => {
    const spam = await taggedTickets(s, "spam", 130);
    const [held] = await taggedTickets(s, "spam", 1, ["legal-hold"]);
    await s.current.inspect("DELETE", "/__sim/requests");

    const { report, audit } = await sweep(s, {
      query: "type:ticket tags:spam",
      action: "Delete",
      exemptions: { tags: ["legal-hold"] },
    });

    expect(report.summary).toMatchObject({
      result: "Succeeded",
      counts: { matched: 130, acted: 130, failed: 0 },
    });
    for (const id of spam) expect((await simTicket(s.current, id)).state).toBe("soft_deleted");
    expect((await simTicket(s.current, held!)).state).toBe("live");
    const log = await requestLog(s.current);
    expect(countOf(log, "DELETE", "/api/v2/tickets/destroy_many")).toBe(2);
    expect(countOf(log, "DELETE", "/api/v2/tickets/:id")).toBe(0);
    expect(audit.records).toHaveLength(130);
    expect(audit.records[0]).toMatchObject({
      action: "Delete",
      fieldsChanged: ["record"],
      changes: { DeleteTicket: 1 },
    });
  });

  it("deletes tickets another policy already redacted: the marker does not protect from deletion", async () => {
    const redacted = await taggedTickets(s, "expired", 3, ["hush-redacted"]);

    const { report } = await sweep(s, { query: "type:ticket tags:expired", action: "Delete" });

    expect(report.summary).toMatchObject({ result: "Succeeded", counts: { matched: 3, acted: 3 } });
    for (const id of redacted) expect((await simTicket(s.current, id)).state).toBe("soft_deleted");
  });

  it("deletes permanently: one destroy_many for the soft deletion, one for the permanent one", async () => {
    const junk = await taggedTickets(s, "junk", 5);
    await s.current.inspect("DELETE", "/__sim/requests");

    const { report, audit } = await sweep(s, { query: "type:ticket tags:junk", action: "PermanentlyDelete" });

    expect(report.summary).toMatchObject({ result: "Succeeded", counts: { matched: 5, acted: 5 } });
    for (const id of junk) expect((await simTicket(s.current, id)).state).toBe("scrubbed");
    const log = await requestLog(s.current);
    expect(countOf(log, "DELETE", "/api/v2/tickets/destroy_many")).toBe(1);
    expect(countOf(log, "DELETE", "/api/v2/deleted_tickets/destroy_many")).toBe(1);
    expect(audit.records.map((r) => r.changes)).toEqual(
      junk.map(() => ({ DeleteTicket: 1, PermanentlyDeleteTicket: 1 })),
    );
  });

  it("finishes the permanent deletion of tickets a crashed run had only soft-deleted, though search no longer lists them", async () => {
    const junk = await taggedTickets(s, "rubbish", 4);
    const state = memorySweepState();
    const audit = memoryAudit();
    const spec: PolicySpecInput = { query: "type:ticket tags:rubbish", action: "PermanentlyDelete" };
    const dying = dyingConnection(s, "DELETE /api/v2/tickets/destroy_many");
    await expect(
      runSweep({
        account: accountResource(s.current),
        policy: policyResource(spec),
        connection: dying,
        state,
        audit,
      }),
    ).rejects.toThrow("the process died");
    await dying.close();
    for (const id of junk) expect((await simTicket(s.current, id)).state).toBe("soft_deleted");

    const conn = simConnection(s.current);
    const report = await runSweep({
      account: accountResource(s.current),
      policy: policyResource(spec),
      connection: conn,
      state,
      audit,
    });
    await conn.close();

    expect(report).toMatchObject({
      resumed: true,
      summary: { result: "Succeeded", counts: { matched: 0, acted: 4 } },
    });
    for (const id of junk) expect((await simTicket(s.current, id)).state).toBe("scrubbed");
    expect(audit.records.map((r) => r.changes)).toEqual(junk.map(() => ({ PermanentlyDeleteTicket: 1 })));
  });
});

/** A connection whose client dies (the process ends) right after Zendesk answered `route`. */
function dyingConnection(s: { current: SimHandle }, route: string): SimConnection {
  const conn = simConnection(s.current);
  const request = conn.client.request.bind(conn.client);
  conn.client.request = async <T>(req: ZendeskRequest): Promise<ZendeskResponse<T>> => {
    const response = await request<T>(req);
    if (`${req.method} ${req.route}` === route) throw new Error("the process died");
    return response;
  };
  return conn;
}

interface SimUser {
  user: { name: string; email: string | null; active: boolean; tags: string[]; role: string };
}

describe("deleting and anonymizing users", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const simUser = (id: number): Promise<SimUser> => s.current.inspect("GET", `/__sim/users/${id}`);

  async function users(tag: string, n: number, extra: string[] = []): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const customer = await createCustomer(s.current);
      const res = await s.current.api("PUT", `/api/v2/users/${customer.id}`, {
        user: { tags: [tag, ...extra] },
      });
      expect(res.status).toBe(200);
      ids.push(customer.id);
    }
    return ids;
  }

  it("deletes end users in bulk; one who still requests an open ticket is refused by Zendesk and reported", async () => {
    const gone = await users("dormant", 4);
    const [requester] = await users("dormant", 1);
    await createOpenTicket(s.current, { ...(await createCustomer(s.current)), id: requester! });
    const [held] = await users("dormant", 1, ["legal-hold"]);
    const agent = await s.current.api("POST", "/api/v2/users", {
      user: {
        name: "Staff Member",
        email: "staff.member@acme.example.com",
        role: "agent",
        tags: ["dormant"],
      },
    });
    expect(agent.status).toBe(201);

    const { report } = await sweep(s, {
      target: "users",
      query: "type:user tags:dormant",
      action: "Delete",
      exemptions: { tags: ["legal-hold"] },
    });

    // Staff are not even matched (Hush adds role:end-user); the exempt user matches but stays.
    expect(report.summary).toMatchObject({
      result: "PartiallyFailed",
      counts: { matched: 5, acted: 4, skipped: 0, failed: 1 },
    });
    expect(report.failures).toEqual([{ kind: "Validation", count: 1 }]);
    for (const id of gone) expect((await simUser(id)).user.active).toBe(false);
    for (const id of [requester!, held!, agent.body.user.id])
      expect((await simUser(id)).user.active).toBe(true);
    const log = await requestLog(s.current);
    expect(countOf(log, "DELETE", "/api/v2/users/destroy_many")).toBe(1);
  });

  it("deletes users permanently, leaving Zendesk's skeleton without their addresses", async () => {
    const ids = await users("erase-me", 3);
    const { report, audit } = await sweep(s, {
      target: "users",
      query: "type:user tags:erase-me",
      action: "PermanentlyDelete",
    });
    expect(report.summary).toMatchObject({ result: "Succeeded", counts: { acted: 3, residual: 0 } });
    for (const id of ids)
      expect((await simUser(id)).user).toMatchObject({ name: "Permanently Deleted User", email: null });
    expect(audit.records.map((r) => r.changes)).toEqual(
      ids.map(() => ({ DeleteUser: 1, PermanentlyDeleteUser: 1 })),
    );
  });

  it("anonymizes users once: a second sweep finds none of them", async () => {
    const ids = await users("inactive", 3);
    const before = await Promise.all(ids.map(simUser));
    const first = await sweep(s, { target: "users", query: "type:user tags:inactive", action: "Anonymize" });

    expect(first.report.summary).toMatchObject({
      result: "Succeeded",
      counts: { matched: 3, acted: 3, residual: 0 },
    });
    for (const [i, id] of ids.entries()) {
      const { user } = await simUser(id);
      expect(user.name).not.toBe(before[i]!.user.name);
      expect(user.email).toMatch(/@anonymized\.invalid$/);
      expect(user.tags).toContain("hush-redacted");
    }
    expect(first.audit.records[0]).toMatchObject({ action: "Anonymize" });
    expect(first.audit.records[0]!.fieldsChanged).toEqual(expect.arrayContaining(["identities", "profile"]));
    const evidence = JSON.stringify(first.audit.records);
    for (const { user } of before) {
      expect(evidence).not.toContain(user.name);
      expect(evidence).not.toContain(user.email);
    }

    const second = await sweep(s, { target: "users", query: "type:user tags:inactive", action: "Anonymize" });
    expect(second.report.summary).toMatchObject({ result: "Succeeded", counts: { matched: 0, acted: 0 } });
  });
});
