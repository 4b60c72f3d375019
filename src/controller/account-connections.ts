import type { ZendeskAccount } from "../api/zendesk-account.js";
import { type AccountConnection, type AccountSecrets, connectAccount } from "../sweep/connect.js";
import type { Clock } from "../zendesk/clock.js";
import type { RequestLogger } from "../zendesk/request-log.js";
import { keyText, type ObjectKey } from "./cluster.js";
import { Semaphore } from "./semaphore.js";
import { type ConnectionLease, SharedConnection } from "./shared-connection.js";

export type { ConnectionLease } from "./shared-connection.js";

// One connection per account, shared by the sweeps of all its policies so that they share its
// rate budget (ZENDESK_API.md 2.1-2.5), and a bound on how many of them sweep at once. The account
// reconciler makes the connection (and replaces it when the account's spec or Secret changed);
// the sweep runner borrows it. A replaced connection keeps serving the sweeps that borrowed it
// and closes when the last of them gives it back, so a rotation never cuts a sweep short.

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
  shared: SharedConnection;
  /** What the connection was made from: the account's uid and generation, the Secrets' versions. */
  fingerprint: string;
}

interface Entry {
  current: Held | undefined;
  slots: Semaphore;
}

export class AccountConnections {
  private readonly entries = new Map<string, Entry>();
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
      return { connection: entry.current.shared.connection, fresh: false };
    void this.retire(entry);
    const connection = this.connect(account, secrets, {
      clock: this.options.clock,
      ...(this.options.requestLogger ? { requestLogger: this.options.requestLogger(key) } : {}),
    });
    entry.current = {
      shared: new SharedConnection(connection, this.options.watchBudget?.(key, connection)),
      fingerprint,
    };
    return { connection, fresh: true };
  }

  /** The account's current connection, if the account reconciler made one. */
  current(key: ObjectKey): AccountConnection | undefined {
    return this.entries.get(keyText(key))?.current?.shared.connection;
  }

  /** Borrows the current connection for one sweep; undefined when there is none. */
  use(key: ObjectKey): ConnectionLease | undefined {
    return this.entries.get(keyText(key))?.current?.shared.borrow();
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
    void this.retire(entry);
    // The semaphore is kept while sweeps hold places in it, so that the bound still holds.
    if (entry.slots.active === 0) this.entries.delete(keyText(key));
  }

  /** Closes every connection no sweep uses; the others close when their sweeps give them back. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => this.retire(entry)));
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

  /** The entry's connection serves no new sweep; resolves once it closed, or at once while in use. */
  private retire(entry: Entry): Promise<void> {
    const held = entry.current;
    entry.current = undefined;
    return held ? held.shared.retire() : Promise.resolve();
  }
}
