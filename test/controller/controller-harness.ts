import type { KubeObject, ObjectKey, SecretObject } from "../../src/controller/cluster.js";
import { keyText } from "../../src/controller/cluster.js";
import type { ControllerContext, ReconciledKind, ReconcileResult } from "../../src/controller/context.js";
import {
  type ControllerOverrides,
  type Controllers,
  createControllers,
} from "../../src/controller/controllers.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import type { AuditRecord } from "../../src/sweep/evidence.js";
import type { SimHandle } from "../support/sim.js";
import { type VirtualClock, virtualClock } from "../support/virtual-clock.js";
import { type MemoryAudit, memoryAudit } from "../sweep/sweep-fixtures.js";
import { createFakeCluster, type FakeCluster } from "./fake-cluster.js";

// The operator's controllers over the in-memory cluster (fake-cluster.ts) and the in-process
// simulator, on the simulator's clock, with the wiring operator.ts does in between (informers
// enqueue keys; a Secret change enqueues the accounts that watch it) replaced by a queue the test
// drives by hand: drain() runs every reconcile asked for until none is left, so a test says
// "and then the operator catches up" in one line, and time moves only when the test moves it.

export const NAMESPACE = "privacy";
export const SIM_RPM = 100_000;

export interface Reconciled {
  kind: ReconciledKind;
  key: string;
  result?: ReconcileResult;
  error?: Error;
}

/** An audit sink that can hold writes back, so that a test can act while a sweep is mid-way. */
export interface GatedAudit extends MemoryAudit {
  /** From now on, writes beyond the first `n` records wait (undefined: none wait). */
  holdAfter(n: number | undefined): void;
  /** Lets every write through. */
  open(): void;
  /** Writes waiting now. */
  readonly held: number;
}

