import { createHash } from "node:crypto";
import type { Account } from "../account.js";
import { addUser } from "../factory.js";
import type { Role, User } from "../model.js";

export interface StaffCredentials {
  email: string;
  /** The account's API token; works with any agent or admin email (`email/token:TOKEN`). */
  token: string;
  /** An OAuth bearer token of this user with `read write` scopes. */
  oauthToken: string;
  userId: number;
}

export interface Staff {
  admin: StaffCredentials;
  /** An agent without the "delete tickets" permission: deleting and redacting get 403. */
  agent: StaffCredentials;
  /** An agent with the "delete tickets" permission. */
  deleter: StaffCredentials;
  /** An OAuth token with only the `read` scope (writes get 403). */
  readOnlyOAuthToken: string;
}

/** Deterministic secrets, so that the same seed prints the same credentials. */
const secret = (seed: number, subdomain: string, purpose: string): string =>
  createHash("sha256").update(`${seed}:${subdomain}:${purpose}`).digest("base64url").slice(0, 40);

/** Creates the account's admin and agents and their credentials. Staff get the first user ids. */
export function seedStaff(account: Account, seed: number, createdAt: number): Staff {
  const domain = `${account.subdomain}.example.com`;
  const token = secret(seed, account.subdomain, "api-token");
  account.apiTokens.add(token);
  const make = (name: string, local: string, role: Role, canDelete: boolean): StaffCredentials => {
    const user = staffUser(account, name, `${local}@${domain}`, role, canDelete, createdAt);
    const oauthToken = secret(seed, account.subdomain, `oauth-${local}`);
    account.oauthTokens.set(oauthToken, {
      token: oauthToken,
      user_id: user.id,
      scopes: ["read", "write"],
      expires_at: null,
    });
    return { email: user.email!, token, oauthToken, userId: user.id };
  };
  const admin = make("Admin Hush", "admin", "admin", true);
  const agent = make("Agent Without Delete", "agent", "agent", false);
  const deleter = make("Agent With Delete", "agent.delete", "agent", true);
  const readOnlyOAuthToken = secret(seed, account.subdomain, "oauth-read-only");
  account.oauthTokens.set(readOnlyOAuthToken, {
    token: readOnlyOAuthToken,
    user_id: admin.userId,
    scopes: ["read"],
    expires_at: null,
  });
  return { admin, agent, deleter, readOnlyOAuthToken };
}

function staffUser(
  account: Account,
  name: string,
  email: string,
  role: Role,
  canDelete: boolean,
  createdAt: number,
): User {
  return addUser(account, {
    name,
    email,
    role,
    can_delete_tickets: canDelete,
    last_login_at: createdAt,
    created_at: createdAt,
    updated_at: createdAt,
  });
}
