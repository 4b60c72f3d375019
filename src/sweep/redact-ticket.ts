import type { TicketRedactionSpec } from "../redaction/spec.js";
import { type PlanField, planTicketRedaction, type TicketRedactionPlan } from "../redaction/ticket-plan.js";
import { redactAttachment, redactCommentInWorkspace } from "../zendesk/comments.js";
import { ClosedTicketError, NotFoundError } from "../zendesk/errors.js";
import { addTicketTags, getTicket, type TicketChanges, updateTicket } from "../zendesk/tickets.js";
import type { Comment, Ticket } from "../zendesk/types.js";
import type { SweepContext } from "./context.js";
import { isExempt } from "./exemption.js";
import { failureOf, type ItemOutcome, OutcomeBuilder } from "./outcome.js";
import { readTicketPeople, type TicketPeople } from "./people.js";
import { readComments, readTicketWithComments, residualCount } from "./verify.js";

// Redaction in place: open tickets (comment redactions and a ticket update) and closed or archived
// tickets with the InPlace strategy (comment redactions only; Zendesk refuses every other change
// of a closed ticket, ZENDESK_API.md 5.7, so those fields are reported). Level-triggered: every run
// reads the ticket and plans from what it finds, so a ticket already redacted is a no-op and a
// run cut short is finished by the next one.

/** A safe update that lost against an agent's change is planned again from a fresh read, once. */
const ATTEMPTS = 2;

export async function redactTicketInPlace(
  ctx: SweepContext,
  ticketId: number,
  spec: TicketRedactionSpec,
  preloaded?: Ticket,
): Promise<ItemOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await redactOnce(ctx, ticketId, spec, attempt === 1 ? preloaded : undefined);
    const conflict = outcome.result === "failed" && outcome.error.kind === "Conflict";
    if (!conflict || attempt >= ATTEMPTS) return outcome;
  }
}

async function redactOnce(
  ctx: SweepContext,
  ticketId: number,
  spec: TicketRedactionSpec,
  preloaded: Ticket | undefined,
): Promise<ItemOutcome> {
  const { client, signal } = ctx;
  const out = new OutcomeBuilder({ kind: "ticket", id: ticketId }, "ReadTicket");
  try {
    const ticket = preloaded ?? (await getTicket(client, ticketId, signal));
    if (isExempt(ctx, ticket.tags)) return out.skipped("Exempt");
    out.step = "ReadComments";
    const comments = await readComments(client, ticketId, signal);
    out.step = "ReadPeople";
    const people = await readTicketPeople(client, ticket, comments, signal);
    out.step = "Plan";
    const plan = planTicketRedaction({ ticket, comments, authors: people.roles, known: people.known, spec });
    out.findings = plan.findings;
    out.unchangeable = plan.unchangeable.map((u) => ({ ...u }));

    if (ticket.status === "closed") await redactClosed(ctx, ticket, people, plan, spec, out);
    else await redactOpen(ctx, ticket, plan, spec, out);

    out.step = "Verify";
    await verifyInPlace(ctx, { ticket, comments }, people, spec, out);
    return out.acted();
  } catch (error) {
    if (error instanceof NotFoundError && out.step === "ReadTicket") return out.skipped("NotFound");
    return out.failed(failureOf(error));
  }
}

/**
 * Open tickets: fields first, as a safe update against the `updated_at` just read (a comment
 * redaction would move it), then comments, and the marker last, so a ticket carries the marker
 * only once everything before it is done, even when nothing was left to redact.
 */
async function redactOpen(
  ctx: SweepContext,
  ticket: Ticket,
  plan: TicketRedactionPlan,
  spec: TicketRedactionSpec,
  out: OutcomeBuilder,
): Promise<void> {
  const { client, signal } = ctx;
  const commentWork = plan.commentRedactions.length + plan.attachmentRedactions.length > 0;
  const update = plan.ticketUpdate
    ? tagChanges(ticket, plan.ticketUpdate, spec.markerTag, !commentWork)
    : null;
  if (update && Object.keys(update).length > 0) {
    out.step = "UpdateTicket";
    await updateTicket(client, ticket.id, update, {
      updatedStamp: ticket.updated_at,
      ...(signal ? { signal } : {}),
    });
    out.did("UpdateTicket");
    if (update.additional_tags) out.did("AddMarkerTag");
  }
  await redactComments(ctx, ticket, plan, out);
  // The marker also goes on a ticket this run found nothing to redact in: a run that stopped
  // between its last redaction and the marker (a crash, a failed request) is finished that way,
  // and later sweeps' queries leave the ticket out instead of reading it again every time.
  if (!ticket.tags.includes(spec.markerTag) && !out.actions.AddMarkerTag) {
    out.step = "AddMarker";
    await addTicketTags(client, ticket.id, [spec.markerTag], signal ? { signal } : {});
    out.did("AddMarkerTag");
  }
}

/**
 * The plan's tag list as additions and removals, so that a tag an agent adds meanwhile is kept.
 * The marker goes with this update only when nothing else is left to do after it.
 */
