import { expect } from "vitest";
import { CRD_NAMES } from "../crds.js";
import { condition, type HushObject, openScenario } from "../harness.js";
import { paths } from "../kube.js";
import { parseTable } from "../kubectl-table.js";
import { redactEveryTicket } from "../resources.js";
import { waitFor } from "../wait.js";
import { afterWrites, leaked, personalData, setLatency, successfulWrites, total } from "../zendesk.js";
import type { ScenarioDef } from "./types.js";

// The happy path: the CRDs install, a Secret, account and policy become Ready, kubectl shows the
// policy's columns, and a scheduled sweep reports its progress while it runs and its result after.

export const becomesReady: ScenarioDef = {
  title:
    "installs the CRDs; a Secret, account and policy become Ready, and kubectl get shows the policy's columns",
  timeoutMs: 180_000,
  async run(cluster) {
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "ready", tickets: 30 });
    for (const name of CRD_NAMES) {
      const crd = await s.kube.get(paths.crd(name));
      expect(crd?.status?.conditions?.find((c: any) => c.type === "Established")?.status, name).toBe("True");
    }
    const operator = await s.startOperator("op-ready");
    await operator.ready();

    await s.createSecret();
    await s.createAccount();
    const account = await s.waitForCondition(
      "ZendeskAccount",
      s.accountName,
      "Ready",
      "True",
      "Authenticated",
    );
    // The limit in force: the spec's requests a minute, Hush's share of it.
    expect(account.status?.rateLimit).toMatchObject({ requestsPerMinute: 100_000, source: "Configured" });

    await s.createPolicy("open-tickets", {
      accountRef: { name: s.accountName },
      query: "type:ticket status<solved",
      mode: "Enforce",
      schedule: { interval: "1h" },
    });
    const policy = await s.waitForCondition("RedactionPolicy", "open-tickets", "Ready", "True", "Succeeded");
    const last = policy.status!.lastSweep;
    expect(last.result).toBe("Succeeded");
    // One sweep, and the next an hour after its start (spec.schedule.interval).
    expect(policy.status!.totals).toMatchObject({ sweeps: 1 });
    // (nextSweepTime has second precision, startTime milliseconds)
    const untilNext = Date.parse(policy.status!.nextSweepTime!) - Date.parse(last.startTime);
    expect(untilNext).toBeGreaterThan(3_599_000);
    expect(untilNext).toBeLessThanOrEqual(3_600_000);
    expect(last.counts.acted).toBeGreaterThan(0);
    expect(last.counts.failed).toBe(0);
    expect(condition(policy, "Reconciling")).toBeUndefined();
    expect(condition(policy, "Stalled")).toBeUndefined();

    // kubectl get redactionpolicies, in one namespace and in all of them: the columns a person
    // reads first (account, mode, last sweep, acted, ready) with this policy's values.
    for (const args of [
      ["get", "redactionpolicies", "-n", s.namespace],
      ["get", "redactionpolicies", "-A"],
    ]) {
      const got = await cluster.kubectl(args);
      expect(got.stderr).toBe("");
      const table = parseTable(got.stdout);
      const row = table.rows.find(
        (r) => r["NAME"] === "open-tickets" && (r["NAMESPACE"] ?? s.namespace) === s.namespace,
      );
      expect(row, got.stdout).toBeDefined();
      expect(row).toMatchObject({
        ACCOUNT: s.accountName,
        MODE: "Enforce",
        READY: "True",
        ACTED: String(last.counts.acted),
      });
      expect(table.headers).toEqual(
        expect.arrayContaining(["ACCOUNT", "MODE", "LAST SWEEP", "ACTED", "READY"]),
      );
      // A date column: the time since the last sweep ended, e.g. 3s.
      expect(row!["LAST SWEEP"]).toMatch(/^\d+[smhd]/);
    }
    // The operator's own view: alive, leading, and its reconciles counted.
    expect((await operator.http("/healthz")).status).toBe(200);
    const metrics = (await operator.http("/metrics")).text;
    expect(metrics).toMatch(/^hush_controller_leader(\{[^}]*\})? 1$/m);
    expect(metrics).toMatch(
      /^hush_controller_reconciles_total\{[^}]*controller="RedactionPolicy"[^}]*result="success"[^}]*\} [1-9]/m,
    );

    const accounts = parseTable(
      (await cluster.kubectl(["get", "zendeskaccounts", "-n", s.namespace])).stdout,
    );
    expect(accounts.rows).toEqual([expect.objectContaining({ NAME: s.accountName, READY: "True" })]);
  },
};

