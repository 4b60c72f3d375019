import { join } from "node:path";
import type { ResourceProblem } from "../api/load.js";
import type { RedactionPolicy, RedactionPolicyStatus } from "../api/redaction-policy.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";
import { nextSweepTime } from "../controller/schedule.js";
import {
  type AccountCheck,
  accountStatusAfterCheck,
  policyStatusAfterSweep,
  policyStatusSweeping,
} from "../controller/status.js";
import { fileAuditSink } from "../observability/audit.js";
import type { HushMetrics } from "../observability/metrics.js";
import { checkCredentials, connectAccount } from "../sweep/connect.js";
import type { AuditSink } from "../sweep/evidence.js";
import { fileSweepState } from "../sweep/file-sweep-state.js";
import { runSweep } from "../sweep/run-sweep.js";
import type { SweepStateStore } from "../sweep/sweep-state.js";
import { type Clock, systemClock } from "../zendesk/clock.js";
import { AccountRuntime } from "./accounts.js";
import { type DirectorySnapshot, readDirectory, statusFileOf, watchDirectory } from "./directory.js";
import type { LoopEvent, PolicyOutcome, ResourceRef } from "./events.js";
import { GenerationCounter } from "./generations.js";
import { lockDirectory } from "./lock.js";
import {
  type AccountState,
  needsAccount,
  type PlanInput,
  planPolicy,
  reactionToEdit,
} from "./policy-plan.js";
import { sweepPolicy } from "./policy-sweep.js";
import { StatusBook, type StatusFileContent, type StatusMode, statusFilesOf } from "./status-book.js";
import { readStatusFile, resourceKey } from "./status-files.js";

// `hush run`: the controller loop without Kubernetes. It reads the resources of a directory, and
// for every policy computes when its next sweep is due (controller/schedule.ts), runs it through
// the sweep engine on the account's shared connection, and writes the status the operator would
// (controller/status.ts) next to the files. Level-triggered, as a reconciler: whenever something
// changes (a file, a sweep's end, a timer) a policy's loop looks at the whole picture again.
//
// Bounds: at most one sweep per policy, at most `accountConcurrency` sweeps per account (they
// share its rate budget). Shutdown cancels running sweeps, which keep their state, and the next
// start resumes them.

export type { LoopEvent, PolicyOutcome } from "./events.js";

export const APPROVE_ANNOTATION = "hush.dev/approve";
export const REQUESTED_AT_ANNOTATION = "hush.dev/requested-at";

export interface LocalLoopDeps {
  runSweep: typeof runSweep;
  connectAccount: typeof connectAccount;
  checkCredentials: typeof checkCredentials;
  fileSweepState: (dir: string, policyKey: string) => Promise<SweepStateStore>;
  auditSink: (path: string) => Promise<AuditSink>;
}

export interface LocalLoopOptions {
  dir: string;
  /** Sweep state, generations and the lock; default DIR/.hush. */
  hushDir?: string;
  /** The audit file; default DIR/.hush/audit.jsonl. */
  auditPath?: string;
  status?: StatusMode;
  /** Where --status print writes YAML documents; default stdout. */
  printStatus?: (text: string) => void;
  /** Run every policy once, then stop (the result lists how each ended). */
  once?: boolean;
  /** Start every policy's first sweep now instead of at its schedule. */
  sweepNow?: boolean;
  /** Sweeps at once on one account (default 2). */
  accountConcurrency?: number;
  /** How often the directory is looked at for changes (default 2 s). */
  pollIntervalMs?: number;
  clock?: Clock;
  metrics?: HushMetrics;
  env?: Readonly<Record<string, string | undefined>>;
  onEvent?: (event: LoopEvent) => void;
  deps?: Partial<LocalLoopDeps>;
}

const DEFAULT_DEPS: LocalLoopDeps = {
  runSweep,
  connectAccount,
  checkCredentials,
  fileSweepState,
  auditSink: fileAuditSink,
};

/** Longest single wait: timers beyond 24.8 days overflow, and waking hourly keeps up with clock jumps. */
const MAX_WAIT_MS = 60 * 60_000;

interface PolicyRuntime {
  key: string;
  ref: ResourceRef;
  policy: RedactionPolicy;
  generation: number;
  file: string;
  document: number;
  problems: ResourceProblem[];
  status: RedactionPolicyStatus | undefined;
  wake: AbortController;
  running: { controller: AbortController } | undefined;
  sweepNow: boolean;
  removed: boolean;
  /** When the last sweep of this process started (the interval counts from it). */
  lastStart: Date | undefined;
  approval: string | undefined;
  requestedAt: string | undefined;
  outcome: PolicyOutcome | undefined;
  loop: Promise<void> | undefined;
}

