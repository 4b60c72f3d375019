import type { TicketRedactionSpec } from "../redaction/spec.js";
import { originalIdOfCopy, planTicketCopy, replacementExternalId } from "../redaction/ticket-copy.js";
import { planTicketRedaction } from "../redaction/ticket-plan.js";
import { destroyDeletedTicket } from "../zendesk/deleted-tickets.js";
import { NotFoundError, ZendeskError } from "../zendesk/errors.js";
import { importTicket } from "../zendesk/imports.js";
import { search } from "../zendesk/search.js";
import { deleteTicket, findTicketsByExternalId, getTicket } from "../zendesk/tickets.js";
import type { Ticket, TicketImport } from "../zendesk/types.js";
import type { SweepContext } from "./context.js";
import { failureOf, type ItemOutcome, OutcomeBuilder } from "./outcome.js";
import { readTicketPeople, type TicketPeople } from "./people.js";
import { readComments, readTicketWithComments, residualCount } from "./verify.js";

// The Replace strategy for closed tickets: import a redacted copy, confirm it, then delete the
// original (optionally permanently). Zendesk is the only state: the copy's external_id names its
// original (ticket-copy.ts), so every run starts by looking for the copy and carries on from
// wherever an earlier run stopped. The rules that make a restart at any point safe:
//   - look for the copy before importing, and again after an import whose outcome is unknown,
//     because an import is not idempotent (ZENDESK_API.md 5.4);
//   - delete the original only after its copy has been read back complete;
//   - a copy is never treated as an original (its marker tag and external_id give it away).

export interface ReplaceOptions {
  /** After the soft delete, delete the original permanently (ZENDESK_API.md 5.9). */
  permanentlyDelete: boolean;
}

export async function replaceTicket(
  ctx: SweepContext,
  originalId: number,
  spec: TicketRedactionSpec,
  options: ReplaceOptions,
  preloaded?: Ticket,
): Promise<ItemOutcome> {
  const out = new OutcomeBuilder({ kind: "ticket", id: originalId }, "ReadTicket");
  try {
    const original = preloaded ?? (await getTicket(ctx.client, originalId, ctx.signal).catch(nullIfNotFound));
    if (original === null) return await finishWithoutOriginal(ctx, originalId, spec, options, out);
    if (isCopy(original)) return out.skipped("IsReplacementCopy");
    if (original.status !== "closed") {
      return out.refused(
        "NotClosed",
        "Only closed tickets are replaced; open tickets are redacted in place.",
      );
    }
    return await replace(ctx, original, spec, options, out);
  } catch (error) {
    return out.failed(failureOf(error));
  }
}

/**
 * A copy Hush imported: its external_id links to an original. (Its marker tag alone does not
 * tell: Hush also marks tickets it redacts in place.)
 */
export const isCopy = (ticket: Ticket): boolean => originalIdOfCopy(ticket.external_id) !== null;

async function replace(
  ctx: SweepContext,
  original: Ticket,
  spec: TicketRedactionSpec,
  options: ReplaceOptions,
  out: OutcomeBuilder,
): Promise<ItemOutcome> {
  const { client, signal } = ctx;
  out.step = "ReadComments";
  const comments = await readComments(client, original.id, signal);
  out.step = "ReadPeople";
  const people = await readTicketPeople(client, original, comments, signal);
  out.step = "Plan";
  const input = { ticket: original, comments, authors: people.roles, known: people.known, spec };
  const copyPlan = planTicketCopy(input);
  out.findings = copyPlan.findings;
  out.dropped = copyPlan.lost.map((l) => l.field);

  out.step = "FindCopy";
  let copies = await findCopies(ctx, original.id);
  if (copies.length === 0) {
    if (!planTicketRedaction(input).changesSomething) return out.skipped("NothingToRedact");
    if (copyPlan.droppedAttachments > 0 && !spec.fields.includes("attachments")) {
      return out.refused(
        "ReplaceWouldLoseAttachments",
        "The ticket has attachments that the policy keeps, but a copy cannot carry them: add attachments to the policy's fields or use the InPlace strategy.",
      );
    }
    out.step = "ImportCopy";
    copies = await importCopy(ctx, original.id, copyPlan.ticket, out);
  }
  const copy = await keepOneCopy(ctx, copies, spec, out);
  out.copyId = copy.id;

  out.step = "ConfirmCopy";
  const expected = copyPlan.ticket.comments.length;
  const confirmed = await confirmCopy(ctx, original.id, copy.id, expected, spec, out, people);
  if (!confirmed) return copyIncomplete(out);

  out.step = "DeleteOriginal";
  if ((await deleteTicket(client, original.id, signal)) === "deleted") out.did("DeleteOriginal");
  if (options.permanentlyDelete) await deletePermanently(ctx, original.id, out);
  return out.acted();
}