export const scheduledSweepProgress: ScenarioDef = {
  title:
    "runs a scheduled sweep, showing its progress in status while it runs and its result after, with Events and no personal data anywhere",
  timeoutMs: 240_000,
  async run(cluster) {
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "progress", tickets: 60, seed: 11 });
    const operator = await s.startOperator("op-progress");
    await operator.ready();
    await s.createSecret();
    await s.createAccount();
    await s.waitForCondition("ZendeskAccount", s.accountName, "Ready", "True", "Authenticated");

    // Part-way through, Zendesk turns slow (every answer waits a second) until the test has seen
    // the progress, so that the sweep outlasts the operator's progress interval (status written
    // every 5 s while sweeping) on any machine.
    const slowed = afterWrites(s.zendesk.sim, 20, () => setLatency(s.zendesk, 1_000));
    await s.createPolicy("retention", {
      ...redactEveryTicket(s.accountName, 2),
      // Due at once (no sweep yet), then a minute after each start (the shortest interval).
      schedule: { interval: "1m" },
    });

    // While it sweeps: currentSweep with the count handled so far, Reconciling True, Ready Unknown.
    const seen: HushObject[] = [];
    const sweeping = await waitFor(
      "status.currentSweep to show a sweep part-way (0 < processed < matched)",
      async () => {
        const p = await s.policy("retention");
        if (p?.status?.currentSweep) seen.push(p);
        const c = p?.status?.currentSweep;
        return c && c.processed > 0 && c.processed < c.matched ? p : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100, describe: () => JSON.stringify(seen.at(-1)?.status ?? null) },
    );
    await slowed;
    setLatency(s.zendesk, 0);
    expect(condition(sweeping, "Reconciling")).toMatchObject({ status: "True", reason: "Sweeping" });
    expect(condition(sweeping, "Ready")?.status).toBe("Unknown");
    const { sweepId, matched } = sweeping.status!.currentSweep;
    expect(matched).toBe(60);

    const done = await s.waitForObject(
      "RedactionPolicy",
      "retention",
      `to finish sweep ${sweepId}`,
      (p) => p.status?.lastSweep?.sweepId === sweepId,
      180_000,
    );
    expect(done.status!.lastSweep).toMatchObject({ sweepId, result: "Succeeded" });
    const counts = done.status!.lastSweep.counts;
    expect(counts.matched).toBe(60);
    expect(counts.acted + counts.skipped).toBe(60);
    expect(counts.failed).toBe(0);
    expect(successfulWrites(s.zendesk.sim).size).toBeGreaterThan(0);

    // The schedule: the next sweep is due one interval after this one started.
    const untilNext = Date.parse(done.status!.nextSweepTime!) - Date.parse(done.status!.lastSweep.startTime);
    expect(untilNext).toBeGreaterThan(59_000);
    expect(untilNext).toBeLessThanOrEqual(60_000);
    expect(done.status!.totals).toMatchObject({ sweeps: 1, acted: counts.acted, failed: 0 });
    expect(condition(done, "Ready")).toMatchObject({ status: "True", reason: "Succeeded" });
    expect(condition(done, "Reconciling")).toBeUndefined();

    const events = await s.events("retention");
    const reasons = events.map((e) => e.reason);
    expect(reasons).toContain("SweepStarted");
    expect(reasons).toContain("SweepSucceeded");
    const succeeded = events.find((e) => e.reason === "SweepSucceeded" && e.note?.includes(sweepId));
    expect(succeeded, events.map((e) => `${e.reason}: ${e.note}`).join("\n")).toMatchObject({
      type: "Normal",
      reportingInstance: "op-progress",
      regarding: { kind: "RedactionPolicy", name: "retention", namespace: s.namespace },
    });

    // No personal data of the seeded people in status, Events or the operator's output.
    const people = personalData(s.zendesk.account());
    expect(people.length).toBeGreaterThan(20);
    const statuses = [...seen, done].map((p) => JSON.stringify(p.status)).join("\n");
    expect(leaked(statuses, people)).toEqual([]);
    expect(leaked(JSON.stringify(events), people)).toEqual([]);
    expect(leaked(operator.logs, people)).toEqual([]);
    expect(leaked(operator.logs, [s.zendesk.credentials.token])).toEqual([]);
    expect(total(successfulWrites(s.zendesk.sim))).toBeGreaterThan(0);
  },
};
