import { describe, expect, it } from "vitest";
import { ClosedTicketUpdates } from "../../src/sweep/redact-ticket.js";
import { redactTicket } from "../../src/sweep/ticket.js";
import { useSimulator } from "../support/sim.js";
import {
  attachFile,
  CARD,
  context,
  crashingClient,
  createCustomer,
  createOpenTicket,
  hushClient,
  INGRID_TRACES,
  importClosedTicket,
  simTicket,
  textsOf,
  ticketSpec,
  useHush,
} from "./fixtures.js";

const MARKER = "hush-redacted";

describe("redacting tickets in place", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const hush = useHush(s);
  const run = (id: number, spec = ticketSpec()) => redactTicket(context(hush.client), id, spec);
  const writes = async (): Promise<number> => (await s.current.inspect("GET", "/__sim/requests")).writes;
  const setting = (settings: Record<string, unknown>) =>
    s.current.inspect("PUT", "/__sim/settings", settings);

  it("redacts an open ticket's comments and subject, keeps the rest, and adds the marker", async () => {
    const ingrid = await createCustomer(s.current);
    const id = await createOpenTicket(s.current, ingrid);

    const outcome = await run(id);

    expect(outcome).toMatchObject({ result: "acted", residual: 0, unchangeable: [] });
    expect(outcome.actions).toMatchObject({ RedactComment: 2, UpdateTicket: 1, AddMarkerTag: 1 });
    expect(outcome.findings.paymentCard).toBe(1);
    const after = await simTicket(s.current, id);
    for (const trace of [...INGRID_TRACES, ingrid.email]) expect(textsOf(after)).not.toContain(trace);
    expect(after.ticket.subject).toMatch(/^Double charge for ▇+ ▇+$/);
    expect(after.comments[0]!.body).toContain("order 4711");
    expect(after.comments[2]!.body).toBe("Great, thank you! Best regards");
    expect(after.ticket.status).toBe("open");
    expect(after.ticket.tags).toEqual(expect.arrayContaining(["billing", MARKER]));
  });

  it("redacts a closed ticket's comments and reports the subject and marker Zendesk will not change", async () => {
    const id = await importClosedTicket(s.current, await createCustomer(s.current));

    const outcome = await run(id);

    expect(outcome).toMatchObject({ result: "acted", actions: { RedactComment: 2 } });
    expect(outcome.unchangeable.map((u) => u.field).sort()).toEqual(["markerTag", "subject"]);
    const after = await simTicket(s.current, id);
    expect(after.comments.map((c) => c.body).join("\n")).not.toContain(CARD);
    expect(after.ticket.subject).toContain("Bergström");
    expect(after.ticket.tags).not.toContain(MARKER);
    // The subject is what is left, and it is counted.
    expect(outcome.residual).toBeGreaterThan(0);
  });

  it("changes the subject and adds the marker of a closed ticket where admins may modify closed tickets", async () => {
    await setting({ modifyClosedTickets: true });
    try {
      const id = await importClosedTicket(s.current, await createCustomer(s.current));

      const outcome = await run(id);

      expect(outcome).toMatchObject({ result: "acted", unchangeable: [], residual: 0 });
      expect(outcome.actions).toMatchObject({ RedactComment: 2, UpdateTicket: 1, AddMarkerTag: 1 });
      const after = await simTicket(s.current, id);
      expect(after.ticket.subject).not.toContain("Bergström");
      expect(after.ticket.tags).toContain(MARKER);
    } finally {
      await setting({ modifyClosedTickets: false });
    }
  });

  it("redacts an archived ticket through comment redactions and reports what it cannot change", async () => {
    await setting({ modifyClosedTickets: true });
    try {
      const id = await importClosedTicket(s.current, await createCustomer(s.current), { solvedDaysAgo: 400 });
      expect((await simTicket(s.current, id)).archived).toBe(true);

      const outcome = await run(id);

      // Even with "Modify closed tickets" on, archived tickets refuse every update (5.8).
      expect(outcome).toMatchObject({ result: "acted", actions: { RedactComment: 2 } });
      expect(outcome.unchangeable.map((u) => u.field)).toContain("subject");
      const after = await simTicket(s.current, id);
      expect(after.comments.map((c) => c.body).join("\n")).not.toContain("Bergström");
    } finally {
      await setting({ modifyClosedTickets: false });
    }
  });

  it("removes a closed ticket's attachments through comment redactions", async () => {
    const id = await importClosedTicket(s.current, await createCustomer(s.current));
    attachFile(s.current, id);

    const outcome = await run(id);

    expect(outcome.result).toBe("acted");
    const files = (await simTicket(s.current, id)).comments[0]!.attachments;
    expect(files.map((f) => f.file_name)).toEqual(["redacted.txt"]);
  });

  it("does nothing the second time: no writes, the same ticket", async () => {
    const ingrid = await createCustomer(s.current);
    const open = await createOpenTicket(s.current, ingrid);
    const closed = await importClosedTicket(s.current, ingrid);
    await run(open);
    await run(closed);
    const before = [await simTicket(s.current, open), await simTicket(s.current, closed)];
    await s.current.inspect("DELETE", "/__sim/requests");

    const again = [await run(open), await run(closed)];

    expect(again.map((o) => o.result)).toEqual(["skipped", "skipped"]);
    expect(again[0]).toMatchObject({ reason: "NothingToRedact", actions: {}, residual: 0 });
    expect(again[1]).toMatchObject({ reason: "OnlyUnchangeableLeft", actions: {} });
    expect(await writes()).toBe(1); // the one closed-ticket subject change Zendesk refuses again
    expect([await simTicket(s.current, open), await simTicket(s.current, closed)]).toEqual(before);
  });

  it("plans again from a fresh read when an agent changed the ticket since it was read", async () => {
    const ingrid = await createCustomer(s.current);
    const id = await createOpenTicket(s.current, ingrid);
    const client = crashingClient(s.current);
    let agentChanged = false;
    client.beforeSend = async (request) => {
      if (request !== "PUT /api/v2/tickets/{id}" || agentChanged) return;
      agentChanged = true;
      s.current.sim.clock.advance(2_000);
      await s.current.api("PUT", `/api/v2/tickets/${id}`, {
        ticket: { priority: "high", tags: ["billing", "vip"] },
      });
    };

    await s.current.inspect("DELETE", "/__sim/requests");

    const outcome = await redactTicket(context(client), id, ticketSpec());

    expect(agentChanged).toBe(true);
    const log = await s.current.inspect("GET", "/__sim/requests");
    expect(log.counts).toContainEqual(expect.objectContaining({ route: "/api/v2/tickets/:id", status: 409 }));
    expect(outcome).toMatchObject({ result: "acted", residual: 0 });
    const after = await simTicket(s.current, id);
    expect(after.ticket).toMatchObject({ priority: "high" });
    expect(after.ticket.tags).toEqual(expect.arrayContaining(["vip", MARKER]));
    expect(after.ticket.subject).not.toContain("Bergström");
    await client.close();
  });

  it("finishes on the next run when a comment redaction's answer was lost", async () => {
    const id = await createOpenTicket(s.current, await createCustomer(s.current));
    await s.current.inspect("PUT", "/__sim/faults", {
      lostResponseRate: 1,
      lostResponseRoutes: ["PUT /api/v2/comment_redactions/:comment_id"],
    });
    let first: Awaited<ReturnType<typeof run>>;
    try {
      first = await run(id);
    } finally {
      await s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 0, lostResponseRoutes: [] });
    }
    // The redaction is not repeated blindly: its markup would no longer match (comments.ts).
    expect(first).toMatchObject({ result: "failed", step: "RedactComments", error: { kind: "Unavailable" } });

    const second = await run(id);

    expect(second).toMatchObject({ result: "acted", residual: 0 });
    expect(second.actions.RedactComment).toBe(1);
    expect(textsOf(await simTicket(s.current, id))).not.toContain(CARD);
    expect((await simTicket(s.current, id)).ticket.tags).toContain(MARKER);
  });

  it("stops asking to change closed tickets once Zendesk has refused a few times in one sweep", async () => {
    const ingrid = await createCustomer(s.current);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await importClosedTicket(s.current, ingrid));
    const ctx = { client: hush.client, closedTicketUpdates: new ClosedTicketUpdates(2) };
    await s.current.inspect("DELETE", "/__sim/requests");

    const outcomes = [];
    for (const id of ids) outcomes.push(await redactTicket(ctx, id, ticketSpec()));

    const log = await s.current.inspect("GET", "/__sim/requests");
    const refused = log.counts.filter(
      (c: { method: string; route: string }) => c.method === "PUT" && c.route === "/api/v2/tickets/:id",
    );
    expect(refused).toEqual([expect.objectContaining({ status: 422, count: 2 })]);
    for (const outcome of outcomes) {
      expect(outcome.result).toBe("acted");
      expect(outcome.unchangeable.map((u) => u.field)).toContain("subject");
    }
  });

  it("skips a ticket that does not exist", async () => {
    expect(await run(999_999)).toMatchObject({ result: "skipped", reason: "NotFound", actions: {} });
  });

  it("reports a Zendesk refusal as the ticket's failure, without personal data", async () => {
    const ingrid = await createCustomer(s.current);
    const id = await createOpenTicket(s.current, ingrid);
    const asAgent = hushClient(s.current, { as: "agent" }).client;

    const outcome = await redactTicket(context(asAgent), id, ticketSpec());

    expect(outcome).toMatchObject({
      result: "failed",
      step: "RedactComments",
      error: { kind: "Permission", status: 403, route: "/api/v2/comment_redactions/{id}" },
    });
    const serialized = JSON.stringify(outcome);
    for (const trace of [...INGRID_TRACES, ingrid.email, "Double charge"])
      expect(serialized).not.toContain(trace);
    await asAgent.close();
  });
});
