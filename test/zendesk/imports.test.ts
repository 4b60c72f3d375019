import { beforeEach, describe, expect, it } from "vitest";
import { UnavailableError } from "../../src/zendesk/errors.js";
import { importTicket, importTickets } from "../../src/zendesk/imports.js";
import type { TicketImport } from "../../src/zendesk/types.js";
import { useSimulator } from "../support/sim.js";
import { answered, simClient } from "./endpoint-support.js";

describe("ticket import", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 5 }] });
  const account = () => s.current.sim.account("acme")!;
  const copy = (n: number): TicketImport => ({
    external_id: `hush-replaces-${n}`,
    subject: "▇▇▇▇",
    status: "closed",
    requester_id: 4,
    tags: ["hush-redacted"],
    created_at: "2021-03-01T10:00:00Z",
    updated_at: "2021-03-05T10:00:00Z",
    solved_at: "2021-03-04T10:00:00Z",
    comments: [{ author_id: 4, value: "▇▇▇▇ ▇▇", public: true, created_at: "2021-03-01T10:00:00Z" }],
  });
  const byExternalId = (externalId: string) =>
    [...account().tickets.values()].filter((t) => t.external_id === externalId);

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  it("imports a closed copy with the original's timestamps, archived at once on request", async () => {
    const client = simClient(s.current);
    const ticket = await importTicket(client, copy(1), { archiveImmediately: true });
    expect(ticket).toMatchObject({
      status: "closed",
      created_at: "2021-03-01T10:00:00Z",
      external_id: "hush-replaces-1",
    });
    expect(account().isArchived(account().tickets.get(ticket.id)!)).toBe(true);
  });

  it("never repeats an import whose answer was lost, so no second copy appears", async () => {
    await s.current.inspect("PUT", "/__sim/faults", {
      lostResponseRate: 1,
      lostResponseRoutes: ["POST /api/v2/imports/tickets"],
    });
    const client = simClient(s.current);
    await expect(importTicket(client, copy(2))).rejects.toBeInstanceOf(UnavailableError);
    expect(byExternalId("hush-replaces-2")).toHaveLength(1);
  });

  it("sends a failed import once after a 5xx", async () => {
    await s.current.inspect("PUT", "/__sim/faults", { errorRate: 1 });
    const client = simClient(s.current);
    await expect(importTicket(client, copy(3))).rejects.toBeInstanceOf(UnavailableError);
    expect(await answered(s.current, "POST", "/api/v2/imports/tickets", 503)).toBe(1);
  });

  it("imports many tickets in one job, matching each created id to its position", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { reverseJobResults: true });
    const client = simClient(s.current);
    const invalid = { ...copy(5), requester_id: 987_654 };
    const results = await importTickets(client, [copy(4), invalid, copy(6)]);
    expect(results.map((r) => [r.index, r.ok])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
    expect(results[1]!.failure?.kind).not.toBe("NoResult");
    expect(account().tickets.get(results[0]!.id!)!.external_id).toBe("hush-replaces-4");
    expect(account().tickets.get(results[2]!.id!)!.external_id).toBe("hush-replaces-6");
    expect(byExternalId("hush-replaces-5")).toHaveLength(0);
  });
});
