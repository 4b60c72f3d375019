import type { Account } from "../account.js";
import { closedTicket, recordInvalid, updateConflict } from "../errors.js";
import type { Audit, Ticket, User } from "../model.js";
import { applyFields, stampStatus } from "./attributes.js";
import { changeEvents, commentEvent, newAudit } from "./audit.js";
import { commentInput, commentRecord } from "./comment-input.js";

// One ticket update, shared by PUT /tickets/{id}, update_many and the Tags API (ZENDESK_API.md 5.5-5.7).

export interface UpdateOptions {
  /** update_many always safe-updates: without an `updated_stamp` the enqueue time is the stamp (5.6). */
  notChangedSince?: number;
}

export interface UpdateResult {
  ticket: Ticket;
  /** Null when the update changed nothing (then `updated_at` does not move either, 5.1). */
  audit: Audit | null;
}

const MAX_COMMENTS = 5000;

/** What the "Modify closed tickets" setting lets admins change on closed tickets (5.7). */
const CLOSED_EDITABLE = new Set([
  "tags",
  "additional_tags",
  "remove_tags",
  "subject",
  "priority",
  "safe_update",
  "updated_stamp",
]);

/** The fields an update may change; copied from the validated draft onto the stored ticket. */
const WRITABLE: readonly (keyof Ticket)[] = [
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
  "custom_fields",
  "solved_at",
  "closed_at",
];

function checkSafeUpdate(ticket: Ticket, attrs: Record<string, unknown>, options: UpdateOptions): void {
  const stamp = attrs["updated_stamp"];
  const safe = attrs["safe_update"] === true || attrs["safe_update"] === "true";
  if (safe && stamp !== undefined) {
    const given = Date.parse(String(stamp));
    // Stamps have whole seconds, like the `updated_at` clients read them from.
    if (!Number.isFinite(given) || Math.floor(ticket.updated_at / 1000) * 1000 > given)
      throw updateConflict();
    return;
  }
  if (options.notChangedSince !== undefined && ticket.updated_at > options.notChangedSince)
    throw updateConflict();
}

function checkClosed(account: Account, ticket: Ticket, attrs: Record<string, unknown>, actor: User): void {
  if (ticket.status !== "closed") return;
  const onlyEditable = Object.entries(attrs).every(
    ([key, value]) => CLOSED_EDITABLE.has(key) || (key === "status" && value === "closed"),
  );
  const allowed =
    account.settings.modifyClosedTickets &&
    actor.role === "admin" &&
    onlyEditable &&
    !account.isArchived(ticket);
  if (!allowed) throw closedTicket();
}

/**
 * Validates and applies `attrs` (already stripped of read-only keys) as `actor`. Throws the
 * ZendeskError Zendesk would answer with; changes nothing unless the whole update is valid.
 */
export function updateTicket(
  account: Account,
  ticket: Ticket,
  attrs: Record<string, unknown>,
  actor: User,
  options: UpdateOptions = {},
): UpdateResult {
  checkSafeUpdate(ticket, attrs, options);
  checkClosed(account, ticket, attrs, actor);
  const now = account.clock.now();
  const draft = structuredClone(ticket);
  applyFields(account, draft, attrs);
  stampStatus(draft, ticket.status, now);
  const comment = commentInput(account, attrs["comment"], actor);
  // Read once: a seeded ticket's comments are generated on every read.
  const existing = comment ? account.comments(ticket) : [];
  // A ticket holds at most 5000 comments; other edits stay possible (ZENDESK_API.md 5.1).
  if (existing.length >= MAX_COMMENTS)
    throw recordInvalid({ comment: [`Comment: a ticket can have at most ${MAX_COMMENTS} comments`] });
  const changes = changeEvents(account, ticket, draft);
  if (changes.length === 0 && comment === null) return { ticket, audit: null };

  account.changingTicket(ticket);
  const audit = newAudit(account, ticket.id, actor.id, now);
  if (comment) {
    const record = commentRecord(account, comment, audit.id, now);
    const comments = [...existing, record];
    account.setComments(ticket.id, comments);
    ticket.comment_count = comments.length;
    audit.events.push(commentEvent(record));
  }
  for (const field of WRITABLE) (ticket as unknown as Record<string, unknown>)[field] = draft[field];
  audit.events.push(...changes);
  account.addAudit(audit);
  return { ticket, audit };
}
