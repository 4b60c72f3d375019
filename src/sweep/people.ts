import type { KnownIdentifiers } from "../redaction/types.js";
import type { ZendeskClient } from "../zendesk/client.js";
import type { Comment, Ticket, User, UserRole } from "../zendesk/types.js";
import { showManyUsers } from "../zendesk/users.js";

// The people on a ticket, read from their user records: whose names, emails and phones the
// knownIdentifiers detector looks for, and which role each comment author has (for policies that
// redact comments by author role).

export interface TicketPeople {
  /** Identifiers of the requester and of the end users CC'd on or writing in the ticket. */
  known: KnownIdentifiers;
  /** Role of every user on the ticket that could be read. */
  roles: Map<number, UserRole>;
}

/** The user ids a ticket names: requester, submitter, CCs, followers and comment authors. */
export function peopleOnTicket(ticket: Ticket, comments: readonly Comment[]): number[] {
  const ids = [
    ticket.requester_id,
    ticket.submitter_id,
    ...(ticket.collaborator_ids ?? []),
    ...(ticket.email_cc_ids ?? []),
    ...(ticket.follower_ids ?? []),
    ...comments.map((c) => c.author_id),
  ];
  return [...new Set(ids.filter((id): id is number => typeof id === "number" && id > 0))];
}

/**
 * Reads the people on a ticket (one show_many call per 100 people). Staff names are left out of
 * the known identifiers: agents sign their replies, and their names are the account's business
 * data rather than the customer's. The requester is always in, whatever their role.
 */
export async function readTicketPeople(
  client: ZendeskClient,
  ticket: Ticket,
  comments: readonly Comment[],
  signal?: AbortSignal,
): Promise<TicketPeople> {
  const users = await showManyUsers(client, peopleOnTicket(ticket, comments), signal);
  const roles = new Map<number, UserRole>(users.map((u) => [u.id, u.role]));
  const customers = users.filter((u) => u.id === ticket.requester_id || u.role === "end-user");
  return { known: identifiersOf(customers), roles };
}

export function identifiersOf(users: readonly User[]): KnownIdentifiers {
  const names = new Set<string>();
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const user of users) {
    for (const name of [user.name, user.alias]) if (name?.trim()) names.add(name.trim());
    if (user.email) emails.add(user.email);
    if (user.phone) phones.add(user.phone);
  }
  return { names: [...names], emails: [...emails], phones: [...phones] };
}
