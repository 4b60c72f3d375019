import { join } from "node:path";
import type { RedactionPolicyStatus } from "../api/redaction-policy.js";
import type { ZendeskAccountStatus } from "../api/zendesk-account.js";
import { type AccountCheck, accountStatusAfterCheck } from "../controller/status.js";
import { fileAuditSink } from "../observability/audit.js";
import type { HushMetrics } from "../observability/metrics.js";
import { checkCredentials, connectAccount } from "../sweep/connect.js";
import type { AuditSink } from "../sweep/evidence.js";
import { fileSweepState } from "../sweep/file-sweep-state.js";
import { runSweep } from "../sweep/run-sweep.js";
import type { SweepStateStore } from "../sweep/sweep-state.js";
import { type Clock, systemClock } from "../zendesk/clock.js";
import { AccountSet } from "./account-set.js";
import type { AccountRuntime } from "./accounts.js";
import { type DirectorySnapshot, readDirectory, statusFileOf, watchDirectory } from "./directory.js";
import type { LoopEvent, PolicyOutcome, ResourceRef } from "./events.js";
import { GenerationCounter } from "./generations.js";
import { lockDirectory } from "./lock.js";
import { type PolicyLoopContext, runPolicyLoop } from "./policy-loop.js";
import {
  accountKeyOf,
  cancelSweep,
  type PolicyRuntime,
  refOf,
  refText,
  wakePolicy,
} from "./policy-runtime.js";
import { sweepsAtStart, syncPolicies } from "./policy-set.js";
import { StatusBook, type StatusFileContent, type StatusMode, statusFilesOf } from "./status-book.js";
import { readStatusFile, resourceKey } from "./status-files.js";

// `hush run`: the controller loop without Kubernetes. It reads the resources of a directory, and
// for every policy runs a loop (policy-loop.ts) that computes when its next sweep is due
// (controller/schedule.ts), runs it through the sweep engine on the account's shared connection
// (account-set.ts), and writes the status the operator would (controller/status.ts) next to the
// files (status-book.ts). This file holds the whole together: the lock, the directory and its
// changes (policy-set.ts), the loops' lifetimes, and shutdown.
//
// Bounds: at most one sweep per policy, at most `accountConcurrency` sweeps per account (they
// share its rate budget). Shutdown cancels running sweeps, which keep their state, and the next
// start resumes them.

export type { LoopEvent, PolicyOutcome } from "./events.js";
export { APPROVE_ANNOTATION, REQUESTED_AT_ANNOTATION } from "./policy-runtime.js";

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

export class LocalLoop {
  private readonly deps: LocalLoopDeps;
  private readonly clock: Clock;
  private readonly hushDir: string;
  private readonly stopper = new AbortController();
  private readonly accounts: AccountSet;
  private readonly policies = new Map<string, PolicyRuntime>();
  /** Policies removed from the directory whose loop has not ended yet (a sweep winding down), by key. */
  private readonly leaving = new Map<string, Promise<void>>();
  /** Statuses of resources from the status files and of resources that left, by resourceKey. */
  private readonly remembered = new Map<string, { generation: number; status: unknown }>();
  private snapshot: DirectorySnapshot | undefined;
  private generations: GenerationCounter | undefined;
  private audit: AuditSink | undefined;
  private readonly book: StatusBook;
  private readonly states = new Map<string, Promise<SweepStateStore>>();
  private readonly policyContext: PolicyLoopContext;
  private watcher: Promise<void> | undefined;
  private releaseLock: (() => Promise<void>) | undefined;
  private readonly firstRoundKeys = new Set<string>();
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
    const metrics = options.metrics;
    this.accounts = new AccountSet(
      options.accountConcurrency ?? 2,
      {
        connect: this.deps.connectAccount,
        check: this.deps.checkCredentials,
        clock: this.clock,
        env: options.env ?? process.env,
        onChecked: (account, check) => this.accountChecked(account, check),
        ...(metrics
          ? {
              requestLogger: (account: ResourceRef) => metrics.requestLogger(account),
              watchBudget: (account: ResourceRef, connection) =>
                metrics.watchBudget(account, connection.budget),
            }
          : {}),
      },
      (ref) => this.rememberedStatus("ZendeskAccount", ref) as ZendeskAccountStatus | undefined,
    );
    this.policyContext = {
      clock: this.clock,
      stopping: this.stopper.signal,
      once: Boolean(options.once),
      metrics,
      runSweep: this.deps.runSweep,
      audit: () => this.audit!,
      emit: (event) => this.emit(event),
      account: (rt) => this.accounts.get(accountKeyOf(rt)),
      accountState: (rt) =>
        this.accounts.stateOf(accountKeyOf(rt), this.snapshot, options.dir, this.stopper.signal),
      sweepState: (rt) => this.stateOf(rt),
      statusChanged: (rt, progressOnly) => this.policyChanged(rt, progressOnly),
      setOutcome: (rt, outcome) => this.setOutcome(rt, outcome),
    };
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
      this.audit = await this.deps.auditSink(this.auditPath);
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
    const emit = (event: LoopEvent) => this.emit(event);
    for (const rt of this.policies.values())
      cancelSweep(rt, "hush run stopped; the next start resumes the sweep", emit);
    this.stopper.abort(new Error("hush run stopped"));
    for (const rt of this.policies.values()) rt.wake.abort();
    await this.watcher;
    await Promise.all([...this.policies.values()].map((rt) => rt.loop));
    await Promise.all(this.leaving.values());
    await this.book.flush();
    await this.accounts.close();
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

