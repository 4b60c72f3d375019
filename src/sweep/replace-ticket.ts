import type { TicketRedactionSpec } from "../redaction/spec.js";
import { originalIdOfCopy, planTicketCopy, replacementExternalId } from "../redaction/ticket-copy.js";
import { planTicketRedaction } from "../redaction/ticket-plan.js";
import { destroyDeletedTicket } from "../zendesk/deleted-tickets.js";
import { NotFoundError, ZendeskError } from "../zendesk/errors.js";
import { importTicket } from "../zendesk/imports.js";
import { search } from "../zendesk/search.js";
import { deleteTicket, findTicketsByExternalId, getTicket } from "../zendesk/tickets.js";
import type { Comment, Ticket, TicketImport } from "../zendesk/types.js";
import type { SweepContext } from "./context.js";
import { isExempt } from "./exemption.js";
import { failureOf, type ItemOutcome, OutcomeBuilder } from "./outcome.js";
import { readTicketPeople, type TicketPeople } from "./people.js";
import { SEARCH_SETTLE_MS } from "./replace-journal.js";
import { readComments, readTicketWithComments, residualCount } from "./verify.js";

// The Replace strategy for closed tickets: import a redacted copy, confirm it, then delete the
// original (optionally permanently). Zendesk is the only state: the copy's external_id names its
// original (ticket-copy.ts), so every run starts by looking for the copy and carries on from
// wherever an earlier run stopped; a journal the caller keeps (replace-journal.ts) covers the
// minutes in which Zendesk may not show a new copy. The rules that make a restart at any point safe:
//   - look for the copy before importing, and again after an import whose outcome is unknown,
//     because an import is not idempotent (ZENDESK_API.md 5.4); while an import recorded in the
//     journal is younger than the search lag and its copy is not found, import nothing;
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
    if (isExempt(ctx, original.tags)) return out.skipped("Exempt");
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
  const journal = ctx.replaceJournal;
  const entry = await journal?.get(original.id);
  let copies = await findCopies(ctx, original.id, entry?.copyId);
  if (copies.length === 0) {
    if (!planTicketRedaction(input).changesSomething) return out.skipped("NothingToRedact");
    if (copyPlan.droppedAttachments > 0 && !spec.fields.includes("attachments")) {
      return out.refused(
        "ReplaceWouldLoseAttachments",
        "The ticket has attachments that the policy keeps, but a copy cannot carry them: add attachments to the policy's fields or use the InPlace strategy.",
      );
    }
    if (entry && client.clock.now() - entry.importSentAt < SEARCH_SETTLE_MS) return copyNotYetFindable(out);
    out.step = "ImportCopy";
    const importSentAt = client.clock.now();
    await journal?.set(original.id, { importSentAt });
    copies = await importCopy(ctx, original.id, copyPlan.ticket, importSentAt, out);
    out.step = "FindCopy";
  }
  const expected = copyPlan.ticket.comments.length;
  const copy = await keepOneCopy(ctx, original.id, copies, expected, spec, out, people);
  if (!copy) return copyIncomplete(out);
  out.copyId = copy.id;
  // Before the original goes: from here on the copy is the only one, and a later run must find it.
  if (entry?.copyId !== copy.id)
    await journal?.set(original.id, {
      importSentAt: entry?.importSentAt ?? client.clock.now(),
      copyId: copy.id,
    });

  out.step = "DeleteOriginal";
  if ((await deleteTicket(client, original.id, signal)) === "deleted") out.did("DeleteOriginal");
  if (options.permanentlyDelete) await deletePermanently(ctx, original.id, out);
  await journal?.delete(original.id);
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
  const entry = await ctx.replaceJournal?.get(originalId);
  const copies = await findCopies(ctx, originalId, entry?.copyId);
  if (copies.length === 0) return out.skipped("NotFound");
  const copy = await keepOneCopy(ctx, originalId, copies, null, spec, out);
  if (!copy) return copyIncomplete(out);
  out.copyId = copy.id;
  if (options.permanentlyDelete) await deletePermanently(ctx, originalId, out);
  await ctx.replaceJournal?.delete(originalId);
  const outcome = out.acted();
  return outcome.result === "skipped" ? out.skipped("AlreadyReplaced") : outcome;
}

/**
 * Copies of `originalId`, by the id a journal recorded and by their external_id. Reading by id is
 * consistent and works for archived tickets. The ticket list is consistent but leaves archived
 * tickets out (5.8), and a closed copy keeps the original's old dates, so it is archived soon after
 * its import; search finds archived tickets but only once it has indexed them (4.1). Zendesk
 * archives in the background, so a copy is normally still listed while search does not know it
 * yet, and found by search once it is archived.
 *
 * Residual risk without a journal entry: a copy that is archived before search has indexed it is
 * found by neither, so a run right after a crash between its import and the deletion of the
 * original (or after an import whose answer was lost) would import a second copy. The journal
 * closes that (replace-journal.ts); a second copy, should one appear anyway, is removed by the
 * next run that finds both (`keepOneCopy`), and the original is never deleted without a copy.
 * The simulator archives such a copy at once, so with its `searchIndexLagMs` set it shows the gap.
 */
