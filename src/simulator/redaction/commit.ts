import type { Account } from "../account.js";
import { viaChannel } from "../factory.js";
import type { AuditEvent, CommentRecord, Ticket } from "../model.js";

/** The tag Zendesk adds to every redacted ticket (ZENDESK_API.md 6.6). */
export const REDACTED_TAG = "redacted_content";

/**
 * Stores a redacted comment as a ticket update: bumps updated_at/generated_timestamp (so the
 * ticket re-appears in incremental exports), adds the `redacted_content` tag and writes an audit
 * with the redaction events (ZENDESK_API.md 6.6). Call only after every check has passed.
 */
export function commitRedaction(
  account: Account,
  ticket: Ticket,
  authorId: number,
  redacted: CommentRecord,
  events: Omit<AuditEvent, "id">[],
): void {
  // A new array and a new record: seeded comments may be shared with the seed's generator.
  const comments = account.comments(ticket).map((c) => (c.id === redacted.id ? redacted : c));
  account.changingTicket(ticket);
  account.setComments(ticket.id, comments);
  if (!ticket.tags.includes(REDACTED_TAG)) ticket.tags = [...ticket.tags, REDACTED_TAG];
  account.addAudit({
    id: account.nextId("audit"),
    ticket_id: ticket.id,
    author_id: authorId,
    created_at: account.clock.now(),
    via: viaChannel("api"),
    // Audit event ids share the comment id sequence, as Zendesk's do (see tickets/audit.ts).
    events: events.map((e) => ({ ...e, id: account.nextId("comment") }) as AuditEvent),
  });
}
