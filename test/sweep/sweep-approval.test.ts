import { beforeAll, describe, expect, it } from "vitest";
import { runSweep } from "../../src/sweep/run-sweep.js";
import { memorySweepState } from "../../src/sweep/sweep-state.js";
import { useSimulator } from "../support/sim.js";
import { createCustomer, createOpenTicket, simTicket } from "./fixtures.js";
import {
  accountResource,
  memoryAudit,
  type PolicySpecInput,
  policyResource,
  requestLog,
  simConnection,
} from "./sweep-fixtures.js";

// Dry runs and the approval ceiling: both look at Zendesk and change nothing, which the
// simulator's request log proves (it counts every request that is not a GET).

describe("dry runs and approvals", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const ids: number[] = [];
  const spec: PolicySpecInput = { query: "type:ticket status<solved", redact: { masking: "Detected" } };

  beforeAll(async () => {
    const customer = await createCustomer(s.current);
    for (let i = 0; i < 5; i++) ids.push(await createOpenTicket(s.current, customer));
  });

  async function sweep(
    policySpec: PolicySpecInput,
    options: { dryRun?: boolean; approval?: string; generation?: number } = {},
  ) {
    await s.current.inspect("DELETE", "/__sim/requests");
    const conn = simConnection(s.current);
    const state = memorySweepState();
    const audit = memoryAudit();
    const report = await runSweep({
      account: accountResource(s.current),
      policy: policyResource(policySpec, { generation: options.generation ?? 1 }),
      connection: conn,
      state,
      audit,
      ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
      ...(options.approval === undefined ? {} : { approval: options.approval }),
    });
    await conn.close();
    return { report, state, audit, log: await requestLog(s.current) };
  }

  it("previews a DryRun policy with GET requests only", async () => {
    const { report, state, audit, log } = await sweep({ ...spec, mode: "DryRun" });

    expect(log.writes).toBe(0);
    expect(log.counts.every((c) => c.method === "GET")).toBe(true);
    expect(report.summary).toMatchObject({ result: "Previewed", counts: { matched: 5, acted: 0 } });
    expect(report.summary.message).toMatch(/^Dry run, nothing was changed: 5 tickets match/);
    expect(report.preview).toMatchObject({
      count: 5,
      generation: 1,
      id: expect.stringMatching(/^g1-n5-[0-9a-f]{8}$/),
    });
    expect([...(report.preview?.sampleIds ?? [])].sort()).toEqual([...ids].sort());
    // Each sample ticket has comments to redact and a subject to update: more than reading it takes.
    expect(report.preview?.estimatedRequests).toBeGreaterThan(5 * 5);
    expect(report.preview?.estimatedDurationSeconds).toBeGreaterThan(0);
    expect(audit.records).toEqual([]);
    expect(state.checkpoint).toBeUndefined();
  });

  it("previews an Enforce policy when asked for a dry run", async () => {
    const { report, log } = await sweep(spec, { dryRun: true });
    expect(report.summary.result).toBe("Previewed");
    expect(log.writes).toBe(0);
  });

  it("does nothing above the approval ceiling without an approval, and says which preview to approve", async () => {
    const { report, state, log } = await sweep({ ...spec, limits: { approvalAbove: 3 } });

    expect(log.writes).toBe(0);
    expect(report.summary).toMatchObject({ result: "AwaitingApproval", counts: { matched: 5, acted: 0 } });
    expect(report.summary.message).toContain(`approve preview ${report.preview?.id}`);
    expect(report.preview?.count).toBe(5);
    expect(state.checkpoint).toBeUndefined();
  });

  it("refuses approvals that do not fit the sweep: another generation, another query, fewer items", async () => {
    const gated = { ...spec, limits: { approvalAbove: 3 } };
    const { report: asked } = await sweep(gated);
    const approved = asked.preview?.id as string;

    const newerGeneration = await sweep(gated, { approval: approved, generation: 2 });
    expect(newerGeneration.report.summary.result).toBe("AwaitingApproval");
    expect(newerGeneration.report.summary.message).toContain(
      "generation 1 but the policy is at generation 2",
    );

    const otherQuery = await sweep({ ...gated, query: "type:ticket status<closed" }, { approval: approved });
    expect(otherQuery.report.summary.result).toBe("AwaitingApproval");
    expect(otherQuery.report.summary.message).toContain("another policy, query or action");

    const fewer = approved.replace(/-n5-/, "-n4-");
    const forged = await sweep(gated, { approval: fewer });
    expect(forged.report.summary.result).toBe("AwaitingApproval");

    const moreNow = await createOpenTicket(s.current, await createCustomer(s.current));
    ids.push(moreNow);
    const larger = await sweep(gated, { approval: approved });
    expect(larger.report.summary).toMatchObject({ result: "AwaitingApproval", counts: { matched: 6 } });
    expect(larger.report.summary.message).toContain("6 items match now, more than the 5 approved");
    for (const run of [newerGeneration, otherQuery, forged, larger]) expect(run.log.writes).toBe(0);
  });

  it("sweeps once its current preview is approved", async () => {
    const gated = { ...spec, limits: { approvalAbove: 3 } };
    const { report: asked } = await sweep(gated);
    const { report, audit } = await sweep(gated, { approval: asked.preview?.id as string });

    expect(report.summary).toMatchObject({
      result: "Succeeded",
      counts: { matched: ids.length, acted: ids.length },
    });
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await simTicket(s.current, id)).ticket.tags).toContain("hush-redacted");
  });
});
