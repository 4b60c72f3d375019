import type { Account } from "../account.js";
import { isoTime } from "../clock.js";
import { viaChannel } from "../factory.js";
import type { Audit, AuditEvent, CommentRecord, Ticket } from "../model.js";
import { commentJson } from "../serialize.js";

// Ticket audits: every API change to a ticket records one, with Change/Create/Comment events (5.5).

export function newAudit(account: Account, ticketId: number, authorId: number, createdAt: number): Audit {
  return {
    id: account.nextId("audit"),
    ticket_id: ticketId,
    author_id: authorId,
    created_at: createdAt,
    via: viaChannel("api"),
    events: [],
  };
}

/** Zendesk's audit events share the id sequence of comments (a Comment event's id is the comment's). */
export const eventId = (account: Account): number => account.nextId("comment");

/**
 * A stored Comment event only points at its comment (same id); shownAudit fills in the comment as
 * it is now, so that redacted text is not kept, nor shown, through audits.
 */
export function commentEvent(comment: CommentRecord): AuditEvent {
  return { id: comment.id, type: "Comment", audit_id: comment.audit_id };
}

/** A Comment event as the API shows it: the comment's current content. */
export function shownCommentEvent(comment: CommentRecord, baseUrl: string): AuditEvent {
  const { via: _via, created_at: _created, metadata: _metadata, ...event } = commentJson(comment, baseUrl);
  return { ...event, id: comment.id, type: "Comment" };
}

/** An audit with its Comment events filled in from the ticket's current comments. */
export function shownAudit(audit: Audit, comments: readonly CommentRecord[], baseUrl: string): Audit {
  if (!audit.events.some((e) => e.type === "Comment")) return audit;
  const byId = new Map(comments.map((c) => [c.id, c]));
  return {
    ...audit,
    events: audit.events.map((event) => {
      const comment = event.type === "Comment" ? byId.get(event.id) : undefined;
      return comment ? shownCommentEvent(comment, baseUrl) : event;
    }),
  };
}

/** The fields audits report, with how they read in events (custom fields get one event per id). */
const AUDITED: readonly (keyof Ticket)[] = [
  "subject",
  "status",
  "priority",
  "type",
  "requester_id",
  "submitter_id",
  "assignee_id",
  "group_id",
  "organization_id",
  "brand_id",
  "ticket_form_id",
  "external_id",
  "tags",
];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Change events between two versions of a ticket. */
export function changeEvents(account: Account, before: Ticket, after: Ticket): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const field of AUDITED) {
    if (same(before[field], after[field])) continue;
    events.push({
      id: eventId(account),
      type: "Change",
      field_name: field,
      value: after[field],
      previous_value: before[field],
    });
  }
  for (const f of after.custom_fields) {
    const previous = before.custom_fields.find((p) => p.id === f.id)?.value ?? null;
    if (same(previous, f.value)) continue;
    events.push({
      id: eventId(account),
      type: "Change",
      field_name: String(f.id),
      value: f.value,
      previous_value: previous,
    });
  }
  return events;
}

/** Create events for every set field of a new ticket. */
export function createEvents(account: Account, ticket: Ticket): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const field of AUDITED) {
    const value = ticket[field];
    if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    events.push({ id: eventId(account), type: "Create", field_name: field, value });
  }
  for (const f of ticket.custom_fields) {
    if (f.value !== null)
      events.push({ id: eventId(account), type: "Create", field_name: String(f.id), value: f.value });
  }
  return events;
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