function tagChanges(
  ticket: Ticket,
  planned: NonNullable<TicketRedactionPlan["ticketUpdate"]>,
  marker: string,
  withMarker: boolean,
): TicketChanges {
  const { tags, ...fields } = planned;
  const changes: TicketChanges = { ...fields };
  if (tags) {
    const removed = ticket.tags.filter((t) => !tags.includes(t));
    if (removed.length > 0) changes.remove_tags = removed;
    if (withMarker && !ticket.tags.includes(marker)) changes.additional_tags = [marker];
  }
  return changes;
}

/**
 * Closed and archived tickets: comment redactions, then (where the plan names a field Zendesk
 * normally refuses to change) one attempt at the subject, tags and marker, which Zendesk allows
 * when the account's "Modify closed tickets" setting is on (5.7). A refusal is reported, with the
 * plan's reasons kept.
 */
async function redactClosed(
  ctx: SweepContext,
  ticket: Ticket,
  people: TicketPeople,
  plan: TicketRedactionPlan,
  spec: TicketRedactionSpec,
  out: OutcomeBuilder,
): Promise<void> {
  await redactComments(ctx, ticket, plan, out);
  const wanted = new Set<PlanField>(["subject", "tags", "markerTag"]);
  const named = new Set(plan.unchangeable.map((u) => u.field));
  if (![...wanted].some((field) => named.has(field))) return;
  if (ctx.closedTicketUpdates && !ctx.closedTicketUpdates.worthTrying) return;
  // The update this ticket would get if it were open: the same masking of subject and tags.
  const asOpen = planTicketRedaction({
    ticket: { ...ticket, status: "solved" },
    comments: [],
    authors: people.roles,
    known: people.known,
    spec,
  }).ticketUpdate;
  const changes: TicketChanges = { additional_tags: [spec.markerTag] };
  if (named.has("subject") && asOpen?.subject !== undefined) changes.subject = asOpen.subject;
  const keptTags = asOpen?.tags;
  const removed = named.has("tags") && keptTags ? ticket.tags.filter((t) => !keptTags.includes(t)) : [];
  if (removed.length > 0) changes.remove_tags = removed;
  out.step = "UpdateTicket";
  try {
    await updateTicket(ctx.client, ticket.id, changes, ctx.signal ? { signal: ctx.signal } : {});
  } catch (error) {
    if (!(error instanceof ClosedTicketError)) throw error;
    ctx.closedTicketUpdates?.refused();
    return;
  }
  ctx.closedTicketUpdates?.accepted();
  out.did("UpdateTicket");
  if (!ticket.tags.includes(spec.markerTag)) out.did("AddMarkerTag");
  out.unchangeable = out.unchangeable.filter((u) => !wanted.has(u.field as PlanField));
}

async function redactComments(
  ctx: SweepContext,
  ticket: Ticket,
  plan: TicketRedactionPlan,
  out: OutcomeBuilder,
): Promise<void> {
  const { client, signal } = ctx;
  out.step = "RedactComments";
  for (const r of plan.commentRedactions) {
    await redactCommentInWorkspace(client, {
      ticketId: ticket.id,
      commentId: r.commentId,
      ...(r.htmlBody === undefined ? {} : { htmlBody: r.htmlBody }),
      attachmentUrls: r.attachmentUrls,
      ...(signal ? { signal } : {}),
    });
    out.did("RedactComment");
  }
  for (const r of plan.attachmentRedactions) {
    await redactAttachment(client, { ticketId: ticket.id, ...r, ...(signal ? { signal } : {}) });
    out.did("RedactAttachment");
  }
}

/** Re-reads the ticket when something changed and counts what is left of what the policy names. */
async function verifyInPlace(
  ctx: SweepContext,
  read: { ticket: Ticket; comments: readonly Comment[] },
  people: TicketPeople,
  spec: TicketRedactionSpec,
  out: OutcomeBuilder,
): Promise<void> {
  const after = out.changedSomething
    ? await readTicketWithComments(ctx.client, read.ticket.id, ctx.signal)
    : read;
  out.residual = residualCount({
    ...after,
    roles: people.roles,
    known: people.known,
    spec,
    writtenBy: "ZendeskRedaction",
  });
}

/**
 * What one sweep learns about an account's closed tickets. Most accounts refuse every update of a
 * closed ticket (5.7), and each refusal costs a request from the scarce ticket-update bucket
 * (2.4), so after a few refusals and no success the sweep stops asking and only reports.
 */
export class ClosedTicketUpdates {
  private refusals = 0;
  private anyAccepted = false;

  constructor(private readonly refusalsBeforeGivingUp = 5) {}

  get worthTrying(): boolean {
    return this.anyAccepted || this.refusals < this.refusalsBeforeGivingUp;
  }

  refused(): void {
    this.refusals += 1;
  }

  accepted(): void {
    this.anyAccepted = true;
  }
}
