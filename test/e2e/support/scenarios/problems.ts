import { expect } from "vitest";
import { stringify } from "yaml";
import { condition, openScenario } from "../harness.js";
import { redactionPolicy } from "../resources.js";
import type { ScenarioDef } from "./types.js";

// What goes wrong and how the cluster says so: a spec the CRD schema refuses, a policy whose
// account does not exist (yet), and credentials that do not work until the Secret is fixed.

export const badSpecRefused: ScenarioDef = {
  title: "refuses a policy with an invalid spec at kubectl apply, naming each field and what is allowed",
  timeoutMs: 60_000,
  async run(cluster) {
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "badspec" });
    const bad = redactionPolicy(s.namespace, "bad-spec", {
      accountRef: { name: s.accountName },
      query: "type:ticket",
      mode: "Sometimes" as "Enforce",
      concurrency: 99,
      schedule: { interval: "soon" },
    });
    const applied = await cluster.kubectl(["apply", "-f", "-"], { input: stringify(bad) });

    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('The RedactionPolicy "bad-spec" is invalid');
    expect(applied.stderr).toContain(
      'spec.mode: Unsupported value: "Sometimes": supported values: "DryRun", "Enforce"',
    );
    expect(applied.stderr).toMatch(/spec\.concurrency: Invalid value: 99: .*less than or equal to 32/);
    expect(applied.stderr).toMatch(/spec\.schedule\.interval: Invalid value: "soon"/);
    expect(await s.policy("bad-spec")).toBeUndefined();
  },
};

export const missingAccount: ScenarioDef = {
  title:
    "reports a policy whose account is missing as Ready=False AccountNotFound, and makes it Ready once the account exists",
  timeoutMs: 120_000,
  async run(cluster) {
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "noaccount" });
    const operator = await s.startOperator("op-noaccount");
    await operator.ready();

    await s.createPolicy("preview", {
      accountRef: { name: "later" },
      query: "type:ticket status:closed",
      mode: "DryRun",
      schedule: { interval: "1h" },
    });
    const waiting = await s.waitForCondition(
      "RedactionPolicy",
      "preview",
      "Ready",
      "False",
      "AccountNotFound",
    );
    expect(condition(waiting, "Ready")!.message).toContain("later");
    expect(condition(waiting, "Stalled")).toMatchObject({ status: "True", reason: "AccountNotFound" });
    expect(s.zendesk.sim.log.counts()).toEqual([]);

    // The account appears: nothing else changes on the policy, and it sweeps (a dry run) and is Ready.
    await s.createSecret();
    await s.createAccount({}, "later");
    const ready = await s.waitForCondition("RedactionPolicy", "preview", "Ready", "True", "Previewed");
    expect(condition(ready, "Stalled")).toBeUndefined();
    expect(ready.status!.preview!.count).toBeGreaterThan(0);
    expect(ready.metadata.generation).toBe(waiting.metadata.generation);
  },
};

export const secretRotation: ScenarioDef = {
  title:
    "reports wrong credentials as Ready=False InvalidCredentials and picks up the fixed Secret without a restart",
  timeoutMs: 120_000,
  async run(cluster) {
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "rotation" });
    const operator = await s.startOperator("op-rotation");
    await operator.ready();

    await s.createSecret({ email: s.zendesk.credentials.email, token: "not-the-token" });
    await s.createAccount();
    const refused = await s.waitForCondition(
      "ZendeskAccount",
      s.accountName,
      "Ready",
      "False",
      "InvalidCredentials",
    );
    expect(condition(refused, "Stalled")).toMatchObject({ status: "True", reason: "InvalidCredentials" });
    expect(JSON.stringify(refused.status)).not.toContain("not-the-token");

    // The rotation: only the Secret changes; the same operator process notices it.
    const pid = operator.pid;
    await s.rotateSecret(s.zendesk.credentials);
    const ready = await s.waitForCondition("ZendeskAccount", s.accountName, "Ready", "True", "Authenticated");
    expect(condition(ready, "Stalled")).toBeUndefined();
    expect(ready.metadata.generation).toBe(refused.metadata.generation);
    expect(operator.pid).toBe(pid);
    expect(operator.exits).toEqual([]);
    expect(operator.logs).not.toContain("not-the-token");
    expect(operator.logs).not.toContain(s.zendesk.credentials.token);
  },
};