/**
 * The original is gone: either an earlier run replaced it (its copy exists) and only the permanent
 * deletion may be left, or it was deleted by someone else and there is nothing to do.
 */
async function finishWithoutOriginal(
  ctx: SweepContext,
  originalId: number,
  spec: TicketRedactionSpec,
  options: ReplaceOptions,
  out: OutcomeBuilder,
): Promise<ItemOutcome> {
  out.step = "FindCopy";
  const copies = await findCopies(ctx, originalId);
  if (copies.length === 0) return out.skipped("NotFound");
  const copy = await keepOneCopy(ctx, copies, spec, out);
  out.copyId = copy.id;
  out.step = "ConfirmCopy";
  if (!(await confirmCopy(ctx, originalId, copy.id, null, spec, out))) return copyIncomplete(out);
  if (options.permanentlyDelete) await deletePermanently(ctx, originalId, out);
  const outcome = out.acted();
  return outcome.result === "skipped" ? out.skipped("AlreadyReplaced") : outcome;
}

/**
 * Copies of `originalId` by their external_id. The ticket list is consistent but leaves archived
 * tickets out (5.8), and a closed copy keeps the original's old dates, so it is archived soon after
 * its import; search finds archived tickets but only once it has indexed them (4.1). Zendesk
 * archives in the background, so a copy is still listed while search may not know it yet, and
 * found by search once it is archived. (The simulator archives such a copy at once; with its
 * `searchIndexLagMs` set, a rerun within the lag after a crash between import and delete would not
 * find the copy.)
 */
async function findCopies(ctx: SweepContext, originalId: number): Promise<Ticket[]> {
  const externalId = replacementExternalId(originalId);
  const listed = await findTicketsByExternalId(ctx.client, externalId, ctx.signal);
  if (listed.length > 0) return listed;
  const found: Ticket[] = [];
  const results = search(
    ctx.client,
    `type:ticket external_id:"${externalId}"`,
    ctx.signal ? { signal: ctx.signal } : {},
  );
  for await (const result of results) {
    if (result.result_type === "ticket" && result["external_id"] === externalId)
      found.push(result as unknown as Ticket);
  }
  return found;
}

/**
 * Imports the copy. When the answer is lost (a dropped connection, a 5xx, an unreadable body) the
 * import may or may not have happened; looking again tells, and importing again is left to a later
 * run that looks first, so an unknown outcome never becomes a second copy.
 */
async function importCopy(
  ctx: SweepContext,
  originalId: number,
  copy: TicketImport,
  out: OutcomeBuilder,
): Promise<Ticket[]> {
  try {
    // Not archive_immediately: the ticket list, which finds a copy at once, leaves archived tickets out.
    const imported = await importTicket(
      ctx.client,
      withoutUnknownSolvedAt(copy),
      ctx.signal ? { signal: ctx.signal } : {},
    );
    out.did("ImportCopy");
    return [imported];
  } catch (error) {
    if (!(error instanceof ZendeskError) || !["Unavailable", "UnexpectedResponse"].includes(error.kind))
      throw error;
    out.step = "FindCopy";
    const found = await findCopies(ctx, originalId);
    if (found.length === 0) throw error;
    out.did("ImportCopy");
    return found;
  }
}