const keyOf = (meta: { namespace?: string | undefined; name: string }): ResourceRef => ({
  namespace: meta.namespace ?? "default",
  name: meta.name,
});
const refText = (ref: ResourceRef) => `${ref.namespace}/${ref.name}`;

export class LocalLoop {
  private readonly deps: LocalLoopDeps;
  private readonly clock: Clock;
  private readonly hushDir: string;
  private readonly stopper = new AbortController();
  private readonly accounts = new Map<string, AccountRuntime>();
  private readonly policies = new Map<string, PolicyRuntime>();
  /** Statuses of resources from the status files and of resources that left, by resourceKey. */
  private readonly remembered = new Map<string, { generation: number; status: unknown }>();
  private snapshot: DirectorySnapshot | undefined;
  private generations: GenerationCounter | undefined;
  private audit: AuditSink | undefined;
  private book: StatusBook;
  private readonly states = new Map<string, Promise<SweepStateStore>>();
  private watcher: Promise<void> | undefined;
  private releaseLock: (() => Promise<void>) | undefined;
  private firstRoundKeys = new Set<string>();
  private resolveFirstRound: (() => void) | undefined;
  private stopped: Promise<PolicyOutcome[]> | undefined;
  /** Resolves when every policy present at the start has ended its first sweep or cannot sweep. */
  readonly firstRound: Promise<PolicyOutcome[]>;

  private constructor(private readonly options: LocalLoopOptions) {
    this.deps = { ...DEFAULT_DEPS, ...options.deps };
    this.clock = options.clock ?? systemClock;
    this.hushDir = options.hushDir ?? join(options.dir, ".hush");
    const print = options.printStatus ?? ((text: string) => process.stdout.write(text));
    this.book = new StatusBook(
      options.status ?? "write",
      { files: () => this.statusFiles() },
      print,
      (error) => this.emit({ type: "error", message: `writing status failed: ${error.message}` }),
    );
    this.firstRound = new Promise<void>((resolve) => {
      this.resolveFirstRound = resolve;
    }).then(() => this.outcomes());
  }

  /** Locks the directory, reads it, and starts every policy's loop (and the watch of the directory). */
  static async start(options: LocalLoopOptions): Promise<LocalLoop> {
    const loop = new LocalLoop(options);
    await loop.open();
    return loop;
  }

  private async open(): Promise<void> {
    // Fails early on a missing directory, before anything is created in it.
    const snapshot = await readDirectory(this.options.dir);
    this.releaseLock = await lockDirectory(join(this.hushDir, "lock"), this.options.dir);
    try {
      this.generations = await GenerationCounter.open(join(this.hushDir, "generations.json"));
      this.audit = await this.deps.auditSink(this.options.auditPath ?? join(this.hushDir, "audit.jsonl"));
      for (const file of snapshot.files) {
        for (const [key, value] of await readStatusFile(statusFileOf(file))) this.remembered.set(key, value);
      }
      await this.apply(snapshot, true);
    } catch (error) {
      await this.stop();
      throw error;
    }
    if (!this.options.once) {
      this.watcher = watchDirectory(
        this.options.dir,
        (next) => this.apply(next, false),
        {
          clock: this.clock,
          signal: this.stopper.signal,
          since: snapshot,
          ...(this.options.pollIntervalMs === undefined ? {} : { intervalMs: this.options.pollIntervalMs }),
        },
        (error) =>
          this.emit({ type: "error", message: `reading ${this.options.dir} failed: ${error.message}` }),
      );
    }
  }

  /** Where the audit records go. */
  get auditPath(): string {
    return this.options.auditPath ?? join(this.hushDir, "audit.jsonl");
  }

  /** Stops: cancels running sweeps (their state stays for the next start), writes status, closes. */
  stop(): Promise<PolicyOutcome[]> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<PolicyOutcome[]> {
    for (const rt of this.policies.values())
      this.cancel(rt, "hush run stopped; the next start resumes the sweep");
    this.stopper.abort(new Error("hush run stopped"));
    for (const rt of this.policies.values()) rt.wake.abort();
    await this.watcher;
    await Promise.all([...this.policies.values()].map((rt) => rt.loop));
    await this.book.flush();
    await Promise.all([...this.accounts.values()].map((acc) => acc.close()));
    for (const state of this.states.values()) await (await state.catch(() => undefined))?.close();
    await this.audit?.close();
    await this.releaseLock?.();
    this.resolveFirstRound?.();
    return this.outcomes();
  }

