import type { Account } from "../account.js";
import { recordInvalid } from "../errors.js";
import { addUser, makeTicket } from "../factory.js";
import type { Audit, Ticket, User } from "../model.js";
import { applyFields, existingUser, stampStatus } from "./attributes.js";
import { commentEvent, createEvents, newAudit } from "./audit.js";
import { commentInput, commentRecord } from "./comment-input.js";

// POST /api/v2/tickets and create_many (ZENDESK_API.md 5.3).

/** A requester named by id, or inline `{name, email}`: an existing user by email, else a new end user. */
export function resolveRequester(account: Account, attrs: Record<string, unknown>, caller: User): () => User {
  if (attrs["requester_id"] !== undefined) {
    const user = existingUser(account, "requester_id", attrs["requester_id"]);
    return () => user;
  }
  const inline = attrs["requester"] as { name?: unknown; email?: unknown } | undefined;
  if (inline === undefined || inline === null) return () => caller;
  const email = typeof inline.email === "string" ? inline.email.trim() : "";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw recordInvalid({ requester: ["Requester: Email is not properly formatted"] });
  const existing = account.findUserByEmail(email);
  if (existing) return () => existing;
  const name =
    typeof inline.name === "string" && inline.name.trim() ? inline.name.trim() : email.split("@")[0]!;
  // Created only once the whole ticket is valid.
  return () => addUser(account, { name, email, role: "end-user" });
}

/** Creates a ticket as `caller`; throws 422s before storing anything. */
export function createTicket(
  account: Account,
  attrs: Record<string, unknown>,
  caller: User,
): { ticket: Ticket; audit: Audit } {
  const now = account.clock.now();
  const requester = resolveRequester(account, attrs, caller);
  const submitter =
    attrs["submitter_id"] === undefined
      ? caller
      : existingUser(account, "submitter_id", attrs["submitter_id"]);
  // The submitter is the author of the first comment unless it names one.
  const comment = commentInput(account, attrs["comment"], submitter);
  if (comment === null) throw recordInvalid({ description: ["Description: cannot be blank"] });
  const draft = makeTicket(account, { id: 0, requester_id: caller.id, submitter_id: submitter.id });
  const { requester_id: _r, submitter_id: _s, ...rest } = attrs;
  applyFields(account, draft, rest);
  stampStatus(draft, "new", now);

  const ticket: Ticket = { ...draft, id: account.nextId("ticket"), requester_id: requester().id };
  account.changingTicket(ticket, { created: true });
  const audit = newAudit(account, ticket.id, caller.id, now);
  const record = commentRecord(account, comment, audit.id, now);
  ticket.comment_count = 1;
  audit.events.push(commentEvent(record), ...createEvents(account, ticket));
  account.tickets.set(ticket.id, ticket);
  account.setComments(ticket.id, [record]);
  account.addAudit(audit);
  return { ticket, audit };
}
