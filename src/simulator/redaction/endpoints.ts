import { requireDeletePermission } from "../auth.js";
import { closedTicket, notFound, recordInvalid } from "../errors.js";
import type { AuditEvent, CommentRecord } from "../model.js";
import type { BucketCharge } from "../ratelimit.js";
import type { RouteContext } from "../route.js";
import { attachmentJson, commentJson } from "../serialize.js";
import { ticketUpdateCharges } from "../tickets/lookup.js";
import {
  attachmentIdFromUrl,
  redactedAttachment,
  redactString,
  redactWithMarkup,
} from "./comment-redaction.js";
import { commitRedaction } from "./commit.js";
import { commentOf, visibleTicket } from "./lookup.js";

// The three comment redaction endpoints (ZENDESK_API.md 6.2-6.4). All need the "delete tickets"
// permission; only comment_redactions works on closed and archived tickets.

const idParam = (value: unknown): number | null => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
};

/**
 * Whether a redaction consumes the ticket-update buckets is unconfirmed (2.4); the account
 * setting decides, defaulting to yes because a redaction writes an audit like any update.
 */
export function redactionBuckets(ctx: RouteContext, ticketId: number | null): BucketCharge[] {
  if (!ctx.account.settings.redactionsCountAsTicketUpdates || ticketId === null) return [];
  return ticketUpdateCharges(ctx, ticketId);
}

export const bodyTicketId = (ctx: RouteContext): number | null =>
  idParam((ctx.body as Record<string, unknown> | undefined)?.["ticket_id"]);

/** PUT /api/v2/comment_redactions/{comment_id} (6.2). */
export function redactCommentInWorkspace(ctx: RouteContext): unknown {
  requireDeletePermission(ctx.user);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const commentId = idParam(ctx.params["comment_id"]);
  if (commentId === null) throw notFound();
  const ticketId = idParam(body["ticket_id"]);
  if (ticketId === null)
    throw recordInvalid({ ticket_id: ["ticket_id is required and must be a ticket id"] });
  const htmlBody = body["html_body"];
  const urls = body["external_attachment_urls"];
  if (htmlBody !== undefined && typeof htmlBody !== "string")
    throw recordInvalid({ html_body: ["html_body must be a string"] });
  if (urls !== undefined && !(Array.isArray(urls) && urls.every((u) => typeof u === "string")))
    throw recordInvalid({ external_attachment_urls: ["external_attachment_urls must be an array of URLs"] });
  if (htmlBody === undefined && (urls === undefined || urls.length === 0))
    throw recordInvalid({ html_body: ["give html_body with <redact> tags or external_attachment_urls"] });

  // Unlike the other redactions, this one works on closed and archived tickets. A comment that
  // is not on the given ticket answers 404, as a scoped lookup would (unconfirmed, 13).
  const ticket = visibleTicket(ctx.account, ticketId);
  const comments = ctx.account.comments(ticket);
  const comment = commentOf(comments, commentId);
  let redacted: CommentRecord = { ...comment };
  const events: Omit<AuditEvent, "id">[] = [];
  const attachmentIds = new Set<number>();
  if (typeof htmlBody === "string") {
    const result = redactWithMarkup(comment, htmlBody);
    redacted = { ...redacted, body: result.body, html_body: result.html_body };
    for (const url of result.removedUrls) {
      const id = attachmentIdFromUrl(url);
      if (id !== null && comment.attachments.some((a) => a.id === id)) attachmentIds.add(id);
    }
    events.push({ type: "CommentRedactionEvent", comment_id: comment.id });
  }
  for (const url of (urls as string[] | undefined) ?? []) {
    const id = attachmentIdFromUrl(url);
    if (id === null || !comment.attachments.some((a) => a.id === id)) {
      throw recordInvalid({
        external_attachment_urls: [`${url} is not the content_url of an attachment of comment ${comment.id}`],
      });
    }
    attachmentIds.add(id);
  }
  if (attachmentIds.size > 0) {
    redacted.attachments = comment.attachments.map((a) =>
      attachmentIds.has(a.id) ? redactedAttachment(a) : a,
    );
    for (const id of attachmentIds) {
      events.push({ type: "AttachmentRedactionEvent", attachment_id: id, comment_id: comment.id });
    }
  }
  commitRedaction(ctx.account, ticket, comments, ctx.user.id, redacted, events);
  return { comment: commentJson(redacted, ctx.baseUrl) };
}

/** PUT /api/v2/tickets/{ticket_id}/comments/{id}/redact with `{text}` (legacy, 6.3). */
export function redactStringInComment(ctx: RouteContext): unknown {
  requireDeletePermission(ctx.user);
  const ticket = visibleTicket(ctx.account, idParam(ctx.params["ticket_id"]) ?? 0);
  const comments = ctx.account.comments(ticket);
  const comment = commentOf(comments, idParam(ctx.params["id"]) ?? 0);
  // "Once a ticket is closed, you can no longer redact strings from its comments"; the status is
  // unconfirmed (13), so it answers like any other update of a closed ticket.
  if (ticket.status === "closed") throw closedTicket();
  const text = (ctx.body as Record<string, unknown> | undefined)?.["text"];
  if (typeof text !== "string" || text === "") throw recordInvalid({ text: ["text is required"] });
  const result = redactString(comment, text);
  const redacted: CommentRecord = { ...comment, ...result };
  commitRedaction(ctx.account, ticket, comments, ctx.user.id, redacted, [
    { type: "CommentRedactionEvent", comment_id: comment.id },
  ]);
  return { comment: commentJson(redacted, ctx.baseUrl) };
}

/** PUT /api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact (6.4). */
export function redactCommentAttachment(ctx: RouteContext): unknown {
  requireDeletePermission(ctx.user);
  const ticket = visibleTicket(ctx.account, idParam(ctx.params["ticket_id"]) ?? 0);
  const comments = ctx.account.comments(ticket);
  const comment = commentOf(comments, idParam(ctx.params["comment_id"]) ?? 0);
  const attachmentId = idParam(ctx.params["attachment_id"]);
  const attachment = comment.attachments.find((a) => a.id === attachmentId);
  if (!attachment) throw notFound();
  // Not possible once closed: comment_redactions with external_attachment_urls is the way (6.4).
  if (ticket.status === "closed") throw closedTicket();
  const replaced = redactedAttachment(attachment);
  const redacted: CommentRecord = {
    ...comment,
    attachments: comment.attachments.map((a) => (a.id === attachment.id ? replaced : a)),
  };
  commitRedaction(ctx.account, ticket, comments, ctx.user.id, redacted, [
    { type: "AttachmentRedactionEvent", attachment_id: attachment.id, comment_id: comment.id },
  ]);
  return { attachment: attachmentJson(replaced, ctx.baseUrl) };
}
