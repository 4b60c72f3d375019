import type { Account } from "../account.js";
import { notFound } from "../errors.js";
import type { DeletedTicket, Ticket, User } from "../model.js";

// Soft deletion and restore (ZENDESK_API.md 5.9). Permanent deletion is lifecycle.scrubTicket.

export function softDeleteTicket(account: Account, ticket: Ticket, actor: User): DeletedTicket {
  // A system change: deletion shows in incremental exports without pretending the ticket was edited.
  account.changingTicket(ticket, { system: true });
  const deleted: DeletedTicket = {
    ticket,
    deleted_at: account.clock.now(),
    previous_state: ticket.status,
    actor_id: actor.id,
    scrubbed_at: null,
  };
  account.tickets.delete(ticket.id);
  account.deletedTickets.set(ticket.id, deleted);
  return deleted;
}

/** A soft-deleted ticket that can still be restored or permanently deleted, or a 404. */
export function restorable(account: Account, id: number): DeletedTicket {
  const deleted = account.deletedTickets.get(id);
  if (!deleted || deleted.scrubbed_at !== null) throw notFound();
  return deleted;
}

export function restoreTicket(account: Account, id: number): Ticket {
  const { ticket } = restorable(account, id);
  account.changingTicket(ticket, { system: true });
  account.deletedTickets.delete(id);
  account.tickets.set(id, ticket);
  return ticket;
}

/** Tickets archived before they were deleted never show in the deleted-tickets list (5.8). */
export function archivedAtDeletion(account: Account, deleted: DeletedTicket): boolean {
  const t = deleted.ticket;
  if (t.status !== "closed") return false;
  if (t.archive_immediately) return true;
  return deleted.deleted_at - (t.closed_at ?? t.updated_at) >= account.settings.archiveAfterMs;
}
