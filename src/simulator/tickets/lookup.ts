import { numericParam } from "../body.js";
import { notFound } from "../errors.js";
import type { Ticket } from "../model.js";
import { type BucketCharge, buckets } from "../ratelimit.js";
import type { RouteContext } from "../route.js";

/**
 * The live ticket named by `:id`, or a 404 RecordNotFound. Soft-deleted tickets are not in
 * account.tickets, so they are 404 (ZENDESK_API.md 5.2); archived ones are there and stay readable.
 */
export function liveTicket(ctx: RouteContext): Ticket {
  const ticket = ctx.account.tickets.get(numericParam(ctx, "id"));
  if (!ticket) throw notFound();
  return ticket;
}

/** The buckets every change of one ticket is charged (2.4). */
export const ticketUpdateCharges = (ctx: RouteContext, ticketId: number): BucketCharge[] => [
  buckets.ticketsUpdate(ctx.account.settings),
  buckets.ticketUpdatesPerTicket(ticketId, ctx.user.id),
];

/** The buckets of a PUT that updates the ticket named by `:id`. */
export const ticketUpdateBuckets = (ctx: RouteContext) => ticketUpdateCharges(ctx, Number(ctx.params["id"]));
