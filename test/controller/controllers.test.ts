import { afterEach, describe, expect, it } from "vitest";
import { ClusterError } from "../../src/controller/cluster.js";
import { sweepStateName } from "../../src/controller/cluster-sweep-state.js";
import { isoSeconds } from "../../src/controller/conditions.js";
import { useSimulator } from "../support/sim.js";
import { countOf, requestLog } from "../sweep/sweep-fixtures.js";
import {
  adminCredentials,
  conditionsOf,
  createAccount,
  createTickets,
  type Harness,
  key,
  policyObject,
  readyOf,
  SIM_RPM,
  startHarness,
  statusOf,
  ticketTags,
} from "./controller-harness.js";

// The operator's controllers as a whole (createControllers), over the in-memory cluster and the
// simulator, with the real sweep engine and the sweep state in ConfigMaps: a policy from creation
// to a finished sweep, a deletion in the middle of one, and a restart that resumes one.

const s = useSimulator({
  accounts: [{ subdomain: "acme", tickets: 0, settings: { requestsPerMinute: SIM_RPM } }],
});
let harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.stop();
  harnesses = [];
  await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 0 });
});
async function ready(): Promise<Harness> {
  const h = await startHarness(s.current);
  harnesses.push(h);
  await createAccount(h, s.current);
  await h.drain();
  return h;
}
let tags = 0;
const newTag = () => `controllers-${++tags}`;
const policyStatus = (h: Harness) => statusOf(h, "RedactionPolicy", "p");
const ticketUpdates = async () => countOf(await requestLog(s.current), "PUT", "/api/v2/tickets/:id");

