import type { ZendeskAccount } from "../api/zendesk-account.js";
import { AccountConfigError, checkCredentials } from "../sweep/connect.js";
import type { AccountConnections } from "./account-connections.js";
import { readAccountSecrets, secretKeysOf } from "./account-secrets.js";
import { type KubeObject, keyText, type ObjectKey } from "./cluster.js";
import { findCondition } from "./conditions.js";
import type { ControllerContext, ReconcileResult } from "./context.js";
import { accountCheckedEvent, emitEvent, errorKind } from "./events.js";
import { accountStatusOf, parseAccount, problemsText } from "./resources.js";
import {
  type AccountCheck,
  accountStatusAfterCheck,
  PERMANENT_ACCOUNT_FAILURES,
  rateLimitStatusOf,
} from "./status.js";
import { writeStatus } from "./status-writer.js";

// The ZendeskAccount reconciler: read the account's Secrets, connect (one connection per account,
// account-connections.ts), ask Zendesk whether the credentials work (GET /api/v2/users/me), and
// say so in Ready with a reason a program can match on. Level-triggered and idempotent: the
// connection is replaced only when the account's spec or a Secret's resourceVersion changed (a
// rotation), and Zendesk is asked again only then, an hour after the last good answer, ten
// minutes after one a person must act on, or at each retry after one that fixes itself.
// Nothing from the Secret or from Zendesk's answer is ever written to status, Events or logs.

/** How long a check's answer is trusted (ms), by kind of answer. */
export const CHECK_TTL_MS = { ok: 60 * 60_000, permanent: 10 * 60_000, transient: 0 } as const;

/** Zendesk did not answer, or rate limited the check: the work queue retries with backoff. */
export class AccountUnavailableError extends Error {
  constructor(account: string, reason: string) {
    super(`ZendeskAccount ${account}: the credentials check failed (${reason}); it is retried with backoff`);
    this.name = "AccountUnavailableError";
  }
}

interface AccountMemory {
  uid: string;
  /** The Secrets watched for the account, as keys. */
  watched: string;
  lastCheck: { at: number; check: AccountCheck; fingerprint: string } | undefined;
}

export interface AccountReconcilerDeps {
  ctx: ControllerContext;
  connections: AccountConnections;
  /** checkCredentials; tests may replace it. */
  check?: typeof checkCredentials;
  /** Aborted when the controllers stop: a check in flight gives up. */
  signal?: AbortSignal;
}

