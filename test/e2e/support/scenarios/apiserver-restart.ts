import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { expect } from "vitest";
import { condition, openScenario } from "../harness.js";
import { doneOnce, uninterruptedBaseline } from "../once.js";
import { redactEveryTicket } from "../resources.js";
import { afterWrites, notDone, total } from "../zendesk.js";
import type { ScenarioDef } from "./types.js";

// The API server goes away mid-sweep and comes back (same address, same etcd): the operator's
// writes of sweep state and status wait for it and go on, or the operator exits and, restarted as
// Kubernetes would restart it, resumes; either way the sweep completes with nothing done twice.

// Seeded data whose sweep needs no ticket updated more often than Zendesk's per-ticket limit allows
// in ten minutes (a ticket with many comments makes any sweep pace itself for minutes).
const TICKETS = 200;
const SEED = 17;
const RESTART_SEED = Number(process.env["HUSH_E2E_RESTART_SEED"] ?? "8");
const spec = { ...redactEveryTicket("acme", 4), schedule: { interval: "1h" } };

export const apiServerRestartMidSweep: ScenarioDef = {
  title:
    "completes a sweep during which the API server restarts, writing status after the restart, with nothing done twice",
  timeoutMs: 360_000,
  needs: "restartApiServer",
  async run(cluster) {
    const baseline = await uninterruptedBaseline({ tickets: TICKETS, seed: SEED }, spec);
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "restart", tickets: TICKETS, seed: SEED });
    // Lease timings a restart of several seconds does not break; the restart policy covers the
    // other outcome (the leader gave up and exited).
    const operator = await s.startOperator("op-restart", {
      restartOnFailure: true,
      leaderElection: {
        namespace: s.namespace,
        id: "hush-operator",
        leaseDuration: "40s",
        renewDeadline: "30s",
        retryPeriod: "2s",
      },
    });
    await operator.ready();
    await s.createSecret();
    await s.createAccount();
    await s.waitForCondition("ZendeskAccount", s.accountName, "Ready", "True", "Authenticated");

    const restartAfter = uniformInt(
      xoroshiro128plus(RESTART_SEED),
      20,
      Math.floor(total(baseline.writes) / 2),
    );
    const moment = `API server restarted after ${restartAfter} of ${total(baseline.writes)} writes`;
    const reached = afterWrites(s.zendesk.sim, restartAfter);
    await s.createPolicy("through-restart", spec);
    await reached;
    expect(notDone(s.zendesk.account(), baseline.expected).length, moment).toBeGreaterThan(0);
    const sweeping = await s.waitForObject("RedactionPolicy", "through-restart", "to report its sweep", (p) =>
      Boolean(p.status?.currentSweep),
    );
    const sweepId = sweeping.status!.currentSweep.sweepId;
    const restartStarted = Date.now();
    await cluster.restartApiServer!();

    // The sweep goes on, or ends (e.g. Failed: the server refuses requests for a moment after its
    // start, until its authorizer has loaded the RBAC rules) and the retry resumes it: either way
    // the same sweep ends Succeeded.
    const ended: string[] = [];
    const done = await s.waitForObject(
      "RedactionPolicy",
      "through-restart",
      `to finish sweep ${sweepId} after the restart`,
      (p) => {
        const last = p.status?.lastSweep;
        if (last && !ended.includes(`${last.sweepId} ${last.result}`))
          ended.push(`${last.sweepId} ${last.result}`);
        return last?.result === "Succeeded" && p.status?.currentSweep === undefined;
      },
      240_000,
    );
    expect(done.status!.lastSweep.sweepId, `${moment}; sweeps ended: ${ended.join(", ")}`).toBe(sweepId);
    expect(condition(done, "Ready"), moment).toMatchObject({ status: "True", reason: "Succeeded" });
    // Status written after the restart: the sweep's end (second precision) is not before it began.
    expect(Date.parse(done.status!.lastSweep.completionTime), moment).toBeGreaterThanOrEqual(
      Math.floor(restartStarted / 1000) * 1000,
    );
    expect(await doneOnce(s.zendesk, baseline, [operator.auditFile]), moment).toEqual([]);
  },
};