async function findCopies(ctx: SweepContext, originalId: number, recordedCopyId?: number): Promise<Ticket[]> {
  const externalId = replacementExternalId(originalId);
  const links = (t: Pick<Ticket, "id" | "external_id">) =>
    t.external_id === externalId && t.id !== originalId;
  const found = new Map<number, Ticket>();
  if (recordedCopyId !== undefined) {
    const recorded = await getTicket(ctx.client, recordedCopyId, ctx.signal).catch(nullIfNotFound);
    if (recorded && links(recorded)) found.set(recorded.id, recorded);
  }
  // Zendesk may match external_id loosely (user external_ids are case-insensitive, 8.1): only an
  // exact link counts, since a copy found here may be deleted as a duplicate.
  const listed = (await findTicketsByExternalId(ctx.client, externalId, ctx.signal)).filter(links);
  for (const ticket of listed) found.set(ticket.id, ticket);
  if (found.size > 0) return [...found.values()];
  const results = search(
    ctx.client,
    `type:ticket external_id:"${externalId}"`,
    ctx.signal ? { signal: ctx.signal } : {},
  );
  for await (const result of results) {
    const ticket = result as unknown as Ticket;
    if (result.result_type === "ticket" && links(ticket)) found.set(ticket.id, ticket);
  }
  return [...found.values()];
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
  importSentAt: number,
  out: OutcomeBuilder,
): Promise<Ticket[]> {
  try {
    // Not archive_immediately: the ticket list, which finds a copy at once, leaves archived tickets out.
    const imported = await importTicket(ctx.client, copy, ctx.signal ? { signal: ctx.signal } : {});
    out.did("ImportCopy");
    await ctx.replaceJournal?.set(originalId, { importSentAt, copyId: imported.id });
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
 * One copy stands for the original: the oldest complete one, read back in full (it links to the
 * original, is closed, and holds every comment of the original: `expectedComments`; once the
 * original is gone, as many as the fullest copy holds). Residual findings are counted on it, which is what stays in Zendesk.
 * Others (left by two runs racing on one ticket, or by a lost import answer) are deleted only after
 * the kept copy is confirmed, and only when the read just made shows them as Hush's copies of this
 * original (exact link, marker tag): never the original, never the kept copy.
 * Returns null when no copy is complete; then nothing is deleted.
 */
async function keepOneCopy(
  ctx: SweepContext,
  originalId: number,
  copies: readonly Ticket[],
  expectedComments: number | null,
  spec: TicketRedactionSpec,
  out: OutcomeBuilder,
  /** The original's people, who are the copy's too; read from the copy when the original is gone. */
  originalPeople?: TicketPeople,
): Promise<Ticket | null> {
  out.step = "ConfirmCopy";
  const ordered = [...copies].sort((a, b) => a.id - b.id);
  const reads: { ticket: Ticket; comments: Comment[] }[] = [];
  for (const candidate of ordered) {
    const read = await readTicketWithComments(ctx.client, candidate.id, ctx.signal).catch(nullIfNotFound);
    if (read && isCopyOf(read.ticket, originalId)) reads.push(read);
  }
  // Once the original is gone, the fullest copy is the measure: never keep a lesser one over it.
  const expected = expectedComments ?? Math.max(0, ...reads.map((r) => r.comments.length));
  const kept = reads.find((r) => isComplete(r, expected));
  if (!kept) return null;

  out.step = "Verify";
  const people =
    originalPeople ?? (await readTicketPeople(ctx.client, kept.ticket, kept.comments, ctx.signal));
  out.residual = residualCount({
    ticket: kept.ticket,
    comments: kept.comments,
    roles: people.roles,
    known: people.known,
    spec,
    writtenBy: "HushCopy",
  });

  out.step = "DeleteDuplicateCopy";
  for (const { ticket } of reads) {
    if (ticket === kept.ticket || ticket.id === originalId || !ticket.tags.includes(spec.markerTag)) continue;
    if ((await deleteTicket(ctx.client, ticket.id, ctx.signal)) === "deleted") out.did("DeleteDuplicateCopy");
  }
  return kept.ticket;
}

const isCopyOf = (ticket: Ticket, originalId: number): boolean =>
  ticket.id !== originalId && ticket.external_id === replacementExternalId(originalId);

const isComplete = (read: { ticket: Ticket; comments: readonly Comment[] }, expectedComments: number) =>
  read.ticket.status === "closed" && read.comments.length > 0 && read.comments.length === expectedComments;

function copyNotYetFindable(out: OutcomeBuilder): ItemOutcome {
  return out.failed({
    kind: "CopyNotYetFindable",
    status: null,
    message:
      "An earlier run imported a copy of this ticket (or may have: the answer was lost) that Zendesk's search does not show yet; the original is kept, and a sweep after the search index has caught up (a few minutes) finishes the work.",
  });
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
