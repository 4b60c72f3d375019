import type { Account } from "../account.js";
import { isoTime } from "../clock.js";
import type { Audit, AuditEvent, CommentRecord, Ticket } from "../model.js";
import { attachmentJson, htmlFromPlain } from "../serialize.js";

// A ticket's audits as the API shows them: the stored ones (written by updates and redactions)
// plus, for comments whose audit was never stored (seeded and imported tickets), an audit holding
// just the Comment event. Comment events always show the comment as it is now, so that redacted
// text never comes back through audits or ticket_events.

export function commentEvent(comment: CommentRecord, baseUrl: string): AuditEvent {
  return {
    id: comment.id,
    type: "Comment",
    author_id: comment.author_id,
    body: comment.body,
    html_body: comment.html_body ?? htmlFromPlain(comment.body),
    plain_body: comment.body,
    public: comment.public,
    attachments: comment.attachments.map((a) => attachmentJson(a, baseUrl)),
    audit_id: comment.audit_id,
  };
}

/** The ticket's audits, oldest first (by created_at, then id). */
export function ticketAudits(account: Account, ticket: Ticket, baseUrl: string): Audit[] {
  const comments = account.comments(ticket);
  const byId = new Map(comments.map((c) => [c.id, c]));
  const byAudit = new Map(comments.map((c) => [c.audit_id, c]));
  const stored = account.audits.get(ticket.id) ?? [];
  const storedIds = new Set(stored.map((a) => a.id));
  const audits: Audit[] = stored.map((audit) => ({
    ...audit,
    events: audit.events.map((event) => {
      // Match by comment id, or by audit for writers that numbered the event separately.
      const comment = event.type === "Comment" ? (byId.get(event.id) ?? byAudit.get(audit.id)) : undefined;
      return comment ? commentEvent(comment, baseUrl) : event;
    }),
  }));
  for (const comment of comments) {
    if (storedIds.has(comment.audit_id)) continue;
    audits.push({
      id: comment.audit_id,
      ticket_id: ticket.id,
      author_id: comment.author_id,
      created_at: comment.created_at,
      via: comment.via,
      events: [commentEvent(comment, baseUrl)],
    });
  }
  return audits.sort((a, b) => a.created_at - b.created_at || a.id - b.id);
}

export function auditJson(audit: Audit): Record<string, unknown> {
  return {
    id: audit.id,
    ticket_id: audit.ticket_id,
    created_at: isoTime(audit.created_at),
    author_id: audit.author_id,
    metadata: { system: {}, custom: {} },
    via: audit.via,
    events: audit.events,
  };
}
