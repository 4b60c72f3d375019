import type { Account } from "../account.js";
import { badRequest } from "../errors.js";
import { TICKET_STATUSES, type Ticket } from "../model.js";
import { listResponse, wantsCursor } from "../pagination.js";
import type { RouteContext } from "../route.js";
import { ticketJson } from "../serialize.js";
import { ordering, requestedOrder, type SortValue, sortBy } from "./order.js";

// GET /api/v2/tickets (ZENDESK_API.md 5.2): archived tickets are excluded; cursor or offset pages.

const SORT_VALUES: Record<string, (t: Ticket) => SortValue> = {
  id: (t) => t.id,
  created_at: (t) => t.created_at,
  updated_at: (t) => t.updated_at,
  // Statuses sort in lifecycle order, as in Zendesk views.
  status: (t) => TICKET_STATUSES.indexOf(t.status),
  subject: (t) => t.subject.toLowerCase(),
};

export function listTickets(ctx: RouteContext): Record<string, unknown> {
  const account: Account = ctx.account;
  const externalId = ctx.query["external_id"];
  const visible = [...account.tickets.values()].filter(
    (t) => !account.isArchived(t) && (externalId === undefined || t.external_id === externalId),
  );
  const { field, descending } = requestedOrder(ctx.query, Object.keys(SORT_VALUES), "id");
  const keyOf = ordering(SORT_VALUES[field]!, (t: Ticket) => t.id, descending);
  const sorted = sortBy(visible, keyOf);
  if (wantsCursor(ctx) && ctx.query["page"] !== undefined) {
    throw badRequest("InvalidPaginationParameter", "page and page[...] cannot be combined");
  }
  return listResponse(ctx, "tickets", sorted, keyOf, (t) => ticketJson(account, t, ctx.baseUrl));
}
