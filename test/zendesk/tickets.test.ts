import { beforeEach, describe, expect, it, vi } from "vitest";
import { addTicket } from "../../src/simulator/factory.js";
import { ClosedTicketError, ConflictError, NotFoundError } from "../../src/zendesk/errors.js";
import {
  addTicketTags,
  deleteTicket,
  destroyManyTickets,
  findTicketsByExternalId,
  getTicket,
  listTicketComments,
  removeTicketTags,
  setTicketTags,
  showManyTickets,
  updateManyTickets,
  updateTicket,
} from "../../src/zendesk/tickets.js";
import { useSimulator } from "../support/sim.js";
import { collect, recordRequests, simClient } from "./endpoint-support.js";

describe("ticket endpoints", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 150 }] });
  const account = () => s.current.sim.account("acme")!;
  const tickets = () => [...account().tickets.values()];
  const openTicket = () => tickets().find((t) => t.status === "open" || t.status === "new")!;
  const openTickets = (n: number) =>
    tickets()
      .filter((t) => t.status !== "closed")
      .slice(0, n);
  const closedTicket = () => tickets().find((t) => t.status === "closed" && !account().isArchived(t))!;

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  it("reads a ticket, and reports a soft-deleted one as not found", async () => {
    const client = simClient(s.current);
    const { id } = openTicket();
    expect((await getTicket(client, id)).id).toBe(id);
    await deleteTicket(client, id);
    await expect(getTicket(client, id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("shows many tickets in calls of at most 100 ids, leaving out unknown ones", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const ids = tickets().map((t) => t.id);
    expect(ids.length).toBe(150);
    const shown = await showManyTickets(client, [...ids, 99_999, ids[0]!]);
    expect(shown.map((t) => t.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(sent.map((r) => String(r.query?.ids).split(",").length)).toEqual([100, 51]);
  });

  it("finds live tickets by exact external_id without search", async () => {
    const client = simClient(s.current);
    const [a, b] = openTickets(2);
    a!.external_id = "hush-replaces-42";
    b!.external_id = "hush-replaces-420";
    const found = await findTicketsByExternalId(client, "hush-replaces-42");
    expect(found.map((t) => t.id)).toEqual([a!.id]);
  });

  it("updates a ticket and paces it as a change of that ticket", async () => {
    const client = simClient(s.current);
    const acquire = vi.spyOn(client.budget, "acquire");
    const { id } = openTicket();
    const updated = await updateTicket(client, id, { subject: "▇▇▇▇" });
    expect(updated.subject).toBe("▇▇▇▇");
    expect(acquire).toHaveBeenCalledWith(
      [{ bucket: "tickets-update" }, { bucket: "ticket-updates-per-ticket", key: id }],
      undefined,
    );
  });

  it("refuses a safe update planned from an outdated ticket with a ConflictError", async () => {
    const client = simClient(s.current);
    const ticket = await getTicket(client, openTicket().id);
    s.current.sim.clock.advance(5_000);
    await updateTicket(client, ticket.id, { priority: "high" });
    await expect(
      updateTicket(client, ticket.id, { subject: "x" }, { updatedStamp: ticket.updated_at }),
    ).rejects.toBeInstanceOf(ConflictError);
    const fresh = await getTicket(client, ticket.id);
    await expect(
      updateTicket(client, ticket.id, { subject: "x" }, { updatedStamp: fresh.updated_at }),
    ).resolves.toMatchObject({ subject: "x" });
  });

  it("reports an update of a closed ticket as a ClosedTicketError", async () => {
    const client = simClient(s.current);
    await expect(updateTicket(client, closedTicket().id, { subject: "x" })).rejects.toBeInstanceOf(
      ClosedTicketError,
    );
  });

  it("sets, adds and removes tags with the Tags API", async () => {
    const client = simClient(s.current);
    const { id } = openTicket();
    expect(await setTicketTags(client, id, ["a", "b"])).toEqual(["a", "b"]);
    expect((await addTicketTags(client, id, ["hush-redacted"])).sort()).toEqual(["a", "b", "hush-redacted"]);
    expect(await removeTicketTags(client, id, ["a"])).not.toContain("a");
    expect(account().tickets.get(id)!.tags.sort()).toEqual(["b", "hush-redacted"]);
  });

  it("soft-deletes a ticket and tells a second delete apart as notFound", async () => {
    const client = simClient(s.current);
    const { id } = openTicket();
    expect(await deleteTicket(client, id)).toBe("deleted");
    expect(await deleteTicket(client, id)).toBe("notFound");
    expect(account().deletedTickets.has(id)).toBe(true);
  });

  it("updates many tickets in one job and reports each ticket, closed and missing ones included", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { reverseJobResults: true });
    const client = simClient(s.current);
    const [a, b] = openTickets(2);
    const closed = closedTicket();
    const results = await updateManyTickets(client, {
      ids: [a!.id, closed.id, 99_999, b!.id],
      changes: { additional_tags: ["hush-redacted"] },
    });
    expect(results.map((r) => [r.index, r.id, r.ok, r.failure?.kind])).toEqual([
      [0, a!.id, true, undefined],
      [1, closed.id, false, "ClosedTicket"],
      [2, 99_999, false, "NotFound"],
      [3, b!.id, true, undefined],
    ]);
    expect(account().tickets.get(a!.id)!.tags).toContain("hush-redacted");
    expect(account().tickets.get(closed.id)!.tags).not.toContain("hush-redacted");
  });

  it("updates a batch of different changes, one result per ticket", async () => {
    const client = simClient(s.current);
    const [a, b] = openTickets(2);
    const results = await updateManyTickets(client, {
      tickets: [
        { id: a!.id, subject: "first" },
        { id: b!.id, subject: "second" },
      ],
    });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(account().tickets.get(b!.id)!.subject).toBe("second");
  });

  it("splits more than 100 tickets into several jobs and keeps the caller's order", async () => {
    const client = simClient(s.current);
    const ids = tickets()
      .slice(0, 120)
      .map((t) => t.id);
    const sent = recordRequests(client);
    const results = await destroyManyTickets(client, [...ids, 99_999]);
    expect(results.map((r) => r.id)).toEqual([...ids, 99_999]);
    // Zendesk allows 400 deleted tickets a minute (ZENDESK_API.md 2.4): each job is charged per ticket.
    expect(sent.filter((r) => r.route === "/api/v2/tickets/destroy_many").map((r) => r.buckets)).toEqual([
      [{ bucket: "tickets-destroy", cost: 100 }],
      [{ bucket: "tickets-destroy", cost: 21 }],
    ]);
    expect(results.slice(0, -1).every((r) => r.ok)).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: false, failure: { kind: "NotFound" } });
    const jobs = (await s.current.inspect("GET", "/__sim/jobs")).jobs as { job_type: string }[];
    expect(jobs.filter((j) => j.job_type === "bulk_delete")).toHaveLength(2);
  });

  it("lists a ticket's comments over several pages with inline images", async () => {
    const client = simClient(s.current);
    const ticket = addTicket(
      account(),
      { requester_id: 4, status: "open" },
      Array.from({ length: 7 }, (_, i) => ({
        body: `comment ${i}`,
        created_at: Date.parse("2025-01-01T00:00:00Z") + i * 1000,
        attachments:
          i === 3
            ? [
                {
                  id: 9_000,
                  file_name: "image.png",
                  content_type: "image/png",
                  content: null,
                  size: 10,
                  inline: true,
                  deleted: false,
                },
              ]
            : [],
      })),
    );
    const sent = recordRequests(client);
    const comments = await collect(listTicketComments(client, ticket.id, { pageSize: 3 }));
    expect(comments.map((c) => c.body)).toEqual(Array.from({ length: 7 }, (_, i) => `comment ${i}`));
    expect(comments[3]!.attachments.map((a) => [a.id, a.inline])).toEqual([[9_000, true]]);
    expect(sent).toHaveLength(3);
  });
});
