import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject, LeaseObject, ObjectKey } from "../../src/controller/cluster.js";
import { loadOperatorConfig, type OperatorConfig } from "../../src/controller/config.js";
import type { ControllerContext } from "../../src/controller/context.js";
import type { Controllers } from "../../src/controller/controllers.js";
import { type RunningOperator, startOperator } from "../../src/controller/operator.js";
import { verifyAuditChain } from "../../src/observability/audit.js";
import type { AuditRecord } from "../../src/sweep/evidence.js";
import { createFakeCluster, type FakeCluster } from "./fake-cluster.js";
import { ManualClock, settle } from "./manual-clock.js";

// The operator's wiring, on the fake API server with stand-in controllers: which informer events
// reconcile what, the resync, readiness, leader election, and the order of a shutdown.

const NS = "support";
const LEASE = { namespace: "hush-system", name: "hush-operator" };

function account(name: string): KubeObject {
  return {
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { namespace: NS, name },
    spec: { subdomain: name, secretRef: { name: `${name}-credentials` } },
  };
}

function policy(name: string, accountName: string): KubeObject {
  return {
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: { namespace: NS, name },
    spec: { accountRef: { name: accountName }, action: "Redact" },
  };
}

/** Controllers that only note what they were asked to do. */
function standInControllers(log: string[]) {
  const contexts: ControllerContext[] = [];
  const stops: number[] = [];
  let onStop: (() => Promise<void>) | undefined;
  let sweepsRunning: string[] = [];
  const create = (ctx: ControllerContext): Controllers => {
    contexts.push(ctx);
    return {
      account: async (key: ObjectKey) => {
        log.push(`reconcile account ${key.name}`);
        return {};
      },
      policy: async (key: ObjectKey) => {
        log.push(`reconcile policy ${key.name}`);
        return {};
      },
      stop: async (graceMs: number, options = {}) => {
        stops.push(graceMs);
        log.push(`controllers stop (${graceMs} ms${options.now ? ", at once" : ""})`);
        await onStop?.();
        return { sweepsRunning };
      },
    };
  };
  return {
    create,
    contexts,
    stops,
    whileStopping(fn: () => Promise<void>) {
      onStop = fn;
    },
    /** The sweeps stop() reports as still running at its deadline. */
    leaveRunning(policies: string[]) {
      sweepsRunning = policies;
    },
  };
}

const running: RunningOperator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((operator) => operator.stop()));
});

function config(...flags: string[]): OperatorConfig {
  return loadOperatorConfig(["--metrics-bind-address=127.0.0.1:0", "--log-level=debug", ...flags], {
    env: {},
    hostname: "test",
    pid: 1,
  });
}

