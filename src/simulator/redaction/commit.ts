import type { Account } from "../account.js";
import type { AuditEvent, CommentRecord, Ticket } from "../model.js";
import { eventId, newAudit } from "../tickets/audit.js";

/** The tag Zendesk adds to every redacted ticket (ZENDESK_API.md 6.6). */
export const REDACTED_TAG = "redacted_content";

/**
 * Stores a changed comment as a ticket update: bumps updated_at/generated_timestamp (so the
 * ticket re-appears in incremental exports) and writes an audit with `events`. `comments` is the
 * list the comment was read from (`account.comments(ticket)`). Call only after every check has passed.
 */
export function commitCommentChange(
  account: Account,
  ticket: Ticket,
  comments: readonly CommentRecord[],
  authorId: number,
  changed: CommentRecord,
  events: Omit<AuditEvent, "id">[],
): void {
  account.changingTicket(ticket);
  // A new array and a new record: seeded comments may be shared with the seed's generator.
  account.setComments(
    ticket.id,
    comments.map((c) => (c.id === changed.id ? changed : c)),
  );
  const audit = newAudit(account, ticket.id, authorId, account.clock.now());
  audit.events = events.map((e) => ({ ...e, id: eventId(account) }) as AuditEvent);
  account.addAudit(audit);
}

/** A comment change that is a redaction also adds the `redacted_content` tag (ZENDESK_API.md 6.6). */
export function commitRedaction(
  account: Account,
  ticket: Ticket,
  comments: readonly CommentRecord[],
  authorId: number,
  redacted: CommentRecord,
  events: Omit<AuditEvent, "id">[],
): void {
  commitCommentChange(account, ticket, comments, authorId, redacted, events);
  if (!ticket.tags.includes(REDACTED_TAG)) ticket.tags = [...ticket.tags, REDACTED_TAG];
}