export function accountReconciler(deps: AccountReconcilerDeps): (key: ObjectKey) => Promise<ReconcileResult> {
  const { ctx, connections } = deps;
  const check = deps.check ?? checkCredentials;
  const memory = new Map<string, AccountMemory>();

  const forget = (key: ObjectKey, gone: boolean) => {
    connections.forget(key);
    if (gone) {
      ctx.secrets.forget(key);
      memory.delete(keyText(key));
      ctx.metrics.forgetAccount(key);
    }
  };

  /** Watches the Secrets the account names, so that a rotation reconciles it. */
  const watchSecrets = (key: ObjectKey, account: ZendeskAccount, mem: AccountMemory) => {
    const secrets = secretKeysOf(account);
    const watched = secrets.map(keyText).join(",");
    if (watched === mem.watched) return;
    if (mem.watched !== "") ctx.secrets.forget(key);
    for (const secret of secrets) ctx.secrets.watch(secret, key);
    mem.watched = watched;
  };

  /** The status after `result`; a result without a Zendesk check keeps the last check's time. */
  async function record(
    object: KubeObject,
    key: ObjectKey,
    result: AccountCheck,
    checked: boolean,
  ): Promise<void> {
    const uid = object.metadata.uid ?? "";
    const generation = object.metadata.generation ?? 1;
    const now = new Date(ctx.clock.now());
    await writeStatus<KubeObject>(ctx.api, "ZendeskAccount", key, (current) => {
      if (current.metadata.uid !== uid) return undefined;
      const previous = accountStatusOf(current);
      const status = accountStatusAfterCheck(previous, result, generation, now);
      if (checked) return status;
      const { lastCheckedTime: _now, ...rest } = status;
      return previous?.lastCheckedTime ? { ...rest, lastCheckedTime: previous.lastCheckedTime } : rest;
    });
    ctx.metrics.setAccountReady(key, result.ok);
    const before = findCondition(accountStatusOf(object)?.conditions, "Ready");
    const reason = result.ok ? "Authenticated" : result.reason;
    if (before?.reason !== reason) {
      const fields = { account: keyText(key), reason };
      if (result.ok) ctx.logger.info(fields, "the account's credentials work");
      else ctx.logger.warn(fields, result.message);
      void emitEvent(ctx, accountCheckedEvent(object, result.ok, reason));
    }
  }

  /** The account's policies, which wait for its connection. */
  const enqueuePolicies = (key: ObjectKey) => {
    for (const policy of ctx.policies.list()) {
      const spec = policy["spec"] as { accountRef?: { name?: string } } | undefined;
      if (policy.metadata.namespace === key.namespace && spec?.accountRef?.name === key.name)
        ctx.enqueue("RedactionPolicy", { namespace: key.namespace, name: policy.metadata.name });
    }
  };

  async function reconcile(key: ObjectKey): Promise<ReconcileResult> {
    const object = ctx.accounts.get(key);
    if (!object || object.metadata.deletionTimestamp) {
      // Sweeps on its connection wind down on it; new ones find no account.
      forget(key, !object);
      return {};
    }
    const uid = object.metadata.uid ?? "";
    let mem = memory.get(keyText(key));
    if (!mem || mem.uid !== uid) {
      if (mem) connections.forget(key);
      mem = { uid, watched: "", lastCheck: undefined };
      memory.set(keyText(key), mem);
    }

    const parsed = parseAccount(object);
    if (!parsed.ok) {
      connections.forget(key);
      mem.lastCheck = undefined;
      const message = `The account is invalid: ${problemsText(parsed.problems)}. Correct the ZendeskAccount.`;
      await record(object, key, { ok: false, reason: "InvalidSpec", message }, false);
      return {};
    }
    const account = parsed.resource;
    watchSecrets(key, account, mem);
    const secrets = await readAccountSecrets(ctx.api, account);
    if (!secrets.ok) {
      connections.forget(key);
      mem.lastCheck = undefined;
      await record(object, key, { ok: false, reason: secrets.reason, message: secrets.message }, false);
      return {};
    }

    const fingerprint = [uid, object.metadata.generation ?? 1, ...secrets.versions].join("/");
    let connection: ReturnType<AccountConnections["ensure"]>;
    try {
      connection = connections.ensure(key, account, secrets.secrets, fingerprint);
    } catch (error) {
      if (!(error instanceof AccountConfigError)) throw error;
      connections.forget(key);
      mem.lastCheck = undefined;
      // The Secrets' keys were checked above: what is left is the spec (its baseURL, say).
      await record(object, key, { ok: false, reason: "InvalidSpec", message: `${error.message}.` }, false);
      return {};
    }
    if (connection.fresh) {
      ctx.logger.info({ account: keyText(key) }, "connected the account (new spec or Secret)");
      enqueuePolicies(key);
    }

    const now = ctx.clock.now();
    const last = mem.lastCheck;
    const observed = accountStatusOf(object)?.observedGeneration === (object.metadata.generation ?? 1);
    if (last && last.fingerprint === fingerprint && observed) {
      const left = last.at + ttlOf(last.check) - now;
      if (left > 0) return { requeueAfterMs: left };
    }

    const answer = await check(connection.connection, deps.signal);
    let result: AccountCheck;
    let retryAfterMs: number | undefined;
    if (answer.ok) result = { ok: true, rateLimit: rateLimitStatusOf(connection.connection.budget) };
    else {
      const { retryAfterMs: wait, ...failure } = answer;
      result = failure;
      retryAfterMs = wait;
    }
    mem.lastCheck = { at: now, check: result, fingerprint };
    await record(object, key, result, true);
    if (!result.ok && !PERMANENT_ACCOUNT_FAILURES.has(result.reason)) {
      // Zendesk said when to come back (a 429's Retry-After): then, rather than the queue's
      // backoff, which may ask again too early and spend the account's budget (STYLE.md).
      if (retryAfterMs !== undefined) return { requeueAfterMs: retryAfterMs };
      throw new AccountUnavailableError(keyText(key), result.reason);
    }
    return { requeueAfterMs: ttlOf(result) };
  }

  return async (key) => {
    try {
      return await reconcile(key);
    } catch (error) {
      if (!(error instanceof AccountUnavailableError))
        ctx.logger.warn(
          { account: keyText(key), error: errorKind(error) },
          "reconciling the account failed; retrying",
        );
      throw error;
    }
  };
}

function ttlOf(check: AccountCheck): number {
  if (check.ok) return CHECK_TTL_MS.ok;
  return PERMANENT_ACCOUNT_FAILURES.has(check.reason) ? CHECK_TTL_MS.permanent : CHECK_TTL_MS.transient;
}
