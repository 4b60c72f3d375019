import type { Account } from "../account.js";
import { notFound } from "../errors.js";
import type { AttachmentRecord, CommentRecord, Ticket } from "../model.js";

/** A ticket the API can show: live or archived; soft-deleted and unknown tickets are 404 (5.9). */
export function visibleTicket(account: Account, id: number): Ticket {
  const ticket = account.tickets.get(id);
  if (!ticket || account.deletedTickets.has(id)) throw notFound();
  return ticket;
}

/** The comment with this id among a ticket's comments (read once per request), or a 404. */
export function commentOf(comments: readonly CommentRecord[], commentId: number): CommentRecord {
  const comment = comments.find((c) => c.id === commentId);
  if (!comment) throw notFound();
  return comment;
}

// Attachment downloads carry only the attachment id, so remember which ticket holds which
// attachment; the index is rebuilt by one scan when an id is missing or has moved.
const indexes = new WeakMap<Account, Map<number, number>>();

function scan(account: Account): Map<number, number> {
  const index = new Map<number, number>();
  for (const ticket of account.tickets.values()) {
    for (const comment of account.comments(ticket)) {
      for (const a of comment.attachments) index.set(a.id, ticket.id);
    }
  }
  indexes.set(account, index);
  return index;
}

function lookIn(
  account: Account,
  ticketId: number | undefined,
  attachmentId: number,
): AttachmentRecord | null {
  const ticket = ticketId === undefined ? undefined : account.tickets.get(ticketId);
  if (!ticket || account.deletedTickets.has(ticket.id)) return null;
  for (const comment of account.comments(ticket)) {
    const found = comment.attachments.find((a) => a.id === attachmentId);
    if (found) return found;
  }
  return null;
}

/** The attachment with this id on any visible ticket of the account, or null. */
export function findAttachment(account: Account, attachmentId: number): AttachmentRecord | null {
  const cached = indexes.get(account);
  const hit = cached && lookIn(account, cached.get(attachmentId), attachmentId);
  if (hit) return hit;
  return lookIn(account, scan(account).get(attachmentId), attachmentId);
}
