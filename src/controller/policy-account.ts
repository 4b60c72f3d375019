import type { RedactionPolicy } from "../api/redaction-policy.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";
import { findCondition } from "./conditions.js";
import type { ControllerContext } from "./context.js";
import type { AccountState } from "./policy-plan.js";
import { accountStatusOf, parseAccount, problemsText } from "./resources.js";
import type { AccountCheck } from "./status.js";

// What a policy's reconcile knows of its account: only what the account's status says (the
// account reconciler checked it) and its spec, read from the informer cache. A policy never asks
// Zendesk about its account itself; an account change enqueues its policies (operator.ts).

/** The Ready reasons the account reconciler writes for an account Hush cannot use. */
const CHECK_REASONS: ReadonlySet<string> = new Set([
  "InvalidCredentials",
  "Forbidden",
  "Unreachable",
  "RateLimited",
  "SecretNotFound",
  "SecretKeyMissing",
  "InvalidSpec",
]);

/**
 * The policy's account: checked (Ready, with the parsed account to sweep with), not checked yet
 * for its current generation, or missing.
 */
export function policyAccountOf(
  ctx: ControllerContext,
  policy: RedactionPolicy,
): { state: AccountState; parsed?: ZendeskAccount } {
  const namespace = policy.metadata.namespace ?? "default";
  const name = policy.spec.accountRef.name;
  const text = `${namespace}/${name}`;
  const object = ctx.accounts.get({ namespace, name });
  if (!object || object.metadata.deletionTimestamp) {
    return {
      state: {
        kind: "stalled",
        reason: "AccountNotFound",
        message: `ZendeskAccount ${text} (spec.accountRef.name) does not exist in namespace ${namespace}; create it, or correct spec.accountRef.name (a policy uses an account of its own namespace).`,
      },
    };
  }
  const status = accountStatusOf(object);
  const ready = findCondition(status?.conditions, "Ready");
  if (
    !ready ||
    ready.status === "Unknown" ||
    status?.observedGeneration !== (object.metadata.generation ?? 1)
  ) {
    return {
      state: {
        kind: "waiting",
        message: `ZendeskAccount ${text} has not been checked since it changed; Hush checks its credentials first.`,
      },
    };
  }
  if (ready.status === "True") {
    const parsed = parseAccount(object);
    if (!parsed.ok) {
      return {
        state: {
          kind: "stalled",
          reason: "AccountNotReady",
          message: `ZendeskAccount ${text} is invalid: ${problemsText(parsed.problems)}.`,
        },
      };
    }
    return {
      state: { kind: "checked", key: text, check: { ok: true }, retryAt: undefined },
      parsed: parsed.resource,
    };
  }
  const reason = (CHECK_REASONS.has(ready.reason) ? ready.reason : "Unreachable") as Extract<
    AccountCheck,
    { ok: false }
  >["reason"];
  return {
    state: {
      kind: "checked",
      key: text,
      check: { ok: false, reason, message: ready.message },
      retryAt: undefined,
    },
  };
}
