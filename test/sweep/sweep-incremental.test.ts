import { beforeAll, describe, expect, it } from "vitest";
import { matchingIds } from "../../src/sweep/matches.js";
import { effectiveQuery } from "../../src/sweep/query.js";
import { runSweep } from "../../src/sweep/run-sweep.js";
import { memorySweepState } from "../../src/sweep/sweep-state.js";
import { useSimulator } from "../support/sim.js";
import {
  accountResource,
  countOf,
  memoryAudit,
  policyResource,
  requestLog,
  simConnection,
} from "./sweep-fixtures.js";

// Very large backlogs are streamed from the incremental export and filtered by Hush's own matcher
// (local-query.ts). It must select exactly what search selects, or a sweep would act on the wrong
// records; these queries compare the two on a seeded account.

const DAY = 86_400_000;

describe("the incremental export with local matching", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 600, seed: 11 }] });
  // The export leaves out the most recent minute (ZENDESK_API.md 9), and the seed's newest
  // changes are seconds old: a sweep would find those next time. Here they are old enough.
  beforeAll(() => s.current.inspect("POST", "/__sim/clock", { advance: "2m" }));

  async function both(target: "tickets" | "users", query: string, exempt: string[] = ["legal-hold"]) {
    const conn = simConnection(s.current);
    const q = effectiveQuery({
      target,
      query,
      markerTag: "hush-redacted",
      exemptions: { tags: exempt },
    });
    const collect = async (incrementalAbove: number) => {
      const stream = matchingIds(conn.client, q, { count: 1, incrementalAbove, now: conn.clock.now() });
      const ids = new Set<number>();
      for await (const id of stream) ids.add(id);
      return { kind: stream.kind, ids };
    };
    const local = await collect(0);
    const searched = await collect(10);
    await conn.close();
    return { local, searched };
  }

  it.each([
    "type:ticket status:closed",
    "status<solved -tags:vip",
    "tags:vip tags:mobile_app",
    'tags:"delivery lang_en"',
    "status>=pending status<=solved tag:lang_en",
    "created>{400d} created<{200d}",
    "updated<{100d}",
    "updated:{20d}",
  ])("selects what search selects: %s", async (template) => {
    const now = s.current.sim.clock.now();
    // Dates as fixed days, so that both sides agree on them whenever they run.
    const query = template.replace(/\{(\d+)d\}/g, (_, days) =>
      new Date(now - Number(days) * DAY).toISOString().slice(0, 10),
    );
    const { local, searched } = await both("tickets", query);
    expect(local.kind).toBe("incremental");
    expect(searched.kind).toBe("searchExport");
    expect(searched.ids.size).toBeGreaterThan(0);
    expect([...local.ids].sort()).toEqual([...searched.ids].sort());
  });

  it("selects the same end users as search", async () => {
    const now = s.current.sim.clock.now();
    const { local, searched } = await both(
      "users",
      `created<${new Date(now - 30 * DAY).toISOString().slice(0, 10)}`,
    );
    expect(local.kind).toBe("incremental");
    expect(searched.ids.size).toBeGreaterThan(0);
    expect([...local.ids].sort()).toEqual([...searched.ids].sort());
  });

  it("leaves queries it does not understand to search export", async () => {
    const conn = simConnection(s.current);
    for (const query of [
      "status:closed refund",
      "requester:someone@example.com",
      "tags:vip*",
      "priority:high",
    ]) {
      const q = effectiveQuery({
        target: "tickets",
        query,
        markerTag: "hush-redacted",
        exemptions: { tags: [] },
      });
      expect(matchingIds(conn.client, q, { count: 1, incrementalAbove: 0, now: 0 }).kind).toBe(
        "searchExport",
      );
    }
    await conn.close();
  });

  it("sweeps a backlog through the incremental export without searching for the matches", async () => {
    const vip = [...s.current.sim.account("acme")!.tickets.values()].filter((t) => t.tags.includes("vip"));
    expect(vip.length).toBeGreaterThan(0);
    await s.current.inspect("DELETE", "/__sim/requests");
    const conn = simConnection(s.current);

    const report = await runSweep({
      account: accountResource(s.current),
      policy: policyResource({ query: "tags:vip", action: "Delete" }),
      connection: conn,
      state: memorySweepState(),
      audit: memoryAudit(),
      incrementalAbove: 0,
    });
    await conn.close();

    expect(report.summary).toMatchObject({
      result: "Succeeded",
      counts: { matched: vip.length, acted: vip.length },
    });
    const log = await requestLog(s.current);
    expect(countOf(log, "GET", "/api/v2/incremental/tickets/cursor")).toBeGreaterThan(0);
    expect(countOf(log, "GET", "/api/v2/search/export")).toBe(0);
    for (const ticket of vip) expect(s.current.sim.account("acme")!.tickets.has(ticket.id)).toBe(false);
  });

  it("leaves out an exemption tag the query language needs quoted, as search does", async () => {
    const open = [...s.current.sim.account("acme")!.tickets.values()].filter((t) => t.status === "open");
    const held = open.slice(0, 3).map((t) => t.id);
    for (const id of held) {
      const res = await s.current.api("PUT", `/api/v2/tickets/${id}/tags`, { tags: ["hold(2024)"] });
      expect(res.status).toBe(200);
    }
    await s.current.inspect("POST", "/__sim/clock", { advance: "2m" });

    const { local, searched } = await both("tickets", "status:open", ["hold(2024)"]);
    expect(local.kind).toBe("incremental");
    expect(searched.ids.size).toBe(open.length - held.length);
    expect([...local.ids].sort()).toEqual([...searched.ids].sort());
  });

  it("ends as Failed, naming the route, when Zendesk's export cannot be paged through", async () => {
    const conn = simConnection(s.current);
    const request = conn.client.request.bind(conn.client);
    // The export answers with the cursor it was given, for ever.
    conn.client.request = (async (req) => {
      if (req.route !== "/api/v2/incremental/tickets/cursor") return request(req);
      return { status: 200, headers: {}, body: { tickets: [], after_cursor: "same", end_of_stream: false } };
    }) as typeof conn.client.request;
    const state = memorySweepState();
    const report = await runSweep({
      account: accountResource(s.current),
      policy: policyResource({ query: "status:open", action: "Delete" }),
      connection: conn,
      state,
      audit: memoryAudit(),
      incrementalAbove: 0,
    });
    await conn.close();
    expect(report.summary.result).toBe("Failed");
    expect(report.summary.message).toContain("/api/v2/incremental/tickets/cursor");
    expect(state.checkpoint).toBeDefined();
  });
});
