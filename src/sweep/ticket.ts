import type { TicketRedactionSpec } from "../redaction/spec.js";
import { NotFoundError } from "../zendesk/errors.js";
import { getTicket } from "../zendesk/tickets.js";
import type { SweepContext } from "./context.js";
import { failureOf, type ItemOutcome, OutcomeBuilder } from "./outcome.js";
import { redactTicketInPlace } from "./redact-ticket.js";
import { isCopy, replaceTicket } from "./replace-ticket.js";

// One ticket of a sweep: open tickets are redacted in place; closed and archived ones in place or
// replaced by a redacted copy, as the policy says.

export interface TicketOptions {
  /** Replace: delete originals permanently after their copies are confirmed. */
  permanentlyDeleteOriginals?: boolean;
}

export async function redactTicket(
  ctx: SweepContext,
  ticketId: number,
  spec: TicketRedactionSpec,
  options: TicketOptions = {},
): Promise<ItemOutcome> {
  const replace = { permanentlyDelete: options.permanentlyDeleteOriginals ?? false };
  let ticket: Awaited<ReturnType<typeof getTicket>>;
  try {
    ticket = await getTicket(ctx.client, ticketId, ctx.signal);
  } catch (error) {
    // A replaced original is gone; with Replace, its copy may still need the last steps.
    if (error instanceof NotFoundError) {
      if (spec.closedTickets === "Replace") return replaceTicket(ctx, ticketId, spec, replace);
      return new OutcomeBuilder({ kind: "ticket", id: ticketId }, "ReadTicket").skipped("NotFound");
    }
    return new OutcomeBuilder({ kind: "ticket", id: ticketId }, "ReadTicket").failed(failureOf(error));
  }
  if (isCopy(ticket))
    return new OutcomeBuilder({ kind: "ticket", id: ticketId }, "ReadTicket").skipped("IsReplacementCopy");
  if (ticket.status === "closed" && spec.closedTickets === "Replace") {
    return replaceTicket(ctx, ticketId, spec, replace, ticket);
  }
  return redactTicketInPlace(ctx, ticketId, spec, ticket);
}
