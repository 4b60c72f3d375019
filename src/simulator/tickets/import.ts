import type { Account } from "../account.js";
import { recordInvalid } from "../errors.js";
import { makeTicket } from "../factory.js";
import type { CommentRecord, Ticket, User } from "../model.js";
import { applyFields, importTime } from "./attributes.js";
import { commentEvent, createEvents, newAudit } from "./audit.js";
import { type CommentInput, commentInput, commentRecord } from "./comment-input.js";
import { resolveRequester } from "./create.js";

// The Ticket Import API (ZENDESK_API.md 5.4): historical tickets with their own timestamps and
// comments; triggers do not run, and closed tickets may go straight to the archive.

function importedComments(account: Account, attrs: Record<string, unknown>, requester: User): CommentInput[] {
  const now = account.clock.now();
  const raw = attrs["comments"];
  if (raw !== undefined && !Array.isArray(raw))
    throw recordInvalid({ comments: ["Comments: must be a list"] });
  // Without `comments`, a `description` (or a single `comment`) becomes the first comment.
  const single = attrs["description"] !== undefined ? { body: attrs["description"] } : attrs["comment"];
  const list: unknown[] = Array.isArray(raw) ? raw : single === undefined ? [] : [single];
  const inputs: CommentInput[] = [];
  for (const entry of list) {
    const input = commentInput(account, entry, requester);
    if (!input) continue;
    const at = (entry as Record<string, unknown>)?.["created_at"];
    // Comment times may not lie in the future (5.4).
    if (at !== undefined) input.created_at = Math.min(now, importTime("created_at", at));
    inputs.push(input);
  }
  return inputs;
}

/** Imports one ticket; `archiveImmediately` archives it at once when it is closed. */
export function importTicket(
  account: Account,
  attrs: Record<string, unknown>,
  caller: User,
  archiveImmediately: boolean,
): Ticket {
  const now = account.clock.now();
  const requester = resolveRequester(account, attrs, caller);
  const createdAt = attrs["created_at"] === undefined ? now : importTime("created_at", attrs["created_at"]);
  const updatedAt = attrs["updated_at"] === undefined ? now : importTime("updated_at", attrs["updated_at"]);
  const draft = makeTicket(account, {
    id: 0,
    requester_id: caller.id,
    created_at: createdAt,
    updated_at: Math.max(createdAt, updatedAt),
  });
  const { requester_id: _r, ...rest } = attrs;
  applyFields(account, draft, rest);
  const requesterUser = requester();
  draft.requester_id = requesterUser.id;
  if (attrs["submitter_id"] === undefined) draft.submitter_id = requesterUser.id;
  const comments = importedComments(account, attrs, requesterUser);

  const solvedAt = attrs["solved_at"] === undefined ? null : importTime("solved_at", attrs["solved_at"]);
  if (draft.status === "solved" || draft.status === "closed") draft.solved_at = solvedAt ?? draft.updated_at;
  if (draft.status === "closed") draft.closed_at = solvedAt ?? draft.updated_at;
  draft.archive_immediately = archiveImmediately && draft.status === "closed";

  const ticket: Ticket = { ...draft, id: account.nextId("ticket") };
  account.changingTicket(ticket, { created: true, system: true });
  const audit = newAudit(account, ticket.id, caller.id, createdAt);
  const records: CommentRecord[] = comments
    .map((c) => commentRecord(account, c, audit.id, createdAt))
    .sort((a, b) => a.created_at - b.created_at);
  ticket.comment_count = records.length;
  audit.events.push(...records.map(commentEvent), ...createEvents(account, ticket));
  account.tickets.set(ticket.id, ticket);
  account.setComments(ticket.id, records);
  account.addAudit(audit);
  return ticket;
}
