import type { Account } from "../account.js";
import { isoTime } from "../clock.js";
import { forbidden, notFound, ZendeskError } from "../errors.js";
import { addUser } from "../factory.js";
import { scrubUser } from "../lifecycle.js";
import type { User } from "../model.js";
import { attachmentJson } from "../serialize.js";
import { planUserChanges } from "./changes.js";
import { checkIdentityValue } from "./identities.js";

/** Creates a user; `email` becomes its primary identity (ZENDESK_API.md 8.1). */
export function createUser(account: Account, actor: User, attrs: Record<string, unknown>): User {
  if (typeof attrs.name !== "string" || attrs.name.trim() === "") {
    throw new ZendeskError(422, {
      error: "RecordInvalid",
      description: "Record validation errors",
      details: {
        name: [{ description: "Name:  is too short (minimum is 1 character)", error: "BlankValue" }],
      },
    });
  }
  const email =
    attrs.email === undefined || attrs.email === null
      ? null
      : checkIdentityValue(account, "email", attrs.email);
  const changes = planUserChanges(account, actor, attrs, null);
  const verified = attrs.verified === true || attrs.verified === "true";
  const user = addUser(account, { name: attrs.name.trim(), email, verified });
  for (const identity of account.identities.get(user.id) ?? []) identity.verified = verified;
  for (const change of changes) change(user);
  return user;
}

/** Live tickets the user requests that are not closed: they block deletion (ZENDESK_API.md 8.4). */
export function unclosedRequestedTickets(account: Account, userId: number): number {
  let count = 0;
  for (const ticket of account.tickets.values()) {
    if (ticket.requester_id === userId && ticket.status !== "closed") count += 1;
  }
  return count;
}

/**
 * Admins delete anyone; agents with the delete permission delete end users (ZENDESK_API.md 8.2,
 * OpenAPI DeleteUser: "Agents with permission can delete end users").
 */
export function requireCanDelete(actor: User, target: User): void {
  if (actor.role === "admin") return;
  if (actor.role === "agent" && actor.can_delete_tickets && target.role === "end-user") return;
  throw forbidden();
}

/**
 * Soft delete: the user becomes inactive but keeps its profile and identities until it is
 * permanently deleted, by DELETE /deleted_users/{id} or automatically after 30 days (8.4).
 * The API shape of the "not closed tickets" refusal is unconfirmed; 422 RecordInvalid is expected.
 */
export function softDeleteUser(account: Account, actor: User, user: User): User {
  requireCanDelete(actor, user);
  const open = unclosedRequestedTickets(account, user.id);
  if (open > 0) {
    throw new ZendeskError(422, {
      error: "RecordInvalid",
      description: "Record validation errors",
      details: {
        base: [
          { description: `User is requester on ${open} tickets that are not closed.`, error: "InvalidValue" },
        ],
      },
    });
  }
  const now = account.clock.now();
  user.active = false;
  user.deleted_at = now;
  user.updated_at = now;
  account.softDeletedUsers.add(user.id);
  return user;
}

/** Permanent deletion of a soft-deleted user (admins only); anything else is 404 (8.2). */
export function permanentlyDeleteUser(account: Account, actor: User, userId: number): User {
  if (actor.role !== "admin") throw forbidden();
  const user = account.users.get(userId);
  if (!user || user.deleted_at === null || user.permanently_deleted_at !== null) throw notFound();
  scrubUser(account, userId);
  return user;
}

/** The deleted-user object of /deleted_users (OpenAPI DeletedUserObject). */
export function deletedUserJson(user: User, baseUrl: string): Record<string, unknown> {
  return {
    id: user.id,
    url: `${baseUrl}/api/v2/deleted_users/${user.id}.json`,
    name: user.name,
    email: user.email,
    phone: user.phone,
    shared_phone_number: null,
    photo: user.photo ? attachmentJson(user.photo, baseUrl) : null,
    locale: user.locale,
    locale_id: 1,
    time_zone: user.time_zone,
    organization_id: user.organization_id,
    role: user.role,
    active: false,
    created_at: isoTime(user.created_at),
    updated_at: isoTime(user.updated_at),
  };
}
