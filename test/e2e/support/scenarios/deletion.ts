import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import { openScenario } from "../harness.js";
import { paths } from "../kube.js";
import { redactEveryTicket } from "../resources.js";
import { scaled, waitFor } from "../wait.js";
import { afterWrites, setLatency, successfulWrites, total } from "../zendesk.js";
import type { ScenarioDef } from "./types.js";

// Deleting a policy while it sweeps: the finalizer lets the operator cancel the sweep and clean
// up its state before the object goes, and nothing more is written to Zendesk after that.

export const deletionMidSweep: ScenarioDef = {
  title:
    "cancels a policy's running sweep when the policy is deleted, removes its finalizer and sweep state, and writes nothing after",
  timeoutMs: 180_000,
  async run(cluster) {
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "deletion", tickets: 150, seed: 13 });
    setLatency(s.zendesk, 20);
    const operator = await s.startOperator("op-deletion");
    await operator.ready();
    await s.createSecret();
    await s.createAccount();
    await s.waitForCondition("ZendeskAccount", s.accountName, "Ready", "True", "Authenticated");

    const started = afterWrites(s.zendesk.sim, 20);
    await s.createPolicy("doomed", { ...redactEveryTicket(s.accountName, 2), schedule: { interval: "1h" } });
    const policy = await s.waitForObject(
      "RedactionPolicy",
      "doomed",
      "to carry the finalizer hush.dev/sweep",
      (p) => (p.metadata.finalizers ?? []).includes("hush.dev/sweep"),
    );
    await started;
    const state = await waitFor("the sweep-state ConfigMap of the policy", () => s.sweepState("doomed"));
    expect(state.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "RedactionPolicy",
      uid: policy.metadata.uid,
    });

    // Deleted mid-sweep: the object stays (finalizer) until the sweep stopped and its state is gone.
    expect(await s.kube.delete(paths.policy(s.namespace, "doomed"))).toBe(true);
    await waitFor(
      "the policy to be gone",
      async () => ((await s.policy("doomed")) === undefined ? true : undefined),
      {
        timeoutMs: 60_000,
        describe: async () => JSON.stringify((await s.policy("doomed"))?.metadata ?? null),
      },
    );
    const writesAtDeletion = successfulWrites(s.zendesk.sim);
    expect(await s.sweepState("doomed")).toBeUndefined();

    // The sweep was cut short: tickets remain that it never reached.
    const untouched = [...s.zendesk.account().tickets.values()].filter(
      (t) => !t.tags.includes("hush-redacted"),
    );
    expect(untouched.length).toBeGreaterThan(0);

    // Nothing more reaches Zendesk: the request log stands still over an observation window far
    // longer than the simulator's answers take.
    await sleep(scaled(3_000));
    expect(successfulWrites(s.zendesk.sim)).toEqual(writesAtDeletion);
    expect(total(writesAtDeletion)).toBeGreaterThanOrEqual(20);
    const cancelled = (await s.events("doomed")).find((e) => e.reason === "SweepCancelled");
    expect(cancelled?.type).toBe("Normal");
    expect(operator.alive).toBe(true);
  },
};
