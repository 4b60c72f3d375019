import type { Account } from "../account.js";
import type { Audit, Ticket } from "../model.js";
import { shownAudit, shownCommentEvent } from "../tickets/audit.js";

// A ticket's audits as the API shows them: the stored ones (written by updates and redactions)
// plus, for comments whose audit was never stored (seeded and imported tickets), an audit holding
// just the Comment event. Comment events always show the comment as it is now, so that redacted
// text never comes back through audits or ticket_events.

/** The ticket's audits, oldest first (by created_at, then id). */
export function ticketAudits(account: Account, ticket: Ticket, baseUrl: string): Audit[] {
  const comments = account.comments(ticket);
  const stored = account.audits.get(ticket.id) ?? [];
  const storedIds = new Set(stored.map((a) => a.id));
  const audits: Audit[] = stored.map((audit) => shownAudit(audit, comments, baseUrl));
  for (const comment of comments) {
    if (storedIds.has(comment.audit_id)) continue;
    audits.push({
      id: comment.audit_id,
      ticket_id: ticket.id,
      author_id: comment.author_id,
      created_at: comment.created_at,
      via: comment.via,
      events: [shownCommentEvent(comment, baseUrl)],
    });
  }
  return audits.sort((a, b) => a.created_at - b.created_at || a.id - b.id);
}
