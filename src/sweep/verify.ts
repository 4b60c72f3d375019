import { readHtmlText } from "../redaction/html.js";
import {
  type AuthorRoles,
  selectsAttachmentsOf,
  selectsComment,
  type TicketRedactionSpec,
} from "../redaction/spec.js";
import { isLiveAttachment } from "../redaction/ticket-plan.js";
import { DETECTOR_NAMES, type DetectionOptions, type KnownIdentifiers } from "../redaction/types.js";
import { isFullyMasked, residualFindings } from "../redaction/verify.js";
import type { ZendeskClient } from "../zendesk/client.js";
import { getTicket, listTicketComments } from "../zendesk/tickets.js";
import type { Comment, Ticket } from "../zendesk/types.js";

// Verification after acting: re-read what was changed and count what the policy names that is
// still there. Only counts leave this module, never the texts.

/** How the comments being verified were written: by Zendesk's redaction (▇) or by Hush (a copy). */
export type WrittenBy = "ZendeskRedaction" | "HushCopy";

export interface ResidualInput {
  ticket: Ticket;
  comments: readonly Comment[];
  roles: AuthorRoles;
  known: KnownIdentifiers;
  spec: TicketRedactionSpec;
  writtenBy: WrittenBy;
}

/** The visible text of a comment, as the plan read it (html_body), else its plain body. */
export const commentText = (comment: Comment): string =>
  comment.html_body ? readHtmlText(comment.html_body).text : (comment.plain_body ?? comment.body ?? "");

/**
 * Counts what is left of what the policy names: detector findings in the subject, the selected
 * custom fields and the selected comments, plus files still attached to selected comments. In Full
 * mode Zendesk's redaction leaves only ▇ and whitespace, so a comment showing anything else counts
 * once; texts Hush wrote itself are checked with the detectors (all of them when the policy names
 * none, since Full mode means nothing may remain).
 */
export function residualCount(input: ResidualInput): number {
  const { ticket, spec } = input;
  const detection: DetectionOptions =
    spec.masking.mode === "Full" && spec.detection.detectors.length === 0
      ? { ...spec.detection, detectors: DETECTOR_NAMES.filter((d) => d !== "custom"), known: input.known }
      : { ...spec.detection, known: input.known };
  const texts: string[] = [];
  let residual = 0;
  if (spec.fields.includes("subject") && ticket.subject) texts.push(ticket.subject);
  if (spec.fields.includes("customFields")) {
    const wanted = new Set(spec.customFieldIds ?? []);
    for (const field of ticket.custom_fields ?? []) {
      if (!wanted.has(field.id) || field.value === null || typeof field.value === "boolean") continue;
      texts.push(...(Array.isArray(field.value) ? field.value : [String(field.value)]));
    }
  }
  for (const comment of input.comments) {
    if (selectsAttachmentsOf(spec, comment, input.roles))
      residual += comment.attachments.filter(isLiveAttachment).length;
    if (!selectsComment(spec, comment, input.roles)) continue;
    const text = commentText(comment);
    if (spec.masking.mode === "Full" && input.writtenBy === "ZendeskRedaction") {
      if (!isFullyMasked(text)) residual += 1;
    } else texts.push(text);
  }
  return residual + residualFindings(texts, detection).length;
}

/** Reads a ticket and all its comments. */
export async function readTicketWithComments(
  client: ZendeskClient,
  ticketId: number,
  signal?: AbortSignal,
): Promise<{ ticket: Ticket; comments: Comment[] }> {
  const ticket = await getTicket(client, ticketId, signal);
  const comments = await readComments(client, ticketId, signal);
  return { ticket, comments };
}

export async function readComments(
  client: ZendeskClient,
  ticketId: number,
  signal?: AbortSignal,
): Promise<Comment[]> {
  const comments: Comment[] = [];
  for await (const comment of listTicketComments(client, ticketId, signal ? { signal } : {}))
    comments.push(comment);
  return comments;
}
