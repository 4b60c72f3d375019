import type pino from "pino";
import {
  type ClusterApi,
  type Informer,
  keyText,
  type ObjectKey,
  parseKey,
  type SecretObject,
} from "./cluster.js";
import type { SecretWatches } from "./context.js";

// Watches on exactly the Secrets that ZendeskAccounts reference (STYLE.md "Memory": never cache
// every Secret in the cluster, nor ask for RBAC to). One informer per referenced Secret, selected
// by metadata.name in its namespace, shared by every account that references it and stopped when
// the last one forgets it. A change of the Secret (rotation, creation after the account, deletion)
// enqueues the accounts that reference it, which re-read it and reconnect.

export interface SecretWatchesOptions {
  api: ClusterApi;
  /** The accounts that reference `secret`, when it changed, appeared or went away. Must not throw. */
  onChange(accounts: ObjectKey[], secret: ObjectKey): void;
  /** A Secret's watch had to start again (for hush_controller_watch_restarts_total). */
  onRestart?: (reason: "Expired" | "Error" | "Stalled" | "Closed") => void;
  logger?: pino.Logger;
}

export interface ManagedSecretWatches extends SecretWatches {
  /** Secrets watched now. */
  readonly watched: number;
  /** Stops every watch; later calls to watch() are ignored. */
  stop(): Promise<void>;
}

interface Watch {
  informer: Informer<SecretObject>;
  /** Accounts (namespace/name) that reference the Secret. */
  by: Set<string>;
}

export function createSecretWatches(options: SecretWatchesOptions): ManagedSecretWatches {
  const { api, logger } = options;
  const bySecret = new Map<string, Watch>();
  const byAccount = new Map<string, Set<string>>();
  const stopping = new Set<Promise<void>>();
  let stopped = false;

  const notify = (secret: string): void => {
    const watch = bySecret.get(secret);
    if (!watch || watch.by.size === 0) return;
    try {
      options.onChange([...watch.by].map(parseKey), parseKey(secret));
    } catch (error) {
      logger?.error(
        { secret, error: error instanceof Error ? error.name : "Error" },
        "handling a Secret change failed",
      );
    }
  };

  const open = (secret: ObjectKey): Watch => {
    const informer = api.informer<SecretObject>("Secret", {
      namespace: secret.namespace,
      fieldSelector: `metadata.name=${secret.name}`,
      ...(options.onRestart ? { onRestart: options.onRestart } : {}),
    });
    const text = keyText(secret);
    informer.onChange(() => notify(text));
    // start() resolves after the first list; the informer retries on its own until then.
    informer.start().catch(() => undefined);
    logger?.debug({ secret: text }, "watching the Secret");
    return { informer, by: new Set() };
  };

  const close = (secret: string): void => {
    const watch = bySecret.get(secret);
    if (!watch || watch.by.size > 0) return;
    bySecret.delete(secret);
    const done = watch.informer.stop().catch(() => undefined);
    stopping.add(done);
    void done.finally(() => stopping.delete(done));
    logger?.debug({ secret }, "no account references the Secret any more; stopped watching it");
  };

  return {
    watch(secret, by) {
      if (stopped) return;
      const text = keyText(secret);
      let watch = bySecret.get(text);
      if (!watch) {
        watch = open(secret);
        bySecret.set(text, watch);
      }
      const account = keyText(by);
      watch.by.add(account);
      let secrets = byAccount.get(account);
      if (!secrets) {
        secrets = new Set();
        byAccount.set(account, secrets);
      }
      secrets.add(text);
    },
    forget(by) {
      const account = keyText(by);
      const secrets = byAccount.get(account);
      if (!secrets) return;
      byAccount.delete(account);
      for (const secret of secrets) bySecret.get(secret)?.by.delete(account);
      // Later in this turn, so that forget() then watch() of the same Secret (an account that
      // re-declares what it watches) keeps the informer instead of listing the Secret again.
      queueMicrotask(() => {
        for (const secret of secrets) close(secret);
      });
    },
    get watched() {
      return bySecret.size;
    },
    async stop() {
      stopped = true;
      const informers = [...bySecret.values()].map((w) => w.informer);
      bySecret.clear();
      byAccount.clear();
      await Promise.all([...informers.map((i) => i.stop().catch(() => undefined)), ...stopping]);
    },
  };
}
