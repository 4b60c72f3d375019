import { describe, expect, it } from "vitest";
import type { SweepObserver } from "../../src/sweep/evidence.js";
import { runSweep, type SweepReport } from "../../src/sweep/run-sweep.js";
import { memorySweepState } from "../../src/sweep/sweep-state.js";
import { useSimulator } from "../support/sim.js";
import { createCustomer, createOpenTicket } from "./fixtures.js";
import {
  accountResource,
  memoryAudit,
  type PolicySpecInput,
  policyResource,
  simConnection,
} from "./sweep-fixtures.js";

// An erasure request names the person in the policy's query (requester:<email>). The query is
// personal data: it goes to Zendesk and nowhere else, whichever way the sweep ends.

describe("an erasure request for one person's email", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });

  it("keeps the email out of reports, previews, audit records, progress, observer events and failures", async () => {
    const jane = await createCustomer(s.current);
    const other = await createCustomer(s.current);
    const hers = [await createOpenTicket(s.current, jane), await createOpenTicket(s.current, jane)];
    await createOpenTicket(s.current, other);
    const audit = memoryAudit();
    const told: unknown[] = [];
    const observer: SweepObserver = {
      sweepStarted: (sweep, matched) => told.push({ sweep, matched }),
      itemDone: (sweep, outcome) => told.push({ sweep, outcome }),
      sweepEnded: (sweep, summary) => told.push({ sweep, summary }),
    };
    const sweep = async (spec: PolicySpecInput, approval?: string): Promise<SweepReport> => {
      const connection = simConnection(s.current);
      try {
        return await runSweep({
          account: accountResource(s.current),
          policy: policyResource(spec, { name: "erasure-jane" }),
          connection,
          state: memorySweepState(),
          audit,
          observer,
          onProgress: (progress) => told.push(progress),
          ...(approval ? { approval } : {}),
        });
      } finally {
        await connection.close();
      }
    };
    const query = `type:ticket requester:${jane.email}`;
    const gated: PolicySpecInput = { query, limits: { approvalAbove: 1 } };

    const reports: SweepReport[] = [];
    reports.push(await sweep({ query, mode: "DryRun" }));
    const waiting = await sweep(gated);
    reports.push(waiting, await sweep(gated, "g1-n99-0badf00d"));
    const done = await sweep(gated, waiting.preview?.id);
    reports.push(done);
    // Ways to fail: a query whose type disagrees, one Hush cannot extend, one Zendesk refuses.
    reports.push(await sweep({ query: `type:"${jane.email}"` }));
    reports.push(await sweep({ query: `requester:"${jane.email}` }));
    reports.push(await sweep({ query: `${query} (${jane.email})` }));

    expect(reports.map((r) => r.summary.result)).toEqual([
      "Previewed",
      "AwaitingApproval",
      "AwaitingApproval",
      "Succeeded",
      "Failed",
      "Failed",
      "Failed",
    ]);
    expect(done.summary.counts).toMatchObject({ matched: 2, acted: 2 });
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...hers].sort());

    const everything = JSON.stringify({ reports, records: audit.records, told });
    const [local, domain] = jane.email.split("@") as [string, string];
    for (const trace of [jane.email, local, domain, "requester"]) expect(everything).not.toContain(trace);
  });
});
