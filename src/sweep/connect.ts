import {
  HIGH_VOLUME_REQUESTS_PER_MINUTE,
  PLAN_REQUESTS_PER_MINUTE,
  type ZendeskAccount,
} from "../api/zendesk-account.js";
import { RateBudget } from "../zendesk/budget.js";
import { ZendeskClient } from "../zendesk/client.js";
import type { Clock } from "../zendesk/clock.js";
import { RateLimitedError, TooManyJobsError, ZendeskError } from "../zendesk/errors.js";
import type { RequestLogger } from "../zendesk/request-log.js";
import { credentialsFromSecretData } from "../zendesk/secret-credentials.js";

// From a ZendeskAccount resource and its Secrets to a client with the account's rate budget. One
// connection per account: every policy of the account sweeps through it, so they share the
// budget (ZENDESK_API.md 2.1-2.5).

export interface AccountSecrets {
  /** The credentials Secret's data, decoded: `email` + `token`, or `oauthToken`. */
  credentials: Record<string, string>;
  /** The value of the pseudonym key Secret's key, when the account names one. */
  pseudonymKey?: string;
}

export interface AccountConnection {
  client: ZendeskClient;
  budget: RateBudget;
  /** The account's default region (national phone formats). */
  region?: string;
  pseudonymKey?: string;
  close(): Promise<void>;
}

/** An account that cannot be connected as configured; the message names the Secret key, never a value. */
export class AccountConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AccountConfigError";
  }
}

export function connectAccount(
  account: ZendeskAccount,
  secrets: AccountSecrets,
  options: { clock?: Clock; requestLogger?: RequestLogger } = {},
): AccountConnection {
  const { spec } = account;
  const name = `ZendeskAccount ${account.metadata.namespace ?? "default"}/${account.metadata.name}`;
  let credentials: ReturnType<typeof credentialsFromSecretData>;
  try {
    credentials = credentialsFromSecretData(secrets.credentials, "plain");
  } catch (error) {
    throw new AccountConfigError(
      `${name}: ${(error as Error).message} (Secret "${spec.credentials.secretRef.name}")`,
    );
  }
  if (spec.pseudonymKey && !secrets.pseudonymKey) {
    const ref = spec.pseudonymKey.secretRef;
    throw new AccountConfigError(
      `${name}: the pseudonym key Secret "${ref.name}" has no "${ref.key}" key (or it is empty); add it, or remove spec.pseudonymKey`,
    );
  }
  const rateLimit = spec.rateLimit;
  const requestsPerMinute =
    rateLimit.requestsPerMinute ??
    (rateLimit.highVolume
      ? HIGH_VOLUME_REQUESTS_PER_MINUTE
      : rateLimit.plan
        ? PLAN_REQUESTS_PER_MINUTE[rateLimit.plan]
        : undefined);
  // Endpoint buckets are larger with High Volume or Enterprise Plus (2.4); otherwise the budget
  // infers it from the limit it learns.
  const highVolume = rateLimit.highVolume || rateLimit.plan === "EnterprisePlus" ? true : undefined;
  const budget = new RateBudget({
    share: rateLimit.share,
    ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
    ...(highVolume === undefined ? {} : { highVolume }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  let client: ZendeskClient;
  try {
    client = new ZendeskClient({
      ...(spec.baseURL ? { baseUrl: spec.baseURL } : { subdomain: spec.subdomain }),
      credentials,
      budget,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.requestLogger ? { logger: options.requestLogger } : {}),
    });
  } catch (error) {
    throw new AccountConfigError(`${name}: ${(error as Error).message}`);
  }
  return {
    client,
    budget,
    ...(spec.defaultRegion ? { region: spec.defaultRegion } : {}),
    ...(secrets.pseudonymKey ? { pseudonymKey: secrets.pseudonymKey } : {}),
    close: () => client.close(),
  };
}

export type CredentialCheck =
  | { ok: true }
  | {
      ok: false;
      reason: "InvalidCredentials" | "Forbidden" | "Unreachable" | "RateLimited";
      message: string;
      /** RateLimited: how long Zendesk asked to wait (Retry-After), when it said. */
      retryAfterMs?: number;
    };

/**
 * Asks Zendesk who the credentials belong to (GET /api/v2/users/me). Zendesk answers an
 * unauthenticated request with an anonymous user rather than a 401 (1.4), and Hush needs an agent
 * or admin, so anything else is refused too.
 */
export async function checkCredentials(
  conn: AccountConnection,
  signal?: AbortSignal,
): Promise<CredentialCheck> {
  let body: unknown;
  try {
    const response = await conn.client.request<unknown>({
      method: "GET",
      path: "/api/v2/users/me",
      route: "/api/v2/users/me",
      ...(signal ? { signal } : {}),
    });
    body = response.body;
  } catch (error) {
    if (signal?.aborted) throw error;
    return failedCheck(error);
  }
  const user = (body as { user?: { id?: unknown; role?: unknown } } | undefined)?.user;
  if (typeof user?.id !== "number") {
    return {
      ok: false,
      reason: "InvalidCredentials",
      message:
        "Zendesk did not recognise the credentials (it answered as for an anonymous visitor); check the email and API token, or the OAuth token, in the account's Secret.",
    };
  }
  if (user.role !== "admin" && user.role !== "agent") {
    return {
      ok: false,
      reason: "Forbidden",
      message:
        "The credentials belong to an end user; Hush needs an admin (or an agent allowed to delete tickets): use such a person's email and API token.",
    };
  }
  return { ok: true };
}

function failedCheck(error: unknown): CredentialCheck {
  if (!(error instanceof ZendeskError)) {
    return {
      ok: false,
      reason: "Unreachable",
      message: "Zendesk could not be reached; check the account's subdomain or baseURL and the network.",
    };
  }
  switch (error.kind) {
    case "Authentication":
      return {
        ok: false,
        reason: "InvalidCredentials",
        message:
          "Zendesk refused the credentials (401); check the email and API token, or the OAuth token, in the account's Secret.",
      };
    case "Permission":
      return {
        ok: false,
        reason: "Forbidden",
        message:
          "Zendesk refused access (403): the token lacks a scope or the account restricts API access; grant read and write access to the token's user.",
      };
    case "RateLimited":
    case "TooManyJobs": {
      const wait =
        error instanceof RateLimitedError || error instanceof TooManyJobsError ? error.retryAfterMs : null;
      return {
        ok: false,
        reason: "RateLimited",
        message: "Zendesk's rate limit is exhausted right now (429); the check is tried again later.",
        ...(wait !== null && wait > 0 ? { retryAfterMs: wait } : {}),
      };
    }
    case "NotFound":
      return {
        ok: false,
        reason: "Unreachable",
        message:
          "Zendesk answered 404 for the API: check the account's subdomain or baseURL (it must point at a Zendesk Support account).",
      };
    default:
      return {
        ok: false,
        reason: "Unreachable",
        message: `Zendesk could not be reached (${error.kind}${error.status === null ? "" : `, status ${error.status}`}); check the subdomain or baseURL and try again later.`,
      };
  }
}