export function gatedAudit(): GatedAudit {
  const inner = memoryAudit();
  let limit: number | undefined;
  let waiters: (() => void)[] = [];
  const write = inner.write;
  const audit = inner as GatedAudit;
  audit.write = async (record: AuditRecord) => {
    while (limit !== undefined && inner.records.length >= limit)
      await new Promise<void>((resolve) => waiters.push(resolve));
    await write(record);
  };
  audit.holdAfter = (n) => {
    limit = n;
    // Waiting writes look at the new limit.
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  audit.open = () => audit.holdAfter(undefined);
  Object.defineProperty(audit, "held", { get: () => waiters.length });
  return audit;
}

export interface HarnessOptions {
  progressIntervalMs?: number;
  maxSweepsPerAccount?: number;
  overrides?: ControllerOverrides;
}

export interface Harness {
  cluster: FakeCluster;
  clock: VirtualClock;
  audit: GatedAudit;
  ctx: ControllerContext;
  controllers: Controllers;
  /** Every log line, as written. */
  logs: string[];
  reconciled: Reconciled[];
  /** Requeues asked for by time, not yet due. */
  delayed: { kind: ReconciledKind; key: ObjectKey; at: number }[];
  /** Runs every reconcile asked for until none is left; throws if they never settle. */
  drain(): Promise<void>;
  /** Drains until `check` holds; the real-time deadline only keeps a broken test from hanging. */
  until<T>(what: string, check: () => T | undefined | false): Promise<T>;
  /** Moves the simulator's clock, then queues the requeues that came due. */
  advance(ms: number): Promise<void>;
  reconcile(kind: ReconciledKind, name: string): Promise<ReconcileResult>;
  /** Stops these controllers (graceMs) and starts new ones over the same cluster, simulator and audit. */
  restart(graceMs?: number, options?: HarnessOptions): Promise<void>;
  stop(): Promise<void>;
}

const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startHarness(
  sim: SimHandle,
  options: HarnessOptions = {},
  shared: { cluster?: FakeCluster; audit?: GatedAudit } = {},
): Promise<Harness> {
  sim.sim.clock.freeze();
  const clock = virtualClock(sim.sim.clock);
  const cluster = shared.cluster ?? createFakeCluster({ now: () => clock.now() });
  const audit = shared.audit ?? gatedAudit();
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => logs.push(line) } });
  const pending = new Map<string, { kind: ReconciledKind; key: ObjectKey }>();
  const delayed: Harness["delayed"] = [];
  const reconciled: Reconciled[] = [];
  const enqueue = (kind: ReconciledKind, key: ObjectKey, afterMs?: number) => {
    if (!afterMs || afterMs <= 0) {
      pending.set(`${kind} ${keyText(key)}`, { kind, key });
      return;
    }
    // As the work queue's addAfter: one pending time per key, the earliest wins.
    const at = clock.now() + afterMs;
    const same = delayed.find((d) => d.kind === kind && keyText(d.key) === keyText(key));
    if (!same) delayed.push({ kind, key, at });
    else same.at = Math.min(same.at, at);
  };

  const accounts = cluster.informer("ZendeskAccount");
  const policies = cluster.informer("RedactionPolicy");
  const secrets = cluster.informer<SecretObject>("Secret");
  // operator.ts's wiring: an account change reconciles it and its policies; a policy change
  // reconciles it unless only its status changed; a watched Secret's change, its accounts.
  const seen = new Map<string, KubeObject>();
  accounts.onChange((type, account) => {
    const key = { namespace: account.metadata.namespace ?? "", name: account.metadata.name };
    const before = seen.get(`account ${keyText(key)}`);
    seen.set(`account ${keyText(key)}`, account);
    if (!(type === "update" && before && onlyStatusChanged(before, account))) enqueue("ZendeskAccount", key);
    for (const policy of policies.list()) {
      const ref = (policy["spec"] as { accountRef?: { name?: string } }).accountRef?.name;
      if (policy.metadata.namespace === key.namespace && ref === key.name)
        enqueue("RedactionPolicy", { namespace: key.namespace, name: policy.metadata.name });
    }
  });
  policies.onChange((type, policy) => {
    const key = { namespace: policy.metadata.namespace ?? "", name: policy.metadata.name };
    const before = seen.get(`policy ${keyText(key)}`);
    seen.set(`policy ${keyText(key)}`, policy);
    if (type === "update" && before && onlyStatusChanged(before, policy)) return;
    enqueue("RedactionPolicy", key);
  });
  const watchers = new Map<string, Set<string>>();
  secrets.onChange((_type, secret) => {
    const by = watchers.get(
      keyText({ namespace: secret.metadata.namespace ?? "", name: secret.metadata.name }),
    );
    for (const account of by ?? []) {
      const [namespace = "", name = ""] = account.split("/");
      enqueue("ZendeskAccount", { namespace, name });
    }
  });
  await Promise.all([accounts.start(), policies.start(), secrets.start()]);

  const ctx: ControllerContext = {
    api: cluster,
    accounts,
    policies,
    secrets: {
      watch(secret, by) {
        const set = watchers.get(keyText(secret)) ?? new Set<string>();
        set.add(keyText(by));
        watchers.set(keyText(secret), set);
      },
      forget(by) {
        for (const set of watchers.values()) set.delete(keyText(by));
      },
    },
    enqueue,
    clock,
    logger,
    metrics: createMetrics(),
    audit,
    identity: "hush-operator-test-0",
    maxSweepsPerAccount: options.maxSweepsPerAccount ?? 2,
    progressIntervalMs: options.progressIntervalMs ?? 5_000,
  };

  const harness: Harness = {
    cluster,
    clock,
    audit,
    ctx,
    controllers: createControllers(ctx, options.overrides),
    logs,
    reconciled,
    delayed,
    async drain() {
      for (let turn = 0; ; turn += 1) {
        await realDelay(0);
        const next = pending.entries().next();
        if (next.done) return;
        const [id, { kind, key }] = next.value;
        pending.delete(id);
        if (turn > 500) throw new Error(`reconciles do not settle; still asked for ${id}`);
        const entry: Reconciled = { kind, key: keyText(key) };
        try {
          const handler =
            kind === "ZendeskAccount" ? harness.controllers.account : harness.controllers.policy;
          entry.result = await handler(key);
          if (entry.result.requeueAfterMs !== undefined) enqueue(kind, key, entry.result.requeueAfterMs);
        } catch (error) {
          entry.error = error as Error;
        }
        reconciled.push(entry);
      }
    },
    async until(what, check) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        await harness.drain();
        const value = check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
        await realDelay(2);
      }
    },
    async advance(ms) {
      sim.sim.clock.advance(ms);
      const now = clock.now();
      for (const entry of [...delayed]) {
        if (entry.at > now) continue;
        delayed.splice(delayed.indexOf(entry), 1);
        enqueue(entry.kind, entry.key);
      }
      await harness.drain();
    },
    async reconcile(kind, name) {
      const key = { namespace: NAMESPACE, name };
      return kind === "ZendeskAccount" ? harness.controllers.account(key) : harness.controllers.policy(key);
    },
    async restart(graceMs = 30_000, next = options) {
      await harness.controllers.stop(graceMs);
      pending.clear();
      delayed.length = 0;
      harness.controllers = createControllers(
        {
          ...ctx,
          maxSweepsPerAccount: next.maxSweepsPerAccount ?? 2,
          progressIntervalMs: next.progressIntervalMs ?? 5_000,
        },
        next.overrides,
      );
      // A new leader starts its informers: every object is added, so every key is reconciled.
      for (const account of accounts.list())
        enqueue("ZendeskAccount", {
          namespace: account.metadata.namespace ?? "",
          name: account.metadata.name,
        });
      for (const policy of policies.list())
        enqueue("RedactionPolicy", {
          namespace: policy.metadata.namespace ?? "",
          name: policy.metadata.name,
        });
    },
    async stop() {
      audit.open();
      await harness.controllers.stop(30_000);
      await Promise.all([accounts.stop(), policies.stop(), secrets.stop()]);
    },
  };
  return harness;
}

