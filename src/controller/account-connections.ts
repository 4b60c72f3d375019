import type { ZendeskAccount } from "../api/zendesk-account.js";
import { type AccountConnection, type AccountSecrets, connectAccount } from "../sweep/connect.js";
import type { Clock } from "../zendesk/clock.js";
import type { RequestLogger } from "../zendesk/request-log.js";
import { keyText, type ObjectKey } from "./cluster.js";
import { Semaphore } from "./semaphore.js";

// One connection per account, shared by the sweeps of all its policies so that they share its
// rate budget (ZENDESK_API.md 2.1-2.5), and a bound on how many of them sweep at once. The account
// reconciler makes the connection (and replaces it when the account's spec or Secret changed);
// the sweep runner borrows it. A replaced connection keeps serving the sweeps that borrowed it
// and closes when the last of them gives it back, so a rotation never cuts a sweep short.

/** A borrowed connection; give it back when the sweep ended. */
export interface ConnectionLease {
  connection: AccountConnection;
  release(): Promise<void>;
}

export interface AccountConnectionsOptions {
  clock: Clock;
  /** Sweeps at once on one account. */
  maxSweepsPerAccount: number;
  requestLogger?: (account: ObjectKey) => RequestLogger;
  /** Reports the connection's budget (metrics) until the returned function is called. */
  watchBudget?: (account: ObjectKey, connection: AccountConnection) => () => void;
  /** connectAccount; tests may replace it. */
  connect?: typeof connectAccount;
}

interface Held {
  connection: AccountConnection;
  /** What the connection was made from: the account's uid and generation, the Secrets' versions. */
  fingerprint: string;
  users: number;
  retired: boolean;
  unwatch: (() => void) | undefined;
}

interface Entry {
  current: Held | undefined;
  slots: Semaphore;
}

export class AccountConnections {
  private readonly entries = new Map<string, Entry>();
  /** Every connection not closed yet, current or retired. */
  private readonly open = new Set<Held>();
  private readonly connect: typeof connectAccount;

  constructor(private readonly options: AccountConnectionsOptions) {
    this.connect = options.connect ?? connectAccount;
  }

  /**
   * The account's connection as made from `fingerprint`: the current one when it was made from
   * the same, else a new one that replaces it (`fresh`). Throws connectAccount's
   * AccountConfigError when the account cannot be connected as configured (the current
   * connection is retired then: it no longer describes the account).
   */
  ensure(
    key: ObjectKey,
    account: ZendeskAccount,
    secrets: AccountSecrets,
    fingerprint: string,
  ): { connection: AccountConnection; fresh: boolean } {
    const entry = this.entry(key);
    if (entry.current && entry.current.fingerprint === fingerprint)
      return { connection: entry.current.connection, fresh: false };
    this.retire(entry);
    const connection = this.connect(account, secrets, {
      clock: this.options.clock,
      ...(this.options.requestLogger ? { requestLogger: this.options.requestLogger(key) } : {}),
    });
    const held: Held = { connection, fingerprint, users: 0, retired: false, unwatch: undefined };
    held.unwatch = this.options.watchBudget?.(key, connection);
    entry.current = held;
    this.open.add(held);
    return { connection, fresh: true };
  }

  /** The account's current connection, if the account reconciler made one. */
  current(key: ObjectKey): AccountConnection | undefined {
    return this.entries.get(keyText(key))?.current?.connection;
  }

  /** Borrows the current connection for one sweep; undefined when there is none. */
  use(key: ObjectKey): ConnectionLease | undefined {
    const held = this.entries.get(keyText(key))?.current;
    if (!held) return undefined;
    held.users += 1;
    let released = false;
    return {
      connection: held.connection,
      release: async () => {
        if (released) return;
        released = true;
        held.users -= 1;
        if (held.retired && held.users === 0) await this.close(held);
      },
    };
  }

  /**
   * A place among the account's running sweeps (at most maxSweepsPerAccount): resolves with the
   * function that gives it back; rejects with the signal's reason when it aborts first.
   */
  slot(key: ObjectKey, signal?: AbortSignal): Promise<() => void> {
    return this.entry(key).slots.acquire(signal);
  }

  /**
   * The account is gone or can no longer be connected: its connection serves no new sweep, and
   * closes once the sweeps that borrowed it ended.
   */
  forget(key: ObjectKey): void {
    const entry = this.entries.get(keyText(key));
    if (!entry) return;
    this.retire(entry);
    // The semaphore is kept while sweeps hold places in it, so that the bound still holds.
    if (entry.slots.active === 0) this.entries.delete(keyText(key));
  }

  /** Closes every connection no sweep uses; the others close when their sweeps give them back. */
  async closeAll(): Promise<void> {
    for (const entry of this.entries.values()) this.retire(entry);
    await Promise.all([...this.open].filter((h) => h.users === 0).map((h) => this.close(h)));
  }

  private entry(key: ObjectKey): Entry {
    const text = keyText(key);
    let entry = this.entries.get(text);
    if (!entry) {
      entry = { current: undefined, slots: new Semaphore(this.options.maxSweepsPerAccount) };
      this.entries.set(text, entry);
    }
    return entry;
  }

  private retire(entry: Entry): void {
    const held = entry.current;
    if (!held) return;
    entry.current = undefined;
    held.retired = true;
    held.unwatch?.();
    if (held.users === 0) void this.close(held);
  }

  private async close(held: Held): Promise<void> {
    if (!this.open.delete(held)) return;
    await held.connection.close().catch(() => undefined);
  }
}