  outcomes(): PolicyOutcome[] {
    return [...this.policies.values()]
      .filter((rt) => rt.outcome)
      .map((rt) => rt.outcome!)
      .sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0));
  }

  private emit(event: LoopEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener's failure must not stop sweeps.
    }
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  // --- the directory ------------------------------------------------------------------------------

  private async apply(snapshot: DirectorySnapshot, initial: boolean): Promise<void> {
    if (this.stopper.signal.aborted) return;
    this.snapshot = snapshot;
    const counter = this.generations!;
    const { accounts, policies } = snapshot.resources;

    this.applyAccounts(snapshot);

    const seenPolicies = new Set<string>();
    for (const loaded of policies) {
      const policy = loaded.resource;
      const ref = keyOf(policy.metadata);
      const key = refText(ref);
      if (seenPolicies.has(key)) continue;
      seenPolicies.add(key);
      const { generation } = counter.observe(
        resourceKey("RedactionPolicy", ref.namespace, ref.name),
        policy.metadata.generation ?? 1,
        policy.spec,
      );
      const problems = snapshot.problems.filter(
        (p) => p.file === loaded.file && p.document === loaded.document,
      );
      const approval = policy.metadata.annotations?.[APPROVE_ANNOTATION];
      const requestedAt = policy.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
      let rt = this.policies.get(key);
      if (!rt) {
        rt = {
          key,
          ref,
          policy,
          generation,
          file: loaded.file,
          document: loaded.document,
          problems,
          status: this.rememberedStatus("RedactionPolicy", ref) as RedactionPolicyStatus | undefined,
          wake: new AbortController(),
          running: undefined,
          sweepNow: Boolean(this.options.sweepNow || this.options.once),
          removed: false,
          lastStart: undefined,
          approval,
          requestedAt,
          outcome: undefined,
          loop: undefined,
        };
        if (initial && !rt.sweepNow) rt.sweepNow = await this.interrupted(rt);
        this.policies.set(key, rt);
      } else {
        const reaction = reactionToEdit({
          before: {
            generation: rt.generation,
            approval: rt.approval,
            requestedAt: rt.requestedAt,
            lastResult: rt.status?.lastSweep?.result,
          },
          after: {
            generation,
            suspend: policy.spec.suspend,
            invalid: problems.length > 0,
            approval,
            requestedAt,
          },
        });
        if (reaction.cancel) this.cancel(rt, reaction.cancel.reason, reaction.cancel.restart);
        if (reaction.sweepNow) rt.sweepNow = true;
        Object.assign(rt, {
          policy,
          generation,
          file: loaded.file,
          document: loaded.document,
          problems,
          approval,
          requestedAt,
        });
      }
    }
    await counter.save();
    for (const [key, rt] of this.policies) {
      if (seenPolicies.has(key)) continue;
      rt.removed = true;
      this.cancel(rt, "the policy was removed from the directory");
      this.remember("RedactionPolicy", rt.ref, rt.generation, rt.status);
      this.policies.delete(key);
      this.options.metrics?.forgetPolicy(rt.ref);
      rt.outcome ??= { policy: key, file: rt.file, idle: true };
      rt.wake.abort();
      this.firstRoundKeys.delete(key);
    }
    if (initial) for (const key of this.policies.keys()) this.firstRoundKeys.add(key);
    // Existing loops look again (the policy, its account or their problems may have changed);
    // new ones start.
    for (const rt of this.policies.values()) {
      if (rt.loop) this.wake(rt);
      else rt.loop = this.policyLoop(rt);
    }
    this.emit({
      type: "loaded",
      files: snapshot.files.length,
      accounts: accounts.length,
      policies: policies.length,
      problems: snapshot.problems,
    });
    this.book.refreshAll();
    this.checkFirstRound();
  }

  /** Accounts as the directory has them now: new connections for changed ones, removed ones closed. */
  private applyAccounts(snapshot: DirectorySnapshot): void {
    const counter = this.generations!;
    const secretList = snapshot.resources.secrets.map((s) => s.resource);
    const seenAccounts = new Set<string>();
    for (const loaded of snapshot.resources.accounts) {
      const ref = keyOf(loaded.resource.metadata);
      const key = refText(ref);
      if (seenAccounts.has(key)) continue; // a duplicate: the first one counts (validate reports it)
      seenAccounts.add(key);
      const { generation } = counter.observe(
        resourceKey("ZendeskAccount", ref.namespace, ref.name),
        loaded.resource.metadata.generation ?? 1,
        loaded.resource.spec,
      );
      let acc = this.accounts.get(key);
      if (!acc) {
        acc = new AccountRuntime(ref, loaded.resource, this.options.accountConcurrency ?? 2, {
          connect: this.deps.connectAccount,
          check: this.deps.checkCredentials,
          clock: this.clock,
          env: this.options.env ?? process.env,
          onChecked: (account, check) => this.accountChecked(account, check),
          ...(this.options.metrics
            ? {
                requestLogger: (account: ResourceRef) => this.options.metrics!.requestLogger(account),
                watchBudget: (account: ResourceRef, connection) =>
                  this.options.metrics!.watchBudget(account, connection.budget),
              }
            : {}),
        });
        acc.status = this.rememberedStatus("ZendeskAccount", ref) as ZendeskAccount["status"];
        this.accounts.set(key, acc);
      }
      const update = acc.update(loaded.resource, generation, secretList);
      // Checked now, so that its status says whether it works even before a policy needs it.
      if (update !== "same") void acc.ready(this.stopper.signal).catch(() => {});
      if (update === "changed") {
        for (const rt of this.policies.values()) {
          if (this.accountKeyOf(rt) === key) {
            this.cancel(rt, "the account's spec or Secret changed; the sweep starts again with them", true);
          }
        }
      }
    }
    for (const [key, acc] of this.accounts) {
      if (seenAccounts.has(key)) continue;
      this.remember("ZendeskAccount", acc.ref, acc.generation, acc.status);
      this.accounts.delete(key);
      this.options.metrics?.forgetAccount(acc.ref);
      for (const rt of this.policies.values()) {
        if (this.accountKeyOf(rt) === key) this.cancel(rt, "the account was removed from the directory");
      }
      void acc.close();
    }
  }

  /** Whether the policy's last sweep was cut short (a crash or a shutdown) and should resume now. */
  private async interrupted(rt: PolicyRuntime): Promise<boolean> {
    if (rt.status?.currentSweep) return true;
    const last = rt.status?.lastSweep?.result;
    if (last === "LimitReached") return false; // the rest waits for the next scheduled sweep
    try {
      const unfinished = await (await this.stateOf(rt)).load();
      return unfinished !== undefined;
    } catch {
      return false;
    }
  }

  private rememberedStatus(kind: "ZendeskAccount" | "RedactionPolicy", ref: ResourceRef): unknown {
    return this.remembered.get(resourceKey(kind, ref.namespace, ref.name))?.status;
  }

  private remember(
    kind: "ZendeskAccount" | "RedactionPolicy",
    ref: ResourceRef,
    generation: number,
    status: unknown,
  ): void {
    if (status) this.remembered.set(resourceKey(kind, ref.namespace, ref.name), { generation, status });
  }

  private accountKeyOf(rt: PolicyRuntime): string {
    return `${rt.ref.namespace}/${rt.policy.spec.accountRef.name}`;
  }

  // --- status -------------------------------------------------------------------------------------

  /** Every resource file with its resources' statuses, for the status book. */
  private statusFiles(): Map<string, StatusFileContent> {
    if (!this.snapshot) return new Map();
    return statusFilesOf(this.snapshot, {
      account: (resource) => {
        const acc = this.accounts.get(refText(keyOf(resource.metadata)));
        // Only the copy of the resource the loop runs (not a duplicate of its name).
        return acc?.account === resource ? { generation: acc.generation, status: acc.status } : undefined;
      },
      policy: (resource) => {
        const rt = this.policies.get(refText(keyOf(resource.metadata)));
        return rt?.policy === resource ? { generation: rt.generation, status: rt.status } : undefined;
      },
    });
  }

  private policyChanged(rt: PolicyRuntime, progressOnly = false): void {
    this.book.changed(
      rt.file,
      { kind: "RedactionPolicy", ...rt.ref, generation: rt.generation, status: rt.status },
      progressOnly,
    );
  }

  private accountChecked(acc: AccountRuntime, check: AccountCheck): void {
    acc.status = accountStatusAfterCheck(acc.status, check, acc.generation, this.now());
    this.options.metrics?.setAccountReady(acc.ref, check.ok);
    this.emit({ type: "accountChecked", account: acc.ref, check });
    const file = this.snapshot?.resources.accounts.find((a) => a.resource === acc.account)?.file;
    if (file)
      this.book.changed(file, {
        kind: "ZendeskAccount",
        ...acc.ref,
        generation: acc.generation,
        status: acc.status,
      });
  }

  private setOutcome(rt: PolicyRuntime, outcome: Omit<PolicyOutcome, "policy" | "file">): void {
    if (rt.outcome) return;
    rt.outcome = { policy: rt.key, file: rt.file, ...outcome };
    this.checkFirstRound();
  }

  private checkFirstRound(): void {
    for (const key of this.firstRoundKeys) if (!this.policies.get(key)?.outcome) return;
    this.resolveFirstRound?.();
  }

  // --- one policy ---------------------------------------------------------------------------------

  private wake(rt: PolicyRuntime): void {
    const previous = rt.wake;
    rt.wake = new AbortController();
    previous.abort();
  }

  private cancel(rt: PolicyRuntime, reason: string, restart = false): void {
    if (!rt.running || rt.running.controller.signal.aborted) return;
    if (restart) rt.sweepNow = true;
    this.emit({ type: "sweepCancelling", policy: rt.ref, reason });
    rt.running.controller.abort(new Error(reason));
  }

  private async policyLoop(rt: PolicyRuntime): Promise<void> {
    while (!this.stopper.signal.aborted && !rt.removed) {
      const wake = rt.wake.signal;
      let due: Date | undefined;
      let retry: Date | undefined;
      try {
        ({ due, retry } = await this.plan(rt));
      } catch (error) {
        if (this.stopper.signal.aborted) break;
        this.emit({
          type: "error",
          message: `planning policy ${rt.key} failed: ${(error as Error).message}`,
        });
        retry = new Date(this.clock.now() + 60_000);
      }
      if (due === undefined) {
        if (this.options.once) break;
        await this.waitUntil(retry, wake);
        continue;
      }
      if (!(await this.waitUntil(due, wake))) continue;
      await this.sweep(rt);
      if (this.options.once) break;
    }
    this.setOutcome(rt, { idle: true });
  }

  /** Sleeps until `at` (forever when undefined); false when woken first. */
  private async waitUntil(at: Date | undefined, wake: AbortSignal): Promise<boolean> {
    if (wake.aborted) return false;
    if (at === undefined) {
      await new Promise<void>((resolve) => wake.addEventListener("abort", () => resolve(), { once: true }));
      return false;
    }
    for (;;) {
      const remaining = at.getTime() - this.clock.now();
      if (remaining <= 0) return true;
      try {
        await this.clock.sleep(Math.min(remaining, MAX_WAIT_MS), wake);
      } catch {
        return false;
      }
    }
  }

  /**
   * Looks at the policy as a reconciler does (policy-plan.ts), checking its account only when the
   * answer depends on it, and carries the decision out: status, metrics, events, outcome.
   */
  private async plan(rt: PolicyRuntime): Promise<{ due?: Date; retry?: Date }> {
    const input: PlanInput = {
      policy: rt.policy,
      generation: rt.generation,
      file: rt.file,
      problems: rt.problems,
      status: rt.status,
      now: this.now(),
      sweepNow: rt.sweepNow,
      lastStart: rt.lastStart,
    };
    const decision = planPolicy(input, needsAccount(input) ? await this.accountState(rt) : undefined);
    rt.status = decision.status;
    this.policyChanged(rt);
    switch (decision.kind) {
      case "stalled":
        this.options.metrics?.setNextSweepTime(rt.ref, undefined);
        this.emit({
          type: "policyStalled",
          policy: rt.ref,
          reason: decision.reason,
          message: decision.message,
        });
        this.setOutcome(rt, { stalled: { reason: decision.reason, message: decision.message } });
        return decision.retry ? { retry: decision.retry } : {};
      case "suspended":
        this.options.metrics?.setNextSweepTime(rt.ref, undefined);
        this.setOutcome(rt, { suspended: true });
        return {};
      case "waitingForAccount":
        this.options.metrics?.setNextSweepTime(rt.ref, decision.retry?.getTime());
        if (this.options.once)
          this.setOutcome(rt, { stalled: { reason: "AccountNotReady", message: decision.message } });
        return decision.retry ? { retry: decision.retry } : {};
      case "scheduled": {
        const { due } = decision;
        this.options.metrics?.setNextSweepTime(rt.ref, due?.getTime());
        this.emit({
          type: "policyWaiting",
          policy: rt.ref,
          nextSweepTime: due,
          dueNow: due !== undefined && due <= input.now,
        });
        if (!due) this.setOutcome(rt, { idle: true });
        return due ? { due } : {};
      }
    }
  }

  /** What the policy's account is like now: missing, invalid, or how its credentials check went. */
  private async accountState(rt: PolicyRuntime): Promise<AccountState> {
    const key = this.accountKeyOf(rt);
    const problems =
      this.snapshot?.problems.filter((p) => p.kind === "ZendeskAccount" && p.name === key) ?? [];
    if (problems.length > 0) return { kind: "invalid", key, problems };
    const acc = this.accounts.get(key);
    if (!acc) return { kind: "missing", key, dir: this.options.dir };
    const check = await acc.ready(this.stopper.signal);
    return { kind: "checked", key, check, retryAt: acc.retryAt() };
  }

  private stateOf(rt: PolicyRuntime): Promise<SweepStateStore> {
    let state = this.states.get(rt.key);
    if (!state) {
      state = this.deps.fileSweepState(join(this.hushDir, "state"), rt.key);
      this.states.set(rt.key, state);
    }
    return state;
  }

  private async sweep(rt: PolicyRuntime): Promise<void> {
    const acc = this.accounts.get(this.accountKeyOf(rt));
    if (!acc) return;
    const controller = new AbortController();
    const onStop = () => controller.abort(this.stopper.signal.reason);
    this.stopper.signal.addEventListener("abort", onStop, { once: true });
    rt.running = { controller };
    let release: (() => void) | undefined;
    let lease: ReturnType<AccountRuntime["use"]>;
    try {
      release = await acc.semaphore.acquire(controller.signal);
      // The check is the account's, shared with other policies: only shutdown may cut it short.
      const check = await acc.ready(this.stopper.signal);
      lease = check.ok ? acc.use() : undefined;
      if (!lease) return; // plan() says why, on the next turn of the loop
      const generation = rt.generation;
      const startedAt = this.now();
      rt.sweepNow = false;
      const state = await this.stateOf(rt);
      this.emit({ type: "sweepStarted", policy: rt.ref, account: acc.ref, generation });
      const { report, error } = await sweepPolicy({
        runSweep: this.deps.runSweep,
        account: acc.account,
        accountRef: acc.ref,
        policy: rt.policy,
        generation,
        connection: lease.connection,
        state,
        audit: this.audit!,
        ...(this.options.metrics
          ? { observer: this.options.metrics.sweepObserverFor(rt.policy.spec.action) }
          : {}),
        ...(rt.approval ? { approval: rt.approval } : {}),
        onProgress: (progress) => {
          if (rt.generation !== generation) return;
          rt.status = policyStatusSweeping(rt.status, progress, generation, this.now());
          this.emit({ type: "sweepProgress", policy: rt.ref, progress });
          this.policyChanged(rt, true);
        },
        signal: controller.signal,
        clock: this.clock,
      });
      if (error)
        this.emit({ type: "error", message: `the sweep of policy ${rt.key} failed: ${error.message}` });
      rt.lastStart = startedAt;
      const now = this.now();
      let next: Date | undefined;
      try {
        next = rt.sweepNow ? now : nextSweepTime(rt.policy.spec.schedule, now, startedAt);
      } catch {
        next = undefined; // plan() reports the invalid schedule
      }
      rt.status = policyStatusAfterSweep(
        rt.status,
        report,
        generation,
        now,
        next,
        rt.policy.spec.limits.approvalAbove,
      );
      this.options.metrics?.setNextSweepTime(rt.ref, next?.getTime());
      this.emit({ type: "sweepEnded", policy: rt.ref, report, nextSweepTime: next });
      this.policyChanged(rt);
      this.setOutcome(rt, { result: report.summary.result, report });
    } catch (error) {
      if (!controller.signal.aborted) {
        this.emit({
          type: "error",
          message: `the sweep of policy ${rt.key} could not start: ${(error as Error).message}`,
        });
      }
    } finally {
      this.stopper.signal.removeEventListener("abort", onStop);
      release?.();
      await lease?.release();
      rt.running = undefined;
    }
  }
}