describe("the operator's controllers", () => {
  it("take a new policy to Ready after its first sweep, and sweep again on its interval", async () => {
    const h = await ready();
    const tag = newTag();
    const ids = await createTickets(s.current, 3, tag);
    await h.cluster.create(
      policyObject("p", { query: `type:ticket tags:${tag}`, schedule: { interval: "1h" } }),
    );
    const last = await h.until("the first sweep ended", () => policyStatus(h)?.lastSweep);

    expect(last).toMatchObject({ result: "Succeeded", counts: { matched: 3, acted: 3, failed: 0 } });
    const status = policyStatus(h);
    expect(conditionsOf(status)).toEqual({ Ready: "True/Succeeded" });
    expect(status.observedGeneration).toBe(1);
    expect(status.totals).toEqual({ sweeps: 1, acted: 3, failed: 0 });
    // An hour after the sweep started, to the second (metav1.Time).
    expect(status.nextSweepTime).toBe(isoSeconds(new Date(Date.parse(last.startTime) + 60 * 60_000)));
    expect(h.cluster.events.map((e) => e.reason)).toEqual([
      "Authenticated",
      "SweepStarted",
      "SweepSucceeded",
    ]);
    expect(h.audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    expect(h.cluster.peek("ConfigMap", key(sweepStateName("p")))).toBeDefined();
    // The sweep and its requests reached the metrics hush run exports too.
    const metrics = await h.ctx.metrics.registry.metrics();
    expect(metrics).toMatch(/hush_sweeps_total\{[^}]*policy="p"[^}]*result="Succeeded"[^}]*\} 1/);
    expect(metrics).toMatch(/hush_zendesk_requests_total\{[^}]*account="acme"/);
    expect(metrics).toMatch(/hush_account_ready\{[^}]*account="acme"[^}]*\} 1/);
    // Reconciled again with nothing new, the policy writes nothing and sweeps nothing.
    const writes = h.cluster.writes.total;
    await h.reconcile("RedactionPolicy", "p");
    await h.drain();
    expect(h.cluster.writes.total).toBe(writes);

    await createTickets(s.current, 1, tag);
    await h.advance(60 * 60_000);
    await h.until("the second sweep ended", () => policyStatus(h).totals.sweeps === 2);
    expect(policyStatus(h).lastSweep.counts).toMatchObject({ matched: 1, acted: 1 });
  });

  it("write a running sweep's progress to the status before it ends", async () => {
    const h = await ready();
    const tag = newTag();
    await createTickets(s.current, 8, tag);
    h.audit.holdAfter(h.audit.records.length + 3);
    await h.cluster.create(
      policyObject("p", { query: `type:ticket tags:${tag}` }, { "hush.dev/requested-at": "1" }),
    );
    await h.until("the sweep waits on its fourth item", () => h.audit.held > 0);
    expect(policyStatus(h).currentSweep).toMatchObject({ matched: 8, processed: 0 });

    // Time passes while items are handled: the next items' progress is written; three more go.
    s.current.sim.clock.advance(6_000);
    h.audit.holdAfter(h.audit.records.length + 3);
    const progress = await h.until("progress reached the status", () => {
      const current = policyStatus(h).currentSweep;
      return current && current.processed >= 3 ? current : undefined;
    });
    expect(progress.processed).toBeLessThan(8);
    expect(policyStatus(h).lastSweep).toBeUndefined();
    expect(conditionsOf(policyStatus(h))).toEqual({
      Ready: "Unknown/Sweeping",
      Reconciling: "True/Sweeping",
    });

    h.audit.open();
    await h.until("the sweep ended", () => policyStatus(h).lastSweep);
    expect(policyStatus(h).lastSweep).toMatchObject({ result: "Succeeded", counts: { acted: 8 } });
  });

  it("cancel a sweep when its policy is deleted, and remove the finalizer and the state only once it stopped", async () => {
    const h = await ready();
    const tag = newTag();
    await createTickets(s.current, 6, tag);
    h.audit.holdAfter(h.audit.records.length + 2);
    await h.cluster.create(
      policyObject("p", { query: `type:ticket tags:${tag}` }, { "hush.dev/requested-at": "1" }),
    );
    await h.until("the sweep is mid-way", () => h.audit.held > 0);
    expect(h.cluster.peek("ConfigMap", key(sweepStateName("p")))).toBeDefined();

    await h.cluster.delete("RedactionPolicy", key("p"));
    await h.drain();
    const deleting = h.cluster.peek("RedactionPolicy", key("p"))!;
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.metadata.finalizers).toEqual(["hush.dev/sweep"]);

    h.audit.open();
    await h.until("the policy is gone", () => !h.cluster.peek("RedactionPolicy", key("p")));
    expect(h.cluster.peek("ConfigMap", key(sweepStateName("p")))).toBeUndefined();
    const cancelled = h.cluster.events.find((e) => e.reason === "SweepCancelled")!;
    expect(cancelled.note).toContain("because the policy is being deleted");
    // The write of the finalizer's removal came after the sweep's last state write.
    const log = h.cluster.writeLog;
    const lastState = log.findLastIndex((w) => w.kind === "ConfigMap" && w.method !== "delete");
    const removed = log.findLastIndex((w) => w.kind === "RedactionPolicy");
    expect(lastState).toBeLessThan(removed);
  });

  it("retry a finalizer patch that meets a newer policy (Conflict) quietly, as no failure", async () => {
    const h = await ready();
    await h.cluster.create(policyObject("p", { schedule: { cron: "0 3 * * *" } }));
    await h.drain();
    // The cached policy is older than the server's (a status write not seen yet): the patch,
    // which carries the cached resourceVersion, is refused.
    h.cluster.failNext(
      "mergePatch",
      new ClusterError(
        "Conflict",
        409,
        "the object has been modified; please apply your changes to the latest version and try again",
      ),
      { kind: "RedactionPolicy" },
    );
    await h.cluster.delete("RedactionPolicy", key("p"));
    await h.drain();
    expect(h.cluster.peek("RedactionPolicy", key("p"))!.metadata.finalizers).toEqual(["hush.dev/sweep"]);
    await h.advance(250);
    expect(h.cluster.peek("RedactionPolicy", key("p"))).toBeUndefined();
    expect(h.reconciled.filter((r) => r.error)).toEqual([]);
    expect(h.logs.filter((line) => line.includes("reconciling the policy failed"))).toEqual([]);
  });

  it("resume an unfinished sweep after a restart (a new leader), with no ticket written twice", async () => {
    const h = await ready();
    const tag = newTag();
    const ids = await createTickets(s.current, 8, tag);
    // From now on search shows changes an hour late: handled tickets keep matching, so only the
    // sweep's journal in its ConfigMap keeps the new leader from handling them again.
    await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 60 * 60_000 });
    const updatesBefore = await ticketUpdates();
    const recordsBefore = h.audit.records.length;
    h.audit.holdAfter(recordsBefore + 3);
    await h.cluster.create(
      policyObject(
        "p",
        { query: `type:ticket tags:${tag}`, schedule: { cron: "0 3 * * *" } },
        { "hush.dev/requested-at": "1" },
      ),
    );
    await h.until("the sweep is mid-way", () => h.audit.held > 0);
    const firstId = policyStatus(h).currentSweep.sweepId;

    // The leader stops (SIGTERM): its sweep is cancelled and checkpoints; a new one takes over.
    const restarting = h.restart();
    h.audit.open();
    await restarting;
    const stopped = policyStatus(h).lastSweep;
    expect(stopped.result).toBe("Cancelled");
    expect(stopped.counts.acted).toBeGreaterThanOrEqual(3);
    expect(stopped.counts.acted).toBeLessThan(8);

    await h.until("the resumed sweep ended", () => policyStatus(h).totals.sweeps === 2);
    const status = policyStatus(h);
    expect(status.lastSweep.result).toBe("Succeeded");
    expect(status.lastSweep.sweepId).toBe(firstId);
    expect(status.totals.acted).toBe(8);
    const handled = h.audit.records.slice(recordsBefore).map((r) => r.item.id);
    expect([...handled].sort()).toEqual([...ids].sort());
    expect(await ticketUpdates()).toBe(updatesBefore + ids.length);
    for (const id of ids) expect(await ticketTags(s.current, id)).toContain("hush-redacted");
  });

  it("resume an unfinished sweep after a restart even when the new leader reconciles the policy before its account", async () => {
    const h = await ready();
    const tag = newTag();
    const ids = await createTickets(s.current, 6, tag);
    await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 60 * 60_000 });
    const recordsBefore = h.audit.records.length;
    h.audit.holdAfter(recordsBefore + 2);
    await h.cluster.create(
      policyObject(
        "p",
        { query: `type:ticket tags:${tag}`, schedule: { cron: "0 3 * * *" } },
        { "hush.dev/requested-at": "1" },
      ),
    );
    await h.until("the sweep is mid-way", () => h.audit.held > 0);
    const firstId = policyStatus(h).currentSweep.sweepId;
    const restarting = h.restart();
    h.audit.open();
    await restarting;
    expect(policyStatus(h).lastSweep.result).toBe("Cancelled");

    // The new leader reconciles the policy first: its account is Ready in the cache, but this
    // process has not connected it yet, so the policy waits; the resume must not be forgotten.
    expect(await h.reconcile("RedactionPolicy", "p")).toEqual({ requeueAfterMs: 5_000 });
    await h.until("the resumed sweep ended", () => policyStatus(h).totals.sweeps === 2);
    const status = policyStatus(h);
    expect(status.lastSweep).toMatchObject({ result: "Succeeded", sweepId: firstId });
    expect(status.totals.acted).toBe(ids.length);
    const handled = h.audit.records.slice(recordsBefore).map((r) => r.item.id);
    expect([...handled].sort()).toEqual([...ids].sort());
  });

  it("never put credentials or Zendesk data in status, Events or logs", async () => {
    const h = await ready();
    const tag = newTag();
    await createTickets(s.current, 2, tag);
    await h.cluster.create(
      policyObject("p", { query: `type:ticket tags:${tag}` }, { "hush.dev/requested-at": "1" }),
    );
    await h.until("the sweep ended", () => policyStatus(h)?.lastSweep);
    expect(readyOf(h, "RedactionPolicy", "p")).toBe("True/Succeeded");

    const { email, token } = adminCredentials(s.current);
    const visible = [
      ...h.cluster.objects("ZendeskAccount").map((o) => JSON.stringify(o)),
      ...h.cluster.objects("RedactionPolicy").map((o) => JSON.stringify(o)),
      ...h.cluster.events.map((e) => JSON.stringify(e)),
      ...h.logs,
    ];
    for (const text of visible) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(email);
      expect(text).not.toMatch(/customer\.\d+@example\.net/);
      expect(text).not.toContain("Refund for order");
    }
  });
});
