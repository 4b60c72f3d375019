import type { Account } from "../account.js";
import { isoTime } from "../clock.js";
import type { Audit, Ticket, User } from "../model.js";
import { ticketJson, userJson } from "../serialize.js";
import { ticketAudits } from "./audits.js";
import type { StreamItem } from "./window.js";

// What each incremental export streams (ZENDESK_API.md 9), keyed by (unix seconds, id).

export interface ExportedTicket {
  ticket: Ticket;
  deleted: boolean;
}

/**
 * Live tickets (archived ones included) by generated_timestamp, plus soft-deleted and scrubbed
 * tickets, which appear with status "deleted" unless `exclude_deleted` (9; wording unconfirmed).
 */
export function* ticketStream(
  account: Account,
  excludeDeleted: boolean,
): Generator<StreamItem<ExportedTicket>> {
  // Soft deletion moves a ticket from account.tickets to deletedTickets, so each is seen once.
  for (const ticket of account.tickets.values()) {
    yield { key: [ticket.generated_timestamp, ticket.id], value: { ticket, deleted: false } };
  }
  if (excludeDeleted) return;
  for (const { ticket } of account.deletedTickets.values()) {
    yield { key: [ticket.generated_timestamp, ticket.id], value: { ticket, deleted: true } };
  }
}

export function exportedTicketJson(account: Account, item: ExportedTicket, baseUrl: string): unknown {
  const json = ticketJson(account, item.ticket, baseUrl);
  return item.deleted ? { ...json, status: "deleted" } : json;
}

/** Every user by updated_at, soft- and permanently deleted ones with what is left of them. */
export function* userStream(account: Account): Generator<StreamItem<User>> {
  for (const user of account.users.values()) {
    yield { key: [Math.floor(user.updated_at / 1000), user.id], value: user };
  }
}

export const exportedUserJson = (user: User, baseUrl: string): unknown => ({
  ...userJson(user, baseUrl),
  deleted: user.deleted_at !== null,
});

/**
 * Every audit of live and soft-deleted tickets. Any change to a ticket bumps its
 * generated_timestamp past the change, so tickets older than start_time hold no newer audits and
 * are skipped without reading their comments.
 */
export function* auditStream(
  account: Account,
  startTime: number,
  baseUrl: string,
): Generator<StreamItem<Audit>> {
  for (const { value } of ticketStream(account, false)) {
    const ticket = value.ticket;
    if (ticket.generated_timestamp < startTime) continue;
    for (const audit of ticketAudits(account, ticket, baseUrl)) {
      yield { key: [Math.floor(audit.created_at / 1000), audit.id], value: audit };
    }
  }
}

/**
 * An audit as a ticket event. Comment bodies are included only with `include=comment_events`;
 * otherwise only whether the update had a comment and whether it was public (9).
 */
export function ticketEventJson(audit: Audit, includeComments: boolean): unknown {
  const comment = audit.events.find((e) => e.type === "Comment");
  const children = audit.events
    .filter((e) => includeComments || e.type !== "Comment")
    .map(({ type, ...rest }) => ({ ...rest, event_type: type, via: audit.via }));
  return {
    id: audit.id,
    ticket_id: audit.ticket_id,
    timestamp: Math.floor(audit.created_at / 1000),
    created_at: isoTime(audit.created_at),
    updater_id: audit.author_id,
    via: audit.via,
    system: {},
    metadata: { system: {}, custom: {} },
    event_type: "Audit",
    comment_present: comment !== undefined,
    comment_public: comment?.["public"] === true,
    child_events: children,
    merged_ticket_ids: [],
  };
}