  // --- the directory ------------------------------------------------------------------------------

  private async apply(snapshot: DirectorySnapshot, initial: boolean): Promise<void> {
    if (this.stopper.signal.aborted) return;
    this.snapshot = snapshot;
    const counter = this.generations!;
    const emit = (event: LoopEvent) => this.emit(event);

    const accounts = this.accounts.apply(snapshot, counter, this.stopper.signal);
    const policiesOf = (key: string) => [...this.policies.values()].filter((rt) => accountKeyOf(rt) === key);
    for (const key of accounts.changed) {
      for (const rt of policiesOf(key))
        cancelSweep(rt, "the account's spec or Secret changed; the sweep starts again with them", emit, true);
    }
    for (const acc of accounts.removed) {
      this.remember("ZendeskAccount", acc.ref, acc.generation, acc.status);
      this.options.metrics?.forgetAccount(acc.ref);
      for (const rt of policiesOf(acc.key))
        cancelSweep(rt, "the account was removed from the directory", emit);
      void acc.close();
    }

    const { added, removed } = syncPolicies(this.policies, snapshot, counter, {
      sweepNow: Boolean(this.options.sweepNow || this.options.once),
      rememberedStatus: (ref) =>
        this.rememberedStatus("RedactionPolicy", ref) as RedactionPolicyStatus | undefined,
      emit,
    });
    if (initial) {
      for (const rt of added) if (!rt.sweepNow) rt.sweepNow = sweepsAtStart(rt, await this.unfinished(rt));
    }
    await counter.save();
    for (const rt of removed) this.retire(rt);
    if (initial) for (const key of this.policies.keys()) this.firstRoundKeys.add(key);
    // Existing loops look again (the policy, its account or their problems may have changed);
    // new ones start once a removed namesake's sweep has ended: one sweep per policy at a time.
    for (const rt of this.policies.values()) {
      if (rt.loop) wakePolicy(rt);
      else {
        const before = this.leaving.get(rt.key);
        rt.loop = before
          ? before.then(() => runPolicyLoop(rt, this.policyContext))
          : runPolicyLoop(rt, this.policyContext);
      }
    }
    this.emit({
      type: "loaded",
      files: snapshot.files.length,
      accounts: snapshot.resources.accounts.length,
      policies: snapshot.resources.policies.length,
      problems: snapshot.problems,
    });
    this.book.refreshAll();
    this.checkFirstRound();
  }

  /**
   * A policy that left the directory: its loop ends (after its cancelled sweep, which writes no
   * status file of a file that no longer holds the policy), and its status is remembered in case
   * it comes back.
   */
  private retire(rt: PolicyRuntime): void {
    this.options.metrics?.forgetPolicy(rt.ref);
    rt.outcome ??= { policy: rt.key, file: rt.file, idle: true };
    rt.wake.abort();
    this.firstRoundKeys.delete(rt.key);
    this.remember("RedactionPolicy", rt.ref, rt.generation, rt.status);
    const ended = (rt.loop ?? Promise.resolve())
      .catch(() => {})
      .then(() => {
        this.remember("RedactionPolicy", rt.ref, rt.generation, rt.status);
        if (this.leaving.get(rt.key) === ended) this.leaving.delete(rt.key);
      });
    this.leaving.set(rt.key, ended);
  }

  /** The unfinished sweep the policy's state holds, if any. */
  private async unfinished(rt: PolicyRuntime) {
    try {
      return await (await this.stateOf(rt)).load();
    } catch {
      return undefined;
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

  private stateOf(rt: PolicyRuntime): Promise<SweepStateStore> {
    let state = this.states.get(rt.key);
    if (!state) {
      state = this.deps.fileSweepState(join(this.hushDir, "state"), rt.key);
      this.states.set(rt.key, state);
    }
    return state;
  }

  // --- status -------------------------------------------------------------------------------------

  /** Every resource file with its resources' statuses, for the status book. */
  private statusFiles(): Map<string, StatusFileContent> {
    if (!this.snapshot) return new Map();
    return statusFilesOf(this.snapshot, {
      account: (resource) => {
        const acc = this.accounts.get(refText(refOf(resource.metadata)));
        // Only the copy of the resource the loop runs (not a duplicate of its name).
        return acc?.account === resource ? { generation: acc.generation, status: acc.status } : undefined;
      },
      policy: (resource) => {
        const rt = this.policies.get(refText(refOf(resource.metadata)));
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
    acc.status = accountStatusAfterCheck(acc.status, check, acc.generation, new Date(this.clock.now()));
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
}