/**
 * Ticket JSON has no solved_at (it lives in ticket metrics), so the plan often leaves it null, and
 * the import refuses a null timestamp: leave it out and Zendesk takes the update time (5.4).
 */
function withoutUnknownSolvedAt(copy: TicketImport): TicketImport {
  if (copy.solved_at !== null && copy.solved_at !== undefined) return copy;
  const { solved_at: _unknown, ...rest } = copy;
  return rest;
}

/**
 * One copy stands for the original: the oldest. Others (left by two runs racing on one ticket)
 * are deleted when they are Hush's copies for certain; the original still exists, or the kept copy
 * does, so nothing is lost.
 */
async function keepOneCopy(
  ctx: SweepContext,
  copies: readonly Ticket[],
  spec: TicketRedactionSpec,
  out: OutcomeBuilder,
): Promise<Ticket> {
  const [kept, ...extra] = [...copies].sort((a, b) => a.id - b.id) as [Ticket, ...Ticket[]];
  for (const duplicate of extra) {
    if (!duplicate.tags.includes(spec.markerTag)) continue;
    if ((await deleteTicket(ctx.client, duplicate.id, ctx.signal)) === "deleted")
      out.did("DeleteDuplicateCopy");
  }
  return kept;
}

/**
 * Reads the copy back: it must link to the original, be closed, and hold every comment of the
 * original (`expectedComments`; unknown once the original is gone). Residual findings are counted
 * on the copy, which is what stays in Zendesk.
 */
async function confirmCopy(
  ctx: SweepContext,
  originalId: number,
  copyId: number,
  expectedComments: number | null,
  spec: TicketRedactionSpec,
  out: OutcomeBuilder,
  /** The original's people, who are the copy's too; read from the copy when the original is gone. */
  originalPeople?: TicketPeople,
): Promise<boolean> {
  const { ticket, comments } = await readTicketWithComments(ctx.client, copyId, ctx.signal);
  const complete =
    ticket.external_id === replacementExternalId(originalId) &&
    ticket.status === "closed" &&
    comments.length > 0 &&
    (expectedComments === null || comments.length === expectedComments);
  if (!complete) return false;
  out.step = "Verify";
  const people = originalPeople ?? (await readTicketPeople(ctx.client, ticket, comments, ctx.signal));
  out.residual = residualCount({
    ticket,
    comments,
    roles: people.roles,
    known: people.known,
    spec,
    writtenBy: "HushCopy",
  });
  return true;
}

function copyIncomplete(out: OutcomeBuilder): ItemOutcome {
  return out.failed({
    kind: "CopyIncomplete",
    status: null,
    message:
      "The redacted copy does not hold every comment of the original, so the original was kept; delete the copy (its external_id names the original) and sweep again.",
  });
}

async function deletePermanently(ctx: SweepContext, originalId: number, out: OutcomeBuilder): Promise<void> {
  out.step = "PermanentlyDeleteOriginal";
  try {
    const result = await destroyDeletedTicket(ctx.client, originalId, {
      ...ctx.jobs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (!result.ok) throw new PermanentDeletionFailed(originalId);
    out.did("PermanentlyDeleteOriginal");
  } catch (error) {
    // Not soft-deleted any more: permanently deleted already (by an earlier run or by Zendesk).
    if (error instanceof NotFoundError) return;
    throw error;
  }
}

/** Zendesk's permanent-deletion job reported failure; it says no more (ZENDESK_API.md 7). */
export class PermanentDeletionFailed extends ZendeskError {
  constructor(ticketId: number) {
    super(
      "Unavailable",
      { method: "DELETE", route: "/api/v2/deleted_tickets/{id}", status: null },
      `the permanent deletion job for ticket ${ticketId} failed; the ticket stays soft-deleted and a later sweep tries again`,
    );
  }
}

function nullIfNotFound(error: unknown): null {
  if (error instanceof NotFoundError) return null;
  throw error;
}