async function setup(options: { flags?: string[]; fake?: FakeCluster; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock();
  const fake = options.fake ?? createFakeCluster({ now: () => clock.now() });
  const log: string[] = [];
  const logLines: string[] = [];
  const stdout = new PassThrough();
  const audit: string[] = [];
  stdout.on("data", (chunk: Buffer) => audit.push(...chunk.toString().split("\n").filter(Boolean)));
  const controllers = standInControllers(log);
  const operator = await startOperator(config(...(options.flags ?? ["--leader-elect=false"])), {
    api: fake,
    clock,
    createControllers: controllers.create,
    logDestination: { write: (line: string) => logLines.push(line) },
    auditOutput: stdout,
    processMetrics: false,
  });
  running.push(operator);
  await settle();
  const reconciled = () => {
    const seen = [...log].sort();
    log.length = 0;
    return seen;
  };
  return { clock, fake, log, logLines, audit, controllers, operator, reconciled };
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

describe("the operator's wiring", () => {
  it("reconciles every account and policy once the caches have synced", async () => {
    const fake = createFakeCluster();
    fake.seed(account("acme"), policy("gdpr", "acme"), policy("spam", "acme"));
    const { reconciled, operator } = await setup({ fake });
    expect(reconciled()).toEqual([
      "reconcile account acme",
      "reconcile policy gdpr",
      "reconcile policy spam",
    ]);
    expect(operator.readiness()).toEqual({ ready: true });
  });

  it("reconciles an account and the policies that name it when the account changes", async () => {
    const fake = createFakeCluster();
    const [acme] = fake.seed(
      account("acme"),
      account("beta"),
      policy("gdpr", "acme"),
      policy("other", "beta"),
    );
    const { reconciled } = await setup({ fake });
    reconciled();
    await fake.replace({ ...acme!, spec: { subdomain: "acme-eu", secretRef: { name: "acme-credentials" } } });
    await settle();
    expect(reconciled()).toEqual(["reconcile account acme", "reconcile policy gdpr"]);
  });

  it("reconciles the policies when only the account's status changes (their Ready follows it), not the account", async () => {
    const fake = createFakeCluster();
    const [acme] = fake.seed(account("acme"), policy("gdpr", "acme"));
    const { reconciled } = await setup({ fake });
    reconciled();
    await fake.replaceStatus({ ...acme!, status: { conditions: [{ type: "Ready", status: "True" }] } });
    await settle();
    expect(reconciled()).toEqual(["reconcile policy gdpr"]);
  });

  it("ignores a policy's own status writes, but not spec, annotation or deletion changes", async () => {
    const fake = createFakeCluster();
    fake.seed(account("acme"), policy("gdpr", "acme"));
    const { reconciled } = await setup({ fake });
    reconciled();
    const key = { namespace: NS, name: "gdpr" };
    const current = () => fake.peek("RedactionPolicy", key)!;

    await fake.replaceStatus({ ...current(), status: { phase: "Sweeping", progress: { acted: 10 } } });
    await fake.replaceStatus({ ...current(), status: { phase: "Sweeping", progress: { acted: 20 } } });
    await settle();
    expect(reconciled()).toEqual([]);

    await fake.mergePatch("RedactionPolicy", key, {
      metadata: { annotations: { "hush.dev/approve": "p-1" } },
    });
    await settle();
    expect(reconciled()).toEqual(["reconcile policy gdpr"]);

    await fake.mergePatch("RedactionPolicy", key, { spec: { action: "Delete" } });
    await settle();
    expect(reconciled()).toEqual(["reconcile policy gdpr"]);

    await fake.mergePatch("RedactionPolicy", key, { metadata: { labels: { team: "support" } } });
    await settle();
    expect(reconciled()).toEqual([]);

    await fake.mergePatch("RedactionPolicy", key, { metadata: { finalizers: ["hush.dev/sweep"] } });
    await settle();
    expect(reconciled()).toEqual(["reconcile policy gdpr"]);

    await fake.delete("RedactionPolicy", key);
    await settle();
    expect(reconciled()).toEqual(["reconcile policy gdpr"]);
  });

  it("reconciles everything again every resync period, even when nothing changed", async () => {
    const fake = createFakeCluster();
    fake.seed(account("acme"), policy("gdpr", "acme"));
    const { clock, reconciled } = await setup({
      fake,
      flags: ["--leader-elect=false", "--resync-period=10m"],
    });
    reconciled();
    await clock.advance(9 * 60_000);
    expect(reconciled()).toEqual([]);
    await clock.advance(60_000);
    expect(reconciled()).toEqual(["reconcile account acme", "reconcile policy gdpr"]);
  });

  it("enqueues the accounts that reference a Secret when it rotates", async () => {
    const fake = createFakeCluster();
    const [secret] = fake.seed(
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { namespace: NS, name: "acme-credentials" },
        data: { token: "YQ==" },
      },
      account("acme"),
    );
    const { controllers, reconciled } = await setup({ fake });
    controllers.contexts[0]!.secrets.watch(
      { namespace: NS, name: "acme-credentials" },
      { namespace: NS, name: "acme" },
    );
    await settle();
    reconciled();
    await fake.replace({ ...secret!, data: { token: "Yg==" } });
    await settle();
    expect(reconciled()).toEqual(["reconcile account acme"]);
  });

  it("watches only the namespaces it is given", async () => {
    const fake = createFakeCluster();
    fake.seed(account("acme"), {
      ...account("elsewhere"),
      metadata: { namespace: "other", name: "elsewhere" },
    });
    const { reconciled, controllers } = await setup({
      fake,
      flags: ["--leader-elect=false", `--namespaces=${NS}`],
    });
    expect(reconciled()).toEqual(["reconcile account acme"]);
    const ctx = controllers.contexts[0]!;
    expect(ctx.accounts.get({ namespace: NS, name: "acme" })?.metadata.name).toBe("acme");
    expect(ctx.accounts.get({ namespace: "other", name: "elsewhere" })).toBeUndefined();
  });

  it("counts reconciles and serves the controller metrics next to the sweep metrics", async () => {
    const fake = createFakeCluster();
    fake.seed(account("acme"), policy("gdpr", "acme"));
    const { operator } = await setup({ fake });
    const { body } = await get(`${operator.metricsUrl}/metrics`);
    expect(body).toContain(
      'hush_controller_reconciles_total{controller="ZendeskAccount",result="success"} 1',
    );
    expect(body).toContain(
      'hush_controller_reconciles_total{controller="RedactionPolicy",result="success"} 1',
    );
    expect(body).toContain("hush_controller_leader 1");
    expect(body).toContain("# TYPE hush_sweeps_total counter");
  });

  it('writes audit records to stdout as {"auditRecord": ...} lines, hash-chained, apart from the log', async () => {
    const { controllers, audit, logLines } = await setup();
    const record: AuditRecord = {
      time: "2026-11-24T10:00:00.000Z",
      sweepId: "s-1",
      account: `${NS}/acme`,
      policy: `${NS}/gdpr`,
      generation: 1,
      item: { kind: "ticket", id: 42 },
      action: "Redact",
      changes: { RedactComment: 1 },
      fieldsChanged: ["comments"],
      detectorCounts: { email: 1 },
      residual: 0,
    };
    await controllers.contexts[0]!.audit.write(record);
    await controllers.contexts[0]!.audit.write({ ...record, item: { kind: "ticket", id: 43 } });
    const lines = audit.map((line) => JSON.parse(line) as { auditRecord: Record<string, unknown> });
    expect(lines.map((line) => Object.keys(line))).toEqual([["auditRecord"], ["auditRecord"]]);
    expect(lines[0]!.auditRecord).toMatchObject({ seq: 1, sweepId: "s-1", item: { kind: "ticket", id: 42 } });
    expect(verifyAuditChain(lines.map((line) => JSON.stringify(line.auditRecord))).ok).toBe(true);
    expect(logLines.some((line) => line.includes("auditRecord"))).toBe(false);
  });
});

describe("readiness", () => {
  it("is not ready while the leader's caches have not synced, and ready once they have", async () => {
    const fake = createFakeCluster();
    fake.setUnavailable(true);
    const { operator, reconciled } = await setup({ fake });
    expect(await get(`${operator.metricsUrl}/readyz`)).toEqual({
      status: 503,
      body: "not ready: leading, but the caches of ZendeskAccounts and RedactionPolicies have not synced yet\n",
    });
    expect((await get(`${operator.metricsUrl}/healthz`)).status).toBe(200);
    fake.setUnavailable(false);
    await settle();
    expect(await get(`${operator.metricsUrl}/readyz`)).toEqual({ status: 200, body: "ok\n" });
    expect(reconciled()).toEqual([]);
  });
});

describe("leader election in the operator", () => {
  const electing = ["--leader-election-namespace=hush-system"];

  it("lets only the leader reconcile; the standby is ready and takes over when the leader stops", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    fake.seed(account("acme"));
    const a = await setup({ fake, clock, flags: [...electing, "--identity=pod-a"] });
    const b = await setup({ fake, clock, flags: [...electing, "--identity=pod-b"] });
    await clock.advance(4000);
    expect([a.operator.leading, b.operator.leading]).toEqual([true, false]);
    expect(a.reconciled()).toEqual(["reconcile account acme"]);
    expect(b.reconciled()).toEqual([]);
    expect(b.operator.readiness()).toEqual({ ready: true });
    expect((await get(`${b.operator.metricsUrl}/metrics`)).body).toContain("hush_controller_leader 0");

    expect(await a.operator.stop()).toBe(0);
    await clock.advance(4400); // the standby's next try: retry period plus up to 1.2 times it
    expect(b.operator.leading).toBe(true);
    expect(b.reconciled()).toEqual(["reconcile account acme"]);
    expect(fake.peek<LeaseObject>("Lease", LEASE)!.spec.holderIdentity).toBe("pod-b");
  });

  it("stops all work at once and exits with 1 when the Lease is lost, giving sweeps until a standby may lead", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const { operator, controllers, log, logLines } = await setup({
      fake,
      clock,
      flags: [...electing, "--identity=pod-a"],
    });
    expect(operator.leading).toBe(true);
    controllers.whileStopping(async () => {
      // While the sweeps unwind, this replica already says it does not lead.
      const { body } = await get(`${operator.metricsUrl}/metrics`);
      log.push(body.includes("hush_controller_leader 0") ? "leader gauge 0" : "leader gauge still 1");
    });
    fake.setUnavailable(true);
    await clock.advance(10_000);
    expect(await operator.done).toBe(1);
    expect(controllers.stops).toEqual([5000]);
    expect(log.filter((line) => !line.startsWith("reconcile"))).toEqual([
      "controllers stop (5000 ms, at once)",
      "leader gauge 0",
    ]);
    expect(operator.readiness()).toEqual({ ready: false, reason: "the operator is shutting down" });
    expect(logLines.some((line) => line.includes("lost the leader Lease"))).toBe(true);
    await expect(fetch(`${operator.metricsUrl}/healthz`)).rejects.toThrow();
  });
});

