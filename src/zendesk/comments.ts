import { z } from "zod";
import type { ZendeskClient } from "./client.js";
import { attachmentSchema, requestRecord, signalOf } from "./parse.js";
import { ticketUpdateBuckets } from "./tickets.js";
import type { Attachment, Comment } from "./types.js";

// Comment redaction (ZENDESK_API.md 6.2-6.4). Both calls are ticket changes for pacing: a
// redaction writes an audit and a tag, so Hush counts it against the ticket-update buckets even
// though Zendesk does not document it (2.4, 6.2).

export interface CommentRedaction {
  ticketId: number;
  commentId: number;
  /** The comment's html_body with `<redact>` around what to remove (6.2). */
  htmlBody?: string;
  /** content_urls of the comment's attachments to remove. */
  attachmentUrls?: readonly string[];
  signal?: AbortSignal;
}

/**
 * PUT /api/v2/comment_redactions/{comment_id} (6.2): the one redaction that works on closed and
 * archived tickets. Not retried after a 5xx or network error: if the first attempt went through,
 * the same markup no longer matches the comment and Zendesk would refuse it; the caller re-reads
 * the comment and plans again instead.
 */
export async function redactCommentInWorkspace(
  client: ZendeskClient,
  redaction: CommentRedaction,
): Promise<Comment> {
  const { ticketId, commentId, htmlBody, attachmentUrls } = redaction;
  if (htmlBody === undefined && (attachmentUrls === undefined || attachmentUrls.length === 0)) {
    throw new TypeError("a comment redaction needs an html_body with <redact> markup or attachment URLs");
  }
  return requestRecord<Comment>(
    client,
    {
      method: "PUT",
      path: `/api/v2/comment_redactions/${commentId}`,
      route: "/api/v2/comment_redactions/{id}",
      body: {
        ticket_id: ticketId,
        ...(htmlBody === undefined ? {} : { html_body: htmlBody }),
        ...(attachmentUrls?.length ? { external_attachment_urls: attachmentUrls } : {}),
      },
      buckets: ticketUpdateBuckets(ticketId),
      idempotent: false,
      ...signalOf(redaction.signal),
    },
    "comment",
    // The answer holds only a few of the comment's fields (6.2).
    z.looseObject({ id: z.number().int() }),
  );
}

/**
 * PUT /api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact (6.4):
 * replaces the attachment with an empty redacted.txt. Refused on closed tickets (a
 * ClosedTicketError); use redactCommentInWorkspace with the attachment's URL there.
 */
export function redactAttachment(
  client: ZendeskClient,
  target: { ticketId: number; commentId: number; attachmentId: number; signal?: AbortSignal },
): Promise<Attachment> {
  const { ticketId, commentId, attachmentId } = target;
  return requestRecord<Attachment>(
    client,
    {
      method: "PUT",
      path: `/api/v2/tickets/${ticketId}/comments/${commentId}/attachments/${attachmentId}/redact`,
      route: "/api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact",
      body: {},
      buckets: ticketUpdateBuckets(ticketId),
      ...signalOf(target.signal),
    },
    "attachment",
    attachmentSchema,
  );
}
