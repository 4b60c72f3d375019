import { describe, expect, it } from "vitest";
import type { CurrentSweep } from "../../src/api/redaction-policy.js";
import type { SweepIdentity } from "../../src/sweep/evidence.js";
import type { ItemOutcome } from "../../src/sweep/outcome.js";
import { runSweep } from "../../src/sweep/run-sweep.js";
import { memorySweepState } from "../../src/sweep/sweep-state.js";
import { useSimulator } from "../support/sim.js";
import { createCustomer, createOpenTicket, simTicket } from "./fixtures.js";
import {
  accountResource,
  countOf,
  memoryAudit,
  policyResource,
  requestLog,
  simConnection,
} from "./sweep-fixtures.js";

// A GDPR retention policy on a seeded account: every closed ticket is replaced by a redacted copy.
// More tickets match than search serves (1,000), so they come through search export.

describe("a redaction sweep over more matches than search serves", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 1500, seed: 3 }] });
  const retention = policyResource({
    query: "type:ticket status:closed",
    redact: { closedTickets: "Replace", permanentlyDeleteOriginals: true },
  });

  it("replaces every closed ticket once, with one audit record each, and a second sweep acts on nothing", async () => {
    const account = s.current.sim.account("acme")!;
    const closed = [...account.tickets.values()].filter((t) => t.status === "closed");
    expect(closed.length).toBeGreaterThan(1000);
    const personal = personalDataOf(account, closed);
    const conn = simConnection(s.current);
    const audit = memoryAudit();
    const state = memorySweepState();
    const progress: CurrentSweep[] = [];
    const events = { started: 0, items: 0, ended: 0 };

    const report = await runSweep({
      account: accountResource(s.current),
      policy: retention,
      connection: conn,
      state,
      audit,
      onProgress: (p) => progress.push(p),
      observer: {
        sweepStarted: (_sweep: SweepIdentity, matched) => {
          events.started += 1;
          expect(matched).toBe(closed.length);
        },
        itemDone: (_sweep: SweepIdentity, _outcome: ItemOutcome) => {
          events.items += 1;
        },
        sweepEnded: () => {
          events.ended += 1;
        },
      },
    });

    expect(report.summary).toMatchObject({
      result: "Succeeded",
      counts: { matched: closed.length, acted: closed.length, skipped: 0, failed: 0, residual: 0 },
    });
    expect(report.resumed).toBe(false);
    expect(events).toEqual({ started: 1, items: closed.length, ended: 1 });
    // Verified by reading them back: each original is gone for good and exactly one copy stands for it.
    for (const original of closed) {
      expect((await simTicket(s.current, original.id)).state).toBe("scrubbed");
      const copies = [...account.tickets.values()].filter(
        (t) => t.external_id === `hush-replaces-${original.id}`,
      );
      expect(copies).toHaveLength(1);
      expect(copies[0]!.tags).toContain("hush-redacted");
    }
    const log = await requestLog(s.current);
    expect(countOf(log, "POST", "/api/v2/imports/tickets")).toBe(closed.length);
    expect(countOf(log, "GET", "/api/v2/search/export")).toBe(2);
    expect(log.counts.filter((c) => c.status === 429)).toEqual([]);

    // Evidence: one record per original, carrying ids and counts only.
    expect(audit.records).toHaveLength(closed.length);
    expect(new Set(audit.records.map((r) => r.item.id))).toEqual(new Set(closed.map((t) => t.id)));
    expect(audit.records[0]).toMatchObject({
      sweepId: report.identity.sweepId,
      account: "privacy/acme",
      policy: "privacy/retention",
      generation: 1,
      action: "Replace",
      fieldsChanged: ["replace"],
      residual: 0,
    });
    const evidence = JSON.stringify(audit.records);
    for (const text of personal) expect(evidence).not.toContain(text);

    // Progress about once a simulated second, ending with the final figures.
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toMatchObject({ processed: closed.length, acted: closed.length, failed: 0 });
    const processed = progress.map((p) => p.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(progress.some((p) => p.estimatedCompletionTime !== undefined)).toBe(true);

    const again = await runSweep({
      account: accountResource(s.current),
      policy: retention,
      connection: conn,
      state,
      audit,
    });
    expect(again.summary).toMatchObject({ result: "Succeeded", counts: { matched: 0, acted: 0 } });
    expect(audit.records).toHaveLength(closed.length);
    await conn.close();
  });
});

describe("exemptions", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });

  it("never touches a ticket tagged legal-hold, even when search still shows it untagged", async () => {
    const customer = await createCustomer(s.current);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await createOpenTicket(s.current, customer));
    const held = ids[1]!;
    // The tag arrives while search lags behind: a query excluding it still matches the ticket.
    await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 5 * 60_000 });
    const tagged = await s.current.api("PUT", `/api/v2/tickets/${held}/tags`, { tags: ["legal-hold"] });
    expect(tagged.status).toBe(200);
    const before = await simTicket(s.current, held);
    const conn = simConnection(s.current);
    const audit = memoryAudit();

    const report = await runSweep({
      account: accountResource(s.current),
      policy: policyResource({
        query: "type:ticket status<solved",
        exemptions: { tags: ["legal-hold"] },
        redact: { masking: "Detected" },
      }),
      connection: conn,
      state: memorySweepState(),
      audit,
    });

    expect(report.summary.counts).toMatchObject({ matched: 4, acted: 3, skipped: 1, failed: 0 });
    expect(audit.records.map((r) => r.item.id).sort()).toEqual(ids.filter((id) => id !== held).sort());
    // Read, and left alone: not one request that could change it.
    expect(conn.client.requestsFor("tickets", held)).toEqual([`GET /api/v2/tickets/${held}`]);
    expect(await simTicket(s.current, held)).toEqual(before);
    await conn.close();
  });
});

/** Whole names and emails of the account's people, and the closed tickets' subjects. */
function personalDataOf(
  account: NonNullable<ReturnType<ReturnType<typeof useSimulator>["current"]["sim"]["account"]>>,
  tickets: readonly { subject: string | null }[],
): string[] {
  const texts = new Set<string>();
  for (const user of account.users.values()) {
    if (user.name.includes(" ")) texts.add(user.name);
    if (user.email) texts.add(user.email);
  }
  for (const ticket of tickets) if (ticket.subject && ticket.subject.length > 8) texts.add(ticket.subject);
  return [...texts];
}
