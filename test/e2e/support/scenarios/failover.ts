import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { expect } from "vitest";
import { SEARCH_SETTLE_MS } from "../../../../src/sweep/replace-journal.js";
import { clockAheadNodeArgs } from "../clock-ahead.js";
import { condition, type HushObject, openScenario, type Scenario } from "../harness.js";
import { auditRecords, type Baseline, doneOnce, uninterruptedBaseline } from "../once.js";
import type { OperatorProcess } from "../operator.js";
import { redactEveryTicket } from "../resources.js";
import { waitFor } from "../wait.js";
import { afterWrites, notDone, total } from "../zendesk.js";
import type { ScenarioDef } from "./types.js";

// Two replicas with leader election; the leader dies (SIGKILL: no shutdown, no Lease release) at a
// moment chosen by the simulator, right after one of its writes; the standby takes the Lease once
// it expires, resumes the unfinished sweep from its state in the cluster, and finishes it. Then
// every ticket is done exactly once, as issue 4's kill test measures it.

const TICKETS = 240;
const SEED = 17;
/** The kill moment's randomness; set HUSH_E2E_KILL_SEED to replay or explore other moments. */
const KILL_SEED = Number(process.env["HUSH_E2E_KILL_SEED"] ?? "20261124");

const spec = { ...redactEveryTicket("acme", 4), schedule: { interval: "1h" } };

export const leaderKilledMidSweep: ScenarioDef = {
  title:
    "with two replicas, finishes the sweep of a leader killed mid-sweep on the other one: every ticket done, none twice",
  timeoutMs: 360_000,
  async run(cluster) {
    const baseline = await uninterruptedBaseline({ tickets: TICKETS, seed: SEED }, spec);
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "failover", tickets: TICKETS, seed: SEED });
    const a = await s.startOperator("op-a");
    await a.ready();
    await waitFor("op-a to hold the Lease", async () =>
      (await s.leaseHolder()) === "op-a" ? true : undefined,
    );
    const b = await s.startOperator("op-b");
    await b.ready();
    expect(await s.leaseHolder()).toBe("op-a");
    await s.createSecret();
    await s.createAccount();
    await s.waitForCondition("ZendeskAccount", s.accountName, "Ready", "True", "Authenticated");

    // The moment: right after a random one of the first 80% of the writes one sweep needs.
    const killAfter = uniformInt(xoroshiro128plus(KILL_SEED), 30, Math.floor(total(baseline.writes) * 0.8));
    const moment = `killed after ${killAfter} of ${total(baseline.writes)} writes (HUSH_E2E_KILL_SEED=${KILL_SEED})`;
    const killed = afterWrites(s.zendesk.sim, killAfter, () => process.kill(a.pid!, "SIGKILL"));
    await s.createPolicy("failover", spec);
    await killed;
    const exit = await a.nextExit();
    expect(exit.signal, moment).toBe("SIGKILL");
    expect(notDone(s.zendesk.account(), baseline.expected).length, `${moment}: work left`).toBeGreaterThan(0);

    await waitFor(
      "op-b to take over the Lease",
      async () => ((await s.leaseHolder()) === "op-b" ? true : undefined),
      {
        timeoutMs: 60_000,
      },
    );
    let finished = await sweepEnded(s, "on op-b");
    expect(b.exits, `${moment}: op-b kept running`).toEqual([]);
    const operators: OperatorProcess[] = [a, b];
    if (finished.status!.lastSweep.result !== "Succeeded")
      finished = await finishCopiesNotYetFindable(s, baseline, finished, b, operators, moment);

    expect(finished.status!.lastSweep.result, moment).toBe("Succeeded");
    expect(condition(finished, "Ready"), moment).toMatchObject({ status: "True", reason: "Succeeded" });
    // op-b resumed op-a's sweep, not a new one: the same sweep id in both replicas' audit records.
    const resumedIds = new Set(
      [...(await auditRecords(a.auditFile)), ...(await auditRecords(b.auditFile))].map((r) => r.sweepId),
    );
    expect([...resumedIds], moment).toHaveLength(1);
    expect(
      await doneOnce(
        s.zendesk,
        baseline,
        operators.map((op) => op.auditFile),
        { separateAuditStreams: true },
      ),
      moment,
    ).toEqual([]);
  },
};

/** Waits for the policy's sweep to end (lastSweep set, no currentSweep). */
function sweepEnded(s: Scenario, where: string, after?: string): Promise<HushObject> {
  return s.waitForObject(
    "RedactionPolicy",
    "failover",
    `to end its sweep ${where}`,
    (p) =>
      p.status?.lastSweep !== undefined &&
      p.status.currentSweep === undefined &&
      (after === undefined || p.status.lastSweep.sweepId !== after),
    180_000,
  );
}

/**
 * A Replace import the kill caught on its way (journalled, never sent) is not sent again until
 * search can be trusted to show its copy (SEARCH_SETTLE_MS): those originals fail for now, as
 * CopyNotYetFindable, and only they may. A replica started with its clock past that time
 * finishes them in the next sweep.
 */
async function finishCopiesNotYetFindable(
  s: Scenario,
  baseline: Baseline,
  ended: HushObject,
  b: OperatorProcess,
  operators: OperatorProcess[],
  moment: string,
): Promise<HushObject> {
  const last = ended.status!.lastSweep;
  expect(last.result, `${moment}: ${last.message}`).toBe("PartiallyFailed");
  const left = notDone(s.zendesk.account(), baseline.expected);
  // What a caught import leaves: the original untouched and no copy of it.
  const originals = new Set(baseline.expected.replaced.map((id) => `original ${id}`));
  const unexpected = left.filter((p) => {
    const [, what] = /^(original \d+) (is still there|has 0 copies)$/.exec(p) ?? [];
    return !what || !originals.has(what);
  });
  expect(unexpected, `${moment}: only originals whose import was caught may be left`).toEqual([]);
  expect(last.counts.failed, moment).toBe(left.length / 2);
  expect(last.message, moment).toMatch(/CopyNotYetFindable \d+\)/);

  await b.stop();
  const c = await s.startOperator("op-c-later", { nodeArgs: clockAheadNodeArgs(SEARCH_SETTLE_MS + 60_000) });
  operators.push(c);
  await c.ready();
  await waitFor("op-c-later to take the Lease", async () =>
    (await s.leaseHolder()) === "op-c-later" ? true : undefined,
  );
  await s.annotatePolicy("failover", { "hush.dev/requested-at": "after-search-settled" });
  return sweepEnded(s, "on op-c-later after search settled", last.sweepId);
}
