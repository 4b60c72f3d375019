import type { Account } from "./account.js";
import { forbidden, invalidOAuthToken, unauthenticated } from "./errors.js";
import type { User } from "./model.js";

export interface Caller {
  user: User;
  scopes: string[] | null;
}

// Resolving an email to a user scans the account's users; remember the answer per header and
// re-check it cheaply on every request (the user may since be deleted, suspended or renamed).
const resolved = new WeakMap<Account, Map<string, number>>();

/**
 * Authenticates a request the way Zendesk does: Basic `{email}/token:{api_token}` or
 * `Bearer {oauth_token}` (ZENDESK_API.md 1.2-1.4). Only agents and admins may use the API.
 */
export function authenticate(account: Account, authorization: string | undefined, method: string): Caller {
  if (!authorization) throw unauthenticated();
  const [scheme = "", credential = ""] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return bearer(account, credential, method);
  if (scheme.toLowerCase() !== "basic") throw unauthenticated();

  const cache = resolved.get(account) ?? new Map<string, number>();
  resolved.set(account, cache);
  const decoded = Buffer.from(credential, "base64").toString("utf8");
  const match = /^(.+)\/token:(.+)$/.exec(decoded);
  if (!match) throw unauthenticated(); // password auth is not simulated
  const [, email = "", token = ""] = match;
  if (!account.apiTokens.has(token)) throw unauthenticated();

  const cachedId = cache.get(authorization);
  const cached = cachedId === undefined ? undefined : account.users.get(cachedId);
  const user =
    cached && cached.email?.toLowerCase() === email.toLowerCase() && cached.deleted_at === null
      ? cached
      : account.findUserByEmail(email);
  if (!user || user.role === "end-user" || user.suspended || !user.active) throw unauthenticated();
  cache.set(authorization, user.id);
  return { user, scopes: null };
}

function bearer(account: Account, token: string, method: string): Caller {
  const grant = account.oauthTokens.get(token);
  if (!grant || (grant.expires_at !== null && grant.expires_at <= account.clock.now()))
    throw invalidOAuthToken();
  const user = account.activeUser(grant.user_id);
  if (!user || user.role === "end-user" || user.suspended) throw invalidOAuthToken();
  const needed = method === "GET" ? "read" : "write";
  const allowed = grant.scopes.some((scope) => scope === needed || scope.endsWith(`:${needed}`));
  // An invalid or insufficient scope still authenticates, but every request is refused (1.3).
  if (!allowed) throw forbidden();
  return { user, scopes: grant.scopes };
}

/** Admins only, e.g. imports and incremental exports. */
export function requireAdmin(user: User): void {
  if (user.role !== "admin") throw forbidden();
}

/** Deleting and redacting need an admin, or an agent with the "delete tickets" permission. */
export function requireDeletePermission(user: User): void {
  if (user.role !== "admin" && !user.can_delete_tickets) throw forbidden();
}
