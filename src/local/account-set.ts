import type { ZendeskAccountStatus } from "../api/zendesk-account.js";
import { type AccountDeps, AccountRuntime } from "./accounts.js";
import type { DirectorySnapshot } from "./directory.js";
import type { ResourceRef } from "./events.js";
import type { GenerationCounter } from "./generations.js";
import type { AccountState } from "./policy-plan.js";
import { refOf, refText } from "./policy-runtime.js";
import { resourceKey } from "./status-files.js";

// The accounts of hush run's directory, each with its connection (accounts.ts): brought in line
// with the directory on every read of it, and asked by the policies' loops whether their account
// can be used.

export interface AccountChanges {
  /** Keys of accounts whose spec or Secret changed: sweeps on their old connection must start again. */
  changed: string[];
  /** Accounts no longer in the directory; their connections close once their sweeps ended. */
  removed: AccountRuntime[];
}

export class AccountSet {
  private readonly accounts = new Map<string, AccountRuntime>();

  constructor(
    private readonly concurrency: number,
    private readonly deps: AccountDeps,
    /** The status a new account starts from (its status file, or its last run in this process). */
    private readonly rememberedStatus: (ref: ResourceRef) => ZendeskAccountStatus | undefined,
  ) {}

  get(key: string): AccountRuntime | undefined {
    return this.accounts.get(key);
  }

  values(): IterableIterator<AccountRuntime> {
    return this.accounts.values();
  }

  /**
   * Takes the accounts as the snapshot has them: new ones get a connection, changed ones a new
   * connection, and each new or changed one is checked at once, so that its status says whether it
   * works before a policy needs it. `signal` cuts those checks short (shutdown).
   */
  apply(snapshot: DirectorySnapshot, counter: GenerationCounter, signal: AbortSignal): AccountChanges {
    const secrets = snapshot.resources.secrets.map((s) => s.resource);
    const seen = new Set<string>();
    const changed: string[] = [];
    for (const loaded of snapshot.resources.accounts) {
      const ref = refOf(loaded.resource.metadata);
      const key = refText(ref);
      if (seen.has(key)) continue; // a duplicate: the first one counts (validate reports it)
      seen.add(key);
      const { generation } = counter.observe(
        resourceKey("ZendeskAccount", ref.namespace, ref.name),
        loaded.resource.metadata.generation ?? 1,
        loaded.resource.spec,
      );
      let acc = this.accounts.get(key);
      if (!acc) {
        acc = new AccountRuntime(ref, loaded.resource, this.concurrency, this.deps);
        acc.status = this.rememberedStatus(ref);
        this.accounts.set(key, acc);
      }
      const update = acc.update(loaded.resource, generation, secrets);
      if (update !== "same") void acc.ready(signal).catch(() => {});
      if (update === "changed") changed.push(key);
    }
    const removed: AccountRuntime[] = [];
    for (const [key, acc] of this.accounts) {
      if (seen.has(key)) continue;
      this.accounts.delete(key);
      removed.push(acc);
    }
    return { changed, removed };
  }

  /** What the account `key` is like now: invalid, missing, or how its credentials check went. */
  async stateOf(
    key: string,
    snapshot: DirectorySnapshot | undefined,
    dir: string,
    signal: AbortSignal,
  ): Promise<AccountState> {
    const problems = snapshot?.problems.filter((p) => p.kind === "ZendeskAccount" && p.name === key) ?? [];
    if (problems.length > 0) return { kind: "invalid", key, problems };
    const acc = this.accounts.get(key);
    if (!acc) return { kind: "missing", key, dir };
    const check = await acc.ready(signal);
    return { kind: "checked", key, check, retryAt: acc.retryAt() };
  }

  /** Closes every connection (shutdown, once the sweeps ended). */
  async close(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((acc) => acc.close()));
  }
}
