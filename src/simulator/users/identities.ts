import type { Account } from "../account.js";
import { ZendeskError } from "../errors.js";
import type { Identity, User } from "../model.js";

// The identity store of one user, kept consistent with `user.email` / `user.phone`: the primary
// email identity is the user's email, a primary phone identity the user's phone (ZENDESK_API.md 8.3).
// "Primary" is per identity type: a user has at most one primary email and one primary phone.

export const IDENTITY_TYPES: readonly Identity["type"][] = [
  "email",
  "phone_number",
  "twitter",
  "facebook",
  "google",
  "messaging",
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The user's identities, oldest first; reading never creates an entry (scrubbed users have none). */
export function identitiesOf(account: Account, userId: number): readonly Identity[] {
  return account.identities.get(userId) ?? [];
}

/** The stored, mutable list, created on first write. */
function storedIdentities(account: Account, userId: number): Identity[] {
  let list = account.identities.get(userId);
  if (!list) {
    list = [];
    account.identities.set(userId, list);
  }
  return list;
}

/** Removes an identity and re-derives the user's email and phone. */
export function removeIdentity(account: Account, user: User, identity: Identity): void {
  const list = storedIdentities(account, user.id);
  list.splice(list.indexOf(identity), 1);
  syncUserFromIdentities(account, user);
}

const sameValue = (type: Identity["type"], a: string, b: string): boolean =>
  type === "email" ? a.toLowerCase() === b.toLowerCase() : a === b;

/** 422 like Zendesk when an identity value is malformed or already used by someone else. */
export function checkIdentityValue(
  account: Account,
  type: Identity["type"],
  value: unknown,
  exceptIdentityId?: number,
): string {
  const field = type === "email" ? "email" : "value";
  if (typeof value !== "string" || value.trim() === "")
    throw identityInvalid(field, `${label(type)}: cannot be blank`, "BlankValue");
  const trimmed = value.trim();
  if (type === "email" && !EMAIL.test(trimmed))
    throw identityInvalid(field, `Email: ${trimmed} is not properly formatted`, "InvalidFormat");
  for (const [userId, list] of account.identities) {
    if (!account.activeUser(userId)) continue;
    const clash = list.find(
      (i) => i.id !== exceptIdentityId && i.type === type && sameValue(type, i.value, trimmed),
    );
    if (clash)
      throw identityInvalid(
        field,
        `${label(type)}: ${trimmed} is already being used by another user`,
        "DuplicateValue",
      );
  }
  return trimmed;
}

const label = (type: Identity["type"]): string =>
  type === "email" ? "Email" : type === "phone_number" ? "Phone number" : "Value";

export function identityInvalid(field: string, description: string, error: string): ZendeskError {
  return new ZendeskError(422, {
    error: "RecordInvalid",
    description: "Record validation errors",
    details: { [field]: [{ description, error }] },
  });
}

/** Adds an (already validated) identity; it is primary when the user has no primary of its type. */
export function addIdentity(
  account: Account,
  user: User,
  type: Identity["type"],
  value: string,
  verified: boolean,
): Identity {
  const now = account.clock.now();
  const list = storedIdentities(account, user.id);
  const identity: Identity = {
    id: account.nextId("identity"),
    user_id: user.id,
    type,
    value,
    primary: !list.some((i) => i.type === type && i.primary),
    verified,
    created_at: now,
    updated_at: now,
  };
  list.push(identity);
  syncUserFromIdentities(account, user);
  return identity;
}

/** Makes an identity the primary one of its type. */
export function makePrimary(account: Account, user: User, identity: Identity): void {
  const now = account.clock.now();
  for (const other of identitiesOf(account, user.id)) {
    if (other.type !== identity.type || other.primary === (other === identity)) continue;
    other.primary = other === identity;
    other.updated_at = now;
  }
  syncUserFromIdentities(account, user);
}

/**
 * Re-derives `user.email` (and `user.phone` while a primary phone identity exists) from the
 * identities. A phone set on the profile without an identity (a shared number) is left alone.
 */
export function syncUserFromIdentities(account: Account, user: User): void {
  const list = identitiesOf(account, user.id);
  const email = list.find((i) => i.type === "email" && i.primary)?.value ?? null;
  const phone = list.find((i) => i.type === "phone_number" && i.primary)?.value;
  const changed = user.email !== email || (phone !== undefined && user.phone !== phone);
  user.email = email;
  if (phone !== undefined) user.phone = phone;
  if (changed) user.updated_at = account.clock.now();
}