function onlyStatusChanged(before: KubeObject, after: KubeObject): boolean {
  const a = before.metadata;
  const b = after.metadata;
  return (
    a.uid === b.uid &&
    a.generation === b.generation &&
    JSON.stringify(a.annotations ?? {}) === JSON.stringify(b.annotations ?? {}) &&
    a.deletionTimestamp === b.deletionTimestamp &&
    JSON.stringify(a.finalizers ?? []) === JSON.stringify(b.finalizers ?? [])
  );
}

// ---- resources ----

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

export function secretObject(name: string, data: Record<string, string>): SecretObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: NAMESPACE },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

/** The simulator's admin credentials, as a Secret's data. */
export function adminCredentials(sim: SimHandle): { email: string; token: string } {
  const admin = sim.sim.describe()[0]!.credentials.admin;
  return { email: admin.email, token: admin.token };
}

export function accountObject(sim: SimHandle, name = "acme", spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { name, namespace: NAMESPACE },
    spec: {
      subdomain: "acme",
      baseURL: sim.url,
      credentials: { secretRef: { name: `${name}-zendesk` } },
      rateLimit: { requestsPerMinute: SIM_RPM, share: 100 },
      ...spec,
    },
  };
}

export function policyObject(
  name: string,
  spec: Record<string, unknown> = {},
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: { name, namespace: NAMESPACE, ...(annotations ? { annotations } : {}) },
    spec: {
      accountRef: { name: "acme" },
      query: "type:ticket status<solved",
      mode: "Enforce",
      concurrency: 2,
      ...spec,
    },
  };
}

/** A Secret and an account that authenticate against the simulator. */
export async function createAccount(h: Harness, sim: SimHandle, name = "acme"): Promise<void> {
  await h.cluster.create(secretObject(`${name}-zendesk`, adminCredentials(sim)));
  await h.cluster.create(accountObject(sim, name));
}

// ---- reading what happened ----

export const key = (name: string): ObjectKey => ({ namespace: NAMESPACE, name });

export function statusOf(h: Harness, kind: "ZendeskAccount" | "RedactionPolicy", name: string): any {
  return (h.cluster.peek(kind, key(name)) as { status?: unknown } | undefined)?.status;
}

/** `Ready: True/Succeeded`-style summary of an object's conditions. */
export function conditionsOf(status: any): Record<string, string> {
  return Object.fromEntries(
    ((status?.conditions ?? []) as { type: string; status: string; reason: string }[]).map((c) => [
      c.type,
      `${c.status}/${c.reason}`,
    ]),
  );
}

export function readyOf(
  h: Harness,
  kind: "ZendeskAccount" | "RedactionPolicy",
  name: string,
): string | undefined {
  return conditionsOf(statusOf(h, kind, name)).Ready;
}

export const eventReasons = (h: Harness): string[] => h.cluster.events.map((e) => e.reason);

// ---- Zendesk data ----

let customers = 0;

/**
 * `n` open tickets tagged `tag`, each from its own customer whose email is in the first comment;
 * a policy selects them with `tags:<tag>`, so tests sharing a simulator do not see each other's.
 */
export async function createTickets(sim: SimHandle, n: number, tag: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    customers += 1;
    const email = `customer.${customers}@example.net`;
    const user = await sim.api("POST", "/api/v2/users", {
      user: { name: `Customer ${customers}`, email, verified: true },
    });
    if (user.status !== 201) throw new Error(`creating a customer failed with ${user.status}`);
    const res = await sim.api("POST", "/api/v2/tickets", {
      ticket: {
        requester_id: user.body.user.id,
        subject: `Refund for order ${1000 + customers}`,
        tags: [tag],
        comment: { body: `Please refund me, write to ${email}.`, author_id: user.body.user.id, public: true },
      },
    });
    if (res.status !== 201) throw new Error(`creating a ticket failed with ${res.status}`);
    ids.push(res.body.ticket.id);
  }
  return ids;
}

/** Tags of a ticket as the simulator holds it. */
export async function ticketTags(sim: SimHandle, id: number): Promise<string[]> {
  const record = await sim.inspect<{ ticket: { tags: string[] } }>("GET", `/__sim/tickets/${id}`);
  return record.ticket.tags;
}
