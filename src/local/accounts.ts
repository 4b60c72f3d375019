import { createHash } from "node:crypto";
import type { SecretResource } from "../api/secret.js";
import type { ZendeskAccount, ZendeskAccountStatus } from "../api/zendesk-account.js";
import { Semaphore } from "../controller/semaphore.js";
import { type ConnectionLease, SharedConnection } from "../controller/shared-connection.js";
import { type AccountCheck, rateLimitStatusOf } from "../controller/status.js";
import type { AccountConnection, checkCredentials, connectAccount } from "../sweep/connect.js";
import type { Clock } from "../zendesk/clock.js";
import type { RequestLogger } from "../zendesk/request-log.js";
import { secretsOf } from "./secrets.js";

// One connection per account, shared by all of its policies so that they share its rate budget,
// and the answer to "can Hush use this account now?" (the credentials check). A changed account
// (spec or Secret) gets a new connection; the old one is closed once the sweeps using it ended.

export interface AccountRef {
  namespace: string;
  name: string;
}

/** How long a check is trusted: an ok for an hour, a failure that fixes itself for 30 s, others 10 min. */
export const CHECK_TTL_MS = { ok: 60 * 60_000, transient: 30_000, permanent: 10 * 60_000 } as const;

const TRANSIENT: ReadonlySet<string> = new Set(["Unreachable", "RateLimited"]);

export interface AccountDeps {
  connect: typeof connectAccount;
  check: typeof checkCredentials;
  clock: Clock;
  requestLogger?: (account: AccountRef) => RequestLogger;
  watchBudget?: (account: AccountRef, connection: AccountConnection) => () => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Told the result of every credentials check, and of every problem found without one. */
  onChecked?: (account: AccountRuntime, check: AccountCheck) => void;
}

export class AccountRuntime {
  readonly semaphore: Semaphore;
  account: ZendeskAccount;
  generation = 1;
  /** Identifies spec + secrets; a change means a new connection. */
  private fingerprint = "";
  /** Why there is no connection (a missing Secret or key, an unusable spec), when there is none. */
  problem: AccountCheck | undefined;
  status: ZendeskAccountStatus | undefined;
  private current: SharedConnection | undefined;
  private lastCheck: { result: AccountCheck; at: number } | undefined;
  private checking: Promise<AccountCheck> | undefined;

  constructor(
    readonly ref: AccountRef,
    account: ZendeskAccount,
    concurrency: number,
    private readonly deps: AccountDeps,
  ) {
    this.account = account;
    this.semaphore = new Semaphore(concurrency);
  }

  get key(): string {
    return `${this.ref.namespace}/${this.ref.name}`;
  }

  get connection(): AccountConnection | undefined {
    return this.current?.connection;
  }

  /**
   * Takes the account as the directory now has it. Returns "changed" when its spec or secrets
   * differ from the last update's, which makes running sweeps' connection stale.
   */
  update(
    account: ZendeskAccount,
    generation: number,
    secrets: readonly SecretResource[],
  ): "new" | "changed" | "same" {
    this.account = account;
    this.generation = generation;
    const resolved = secretsOf(account, secrets, this.deps.env);
    const fingerprint = createHash("sha256")
      .update(JSON.stringify({ spec: account.spec, secrets: resolved }))
      .digest("hex");
    if (fingerprint === this.fingerprint) return "same";
    const changed = this.fingerprint !== "" ? "changed" : "new";
    this.fingerprint = fingerprint;
    void this.retire();
    this.lastCheck = undefined;
    this.problem = undefined;
    if (!resolved.ok) {
      this.problem = { ok: false, reason: "SecretNotFound", message: resolved.message };
      this.deps.onChecked?.(this, this.problem);
      return changed;
    }
    try {
      const connection = this.deps.connect(account, resolved.secrets, {
        clock: this.deps.clock,
        ...(this.deps.requestLogger ? { requestLogger: this.deps.requestLogger(this.ref) } : {}),
      });
      this.current = new SharedConnection(connection, this.deps.watchBudget?.(this.ref, connection));
    } catch (error) {
      this.problem = { ok: false, reason: "InvalidSpec", message: (error as Error).message };
      this.deps.onChecked?.(this, this.problem);
    }
    return changed;
  }

  /**
   * Whether the account can be used now: checks the credentials (GET /api/v2/users/me) unless a
   * recent check answered; concurrent callers share one check.
   */
  async ready(signal?: AbortSignal): Promise<AccountCheck> {
    if (this.problem) return this.problem;
    const connection = this.connection;
    if (!connection) return { ok: false, reason: "InvalidSpec", message: "The account has no connection." };
    const last = this.lastCheck;
    if (last && this.deps.clock.now() - last.at < ttlOf(last.result)) return last.result;
    if (!this.checking) {
      this.checking = (async () => {
        const result = await this.deps.check(connection, signal);
        const check: AccountCheck = result.ok
          ? { ok: true, rateLimit: rateLimitStatusOf(connection.budget) }
          : result;
        // A check of a connection replaced meanwhile says nothing about the new one.
        if (this.connection === connection) {
          this.lastCheck = { result: check, at: this.deps.clock.now() };
          this.deps.onChecked?.(this, check);
        }
        return check;
      })().finally(() => {
        this.checking = undefined;
      });
    }
    return this.checking;
  }

  /** Makes the next ready() check the credentials again (a sweep on this account failed). */
  forgetCheck(): void {
    this.lastCheck = undefined;
  }

  /** When the account should be checked again after a failure; undefined while it is fine. */
  retryAt(): number | undefined {
    const last = this.lastCheck;
    if (!last || last.result.ok) return undefined;
    return last.at + ttlOf(last.result);
  }

  /** The connection for one sweep; call release when the sweep ended. */
  use(): ConnectionLease | undefined {
    return this.current?.borrow();
  }

  /**
   * Closes the account's connections: those no sweep uses now, and each of the others when its
   * last sweep releases it, so that a cancelled sweep of a removed account winds down (finishing
   * the step in flight) on a connection that still works. At shutdown every sweep has ended.
   */
  async close(): Promise<void> {
    await this.retire();
  }

  /** The current connection serves no new sweep; resolves once it closed, or at once while in use. */
  private retire(): Promise<void> {
    const shared = this.current;
    this.current = undefined;
    return shared ? shared.retire() : Promise.resolve();
  }
}

function ttlOf(check: AccountCheck): number {
  if (check.ok) return CHECK_TTL_MS.ok;
  return TRANSIENT.has(check.reason) ? CHECK_TTL_MS.transient : CHECK_TTL_MS.permanent;
}