describe("a lost Lease", () => {
  it("ends the process with 1 by the deadline even when stopping hangs", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const { operator, controllers, logLines } = await setup({
      fake,
      clock,
      flags: ["--leader-election-namespace=hush-system", "--identity=pod-a"],
    });
    let unblock = (): void => undefined;
    controllers.whileStopping(
      () =>
        new Promise<void>((resolve) => {
          unblock = resolve;
        }),
    );
    fake.setUnavailable(true);
    await clock.advance(10_000);
    let code: number | undefined;
    void operator.done.then((c) => {
      code = c;
    });
    // The sweeps' deadline (lease duration minus renew deadline), plus 5 s for the rest.
    await clock.advance(9_999);
    expect(code).toBeUndefined();
    await clock.advance(1);
    expect(code).toBe(1);
    expect(logLines.some((line) => line.includes("exiting anyway"))).toBe(true);
    unblock();
  });
});

describe("shutdown", () => {
  it("stops taking work, lets the controllers wind down while it still holds the Lease, then releases it", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const [acme] = fake.seed(account("acme"));
    const { operator, controllers, log, reconciled } = await setup({
      fake,
      clock,
      flags: ["--identity=pod-a", "--shutdown-timeout=30s"],
    });
    reconciled();
    controllers.whileStopping(async () => {
      // Work that arrives now is not taken: the account changes, nothing reconciles it.
      await fake.replace({ ...acme!, spec: { subdomain: "changed", secretRef: { name: "x" } } });
      await settle();
      log.push(
        `while stopping the Lease names ${fake.peek<LeaseObject>("Lease", LEASE)!.spec.holderIdentity}`,
      );
    });
    const code = await operator.stop();
    expect(code).toBe(0);
    expect(log).toEqual(["controllers stop (30000 ms)", "while stopping the Lease names pod-a"]);
    const lease = fake.peek<LeaseObject>("Lease", LEASE)!;
    expect(lease.spec.holderIdentity).toBeUndefined();
    expect(lease.spec.leaseDurationSeconds).toBe(1);
    await expect(fetch(`${operator.metricsUrl}/metrics`)).rejects.toThrow();
    expect(await operator.done).toBe(0);
  });

  it("leaves the Lease to expire, rather than release it, when a sweep has not stopped by the deadline", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const a = await setup({ fake, clock, flags: ["--identity=pod-a", "--shutdown-timeout=30s"] });
    const b = await setup({ fake, clock, flags: ["--identity=pod-b"] });
    a.controllers.leaveRunning([`${NS}/gdpr`]);
    expect(await a.operator.stop()).toBe(0);
    expect(fake.peek<LeaseObject>("Lease", LEASE)!.spec.holderIdentity).toBe("pod-a");
    expect(
      a.logLines.some((line) =>
        line.includes("sweeps had not stopped by the deadline: the Lease is not released but left to expire"),
      ),
    ).toBe(true);

    // No renewals any more: the standby takes over once the lease duration has passed, not before.
    await clock.advance(14_000);
    expect(b.operator.leading).toBe(false);
    await clock.advance(6_000);
    expect(b.operator.leading).toBe(true);
  });

  it("leaves the Lease to expire, and still exits, when the controllers fail to stop", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const { operator, controllers, logLines } = await setup({ fake, clock, flags: ["--identity=pod-a"] });
    controllers.whileStopping(async () => {
      throw new Error("a sweep would not stop");
    });
    expect(await operator.stop()).toBe(0);
    expect(fake.peek<LeaseObject>("Lease", LEASE)!.spec.holderIdentity).toBe("pod-a");
    expect(logLines.some((line) => line.includes("stopping the controllers failed while stopping"))).toBe(
      true,
    );
  });

  it("stops the sweeps at once when the Lease is lost during a graceful shutdown", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const { operator, controllers, log, reconciled } = await setup({
      fake,
      clock,
      flags: ["--identity=pod-a", "--shutdown-timeout=30s"],
    });
    reconciled();
    controllers.whileStopping(async () => {
      if (log.length > 1) return; // the second stop, below
      // The sweeps take their grace; meanwhile the API server is gone past the renew deadline.
      fake.setUnavailable(true);
      await clock.advance(10_000);
      fake.setUnavailable(false);
    });
    expect(await operator.stop()).toBe(0);
    expect(log).toEqual(["controllers stop (30000 ms)", "controllers stop (0 ms, at once)"]);
  });

  it("exits with 1, giving the Lease up, when the controllers cannot be started", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const operator = await startOperator(config("--identity=pod-a"), {
      api: fake,
      clock,
      createControllers: () => {
        throw new Error("no controllers today");
      },
      logDestination: { write: () => undefined },
      processMetrics: false,
    });
    running.push(operator);
    expect(await operator.done).toBe(1);
    expect(fake.peek<LeaseObject>("Lease", LEASE)!.spec.holderIdentity).toBeUndefined();
  });

  it("names the flag and the environment variable when the metrics address cannot be bound", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const started = startOperator(
        loadOperatorConfig(["--leader-elect=false", `--metrics-bind-address=127.0.0.1:${port}`], {
          env: {},
          hostname: "test",
          pid: 1,
        }),
        { api: createFakeCluster(), logDestination: { write: () => undefined }, processMetrics: false },
      );
      await expect(started).rejects.toThrow(
        `the metrics server cannot listen on 127.0.0.1:${port} (--metrics-bind-address, or HUSH_METRICS_BIND_ADDRESS in the environment)`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("stops a standby without touching the Lease", async () => {
    const clock = new ManualClock();
    const fake = createFakeCluster({ now: () => clock.now() });
    const a = await setup({ fake, clock, flags: ["--identity=pod-a"] });
    const b = await setup({ fake, clock, flags: ["--identity=pod-b"] });
    const before = fake.peek<LeaseObject>("Lease", LEASE);
    expect(await b.operator.stop()).toBe(0);
    expect(b.controllers.stops).toEqual([]);
    expect(fake.peek<LeaseObject>("Lease", LEASE)).toEqual(before);
    expect(a.operator.leading).toBe(true);
  });
});
