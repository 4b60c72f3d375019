import { beforeEach, describe, expect, it } from "vitest";
import { incrementalTickets, incrementalUsers } from "../../src/zendesk/incremental.js";
import { updateTicket } from "../../src/zendesk/tickets.js";
import { useSimulator } from "../support/sim.js";
import { collect, recordRequests, simClient } from "./endpoint-support.js";

describe("incremental exports", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 250 }] });
  const account = () => s.current.sim.account("acme")!;

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  it("reads every ticket page by page until the end of the stream", async () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    const exported = incrementalTickets(client, { from: { startTime: 0 }, perPage: 100 });
    expect(exported.afterCursor).toBeUndefined();
    const tickets = await collect(exported);
    expect(tickets.map((t) => t.id).sort((a, b) => a - b)).toEqual(
      [...account().tickets.keys()].sort((a, b) => a - b),
    );
    expect(exported.endOfStream).toBe(true);
    expect(exported.afterCursor).toEqual(expect.any(String));
    expect(sent).toHaveLength(3);
    expect(sent[0]!.query).toMatchObject({ start_time: 0, per_page: 100 });
    expect(sent[1]!.query).toMatchObject({ cursor: expect.any(String) });
    expect(sent.every((r) => r.buckets?.[0]?.bucket === "incremental-exports")).toBe(true);
  });

  it("refuses a page size below 1 before sending anything", () => {
    const client = simClient(s.current);
    const sent = recordRequests(client);
    expect(() => incrementalTickets(client, { from: { startTime: 0 }, perPage: 0 })).toThrow(RangeError);
    expect(() => incrementalUsers(client, { from: { startTime: 0 }, perPage: -10 })).toThrow(RangeError);
    expect(sent).toEqual([]);
  });

  it("resumes from a persisted cursor with only what changed since", async () => {
    const client = simClient(s.current);
    const first = incrementalTickets(client, { from: { startTime: 0 } });
    await collect(first);
    const changed = [...account().tickets.values()].find((t) => t.status === "open")!;
    await updateTicket(client, changed.id, { priority: "urgent" });
    // The last minute is never exported (ZENDESK_API.md 9).
    s.current.sim.clock.advance(2 * 60_000);
    const next = incrementalTickets(client, { from: { cursor: first.afterCursor! } });
    expect((await collect(next)).map((t) => [t.id, t.priority])).toEqual([[changed.id, "urgent"]]);
    expect(next.afterCursor).not.toBe(first.afterCursor);
  });

  it("exposes only the cursor of a page whose tickets have all been yielded", async () => {
    const client = simClient(s.current);
    const exported = incrementalTickets(client, { from: { startTime: 0 }, perPage: 100 });
    let seen = 0;
    for await (const _ of exported) {
      seen += 1;
      if (seen === 150) break;
    }
    const cursor = exported.afterCursor!;
    expect(cursor).toEqual(expect.any(String));
    // Resuming from it repeats the unfinished second page instead of skipping its rest.
    const rest = await collect(incrementalTickets(client, { from: { cursor } }));
    expect(rest).toHaveLength(account().tickets.size - 100);
  });

  it("leaves deleted tickets out on request", async () => {
    const client = simClient(s.current);
    const [gone] = account().tickets.keys();
    await s.current.api("DELETE", `/api/v2/tickets/${gone}`);
    s.current.sim.clock.advance(2 * 60_000);
    const withDeleted = await collect(incrementalTickets(client, { from: { startTime: 0 } }));
    expect(withDeleted.find((t) => t.id === gone)?.status).toBe("deleted");
    const without = await collect(
      incrementalTickets(client, { from: { startTime: 0 }, excludeDeleted: true }),
    );
    expect(without.some((t) => t.id === gone)).toBe(false);
  });

  it("reads every user until the end of the stream", async () => {
    const client = simClient(s.current);
    const exported = incrementalUsers(client, { from: { startTime: 0 }, perPage: 100 });
    const users = await collect(exported);
    expect(users.map((u) => u.id).sort((a, b) => a - b)).toEqual(
      [...account().users.keys()].sort((a, b) => a - b),
    );
    expect(exported.endOfStream).toBe(true);
  });
});
