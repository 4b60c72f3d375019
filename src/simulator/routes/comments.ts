import { numericParam } from "../body.js";
import { isoTime, MINUTE } from "../clock.js";
import { closedTicket, notFound } from "../errors.js";
import { ticketAudits } from "../incremental/audits.js";
import type { CommentRecord } from "../model.js";
import { listResponse, offsetResponse, wantsCursor } from "../pagination.js";
import { commitCommentChange } from "../redaction/commit.js";
import {
  bodyTicketId,
  redactCommentAttachment,
  redactCommentInWorkspace,
  redactionBuckets,
  redactStringInComment,
} from "../redaction/endpoints.js";
import { commentOf, findAttachment, visibleTicket } from "../redaction/lookup.js";
import { RawBody, type Route, type RouteContext, route } from "../route.js";
import { attachmentJson, commentJson } from "../serialize.js";
import { auditJson } from "../tickets/audit.js";
import { ticketUpdateCharges } from "../tickets/lookup.js";

// Ticket comments, their redaction, ticket audits and attachment downloads (ZENDESK_API.md 6).

/** Cursor (`sort=created_at|-created_at`) or offset (`sort_order=asc|desc`) pages, oldest first by default. */
function paged<T>(
  ctx: RouteContext,
  items: readonly T[],
  key: (item: T) => [number, number],
  wrapper: string,
  json: (item: T) => unknown,
): Record<string, unknown> {
  if (wantsCursor(ctx)) {
    const descending = ctx.query["sort"] === "-created_at";
    const sorted = descending ? [...items].reverse() : items;
    return listResponse(ctx, wrapper, sorted, (item) => key(item).map((n) => (descending ? -n : n)), json);
  }
  const sorted = ctx.query["sort_order"] === "desc" ? [...items].reverse() : items;
  return offsetResponse(ctx, wrapper, sorted, json);
}

/** Inline images are listed only with `include_inline_images=true` (6.1). */
function listedComment(ctx: RouteContext, comment: CommentRecord): unknown {
  const withInline = ctx.query["include_inline_images"] === "true";
  const shown = withInline
    ? comment
    : { ...comment, attachments: comment.attachments.filter((a) => !a.inline) };
  return commentJson(shown, ctx.baseUrl);
}

function listComments(ctx: RouteContext): unknown {
  const ticket = visibleTicket(ctx.account, numericParam(ctx, "ticket_id"));
  const comments = [...ctx.account.comments(ticket)].sort(
    (a, b) => a.created_at - b.created_at || a.id - b.id,
  );
  return paged(
    ctx,
    comments,
    (c) => [c.created_at, c.id],
    "comments",
    (c) => listedComment(ctx, c),
  );
}

function countComments(ctx: RouteContext): unknown {
  const ticket = visibleTicket(ctx.account, numericParam(ctx, "ticket_id"));
  return { count: { value: ctx.account.comments(ticket).length, refreshed_at: isoTime(ctx.now) } };
}

/** PUT .../comments/{id}/make_private: a ticket update, so it fails on closed tickets (6.1, 5.7). */
function makePrivate(ctx: RouteContext): unknown {
  const ticket = visibleTicket(ctx.account, numericParam(ctx, "ticket_id"));
  const comments = ctx.account.comments(ticket);
  const comment = commentOf(comments, numericParam(ctx, "id"));
  if (ticket.status === "closed") throw closedTicket();
  if (comment.public) {
    commitCommentChange(ctx.account, ticket, comments, ctx.user.id, { ...comment, public: false }, [
      { type: "CommentPrivacyChange", comment_id: comment.id, public: false },
    ]);
  }
  return null;
}

function listAudits(ctx: RouteContext): unknown {
  const ticket = visibleTicket(ctx.account, numericParam(ctx, "ticket_id"));
  const audits = ticketAudits(ctx.account, ticket, ctx.baseUrl);
  // "Audits for Archived Tickets do not support pagination for this endpoint" (OpenAPI
  // ListAuditsForTicket): every audit at once, whatever page parameters were sent.
  if (ctx.account.isArchived(ticket))
    return { audits: audits.map(auditJson), next_page: null, previous_page: null, count: audits.length };
  return paged(ctx, audits, (a) => [a.created_at, a.id], "audits", auditJson);
}

/** GET /api/v2/attachments/{id}: the object behind an attachment's `url` (OpenAPI ShowAttachment). */
function showAttachment(ctx: RouteContext): unknown {
  const attachment = findAttachment(ctx.account, numericParam(ctx, "id"));
  if (!attachment) throw notFound();
  return { attachment: attachmentJson(attachment, ctx.baseUrl) };
}

/** The content_url of an attachment (`/attachments/token/att<ID>/?name=`): its bytes, authenticated like the API. */
function attachmentContent(ctx: RouteContext): unknown {
  const match = /^att(\d+)$/.exec(ctx.params["token"] ?? "");
  const attachment = match ? findAttachment(ctx.account, Number(match[1])) : null;
  if (!attachment) throw notFound();
  return new RawBody(attachment.content_type, attachment.content ?? "");
}

const ticketUpdate = (ctx: RouteContext) => ticketUpdateCharges(ctx, Number(ctx.params["ticket_id"]));

export const commentRoutes: Route[] = [
  route("GET", "/api/v2/tickets/:ticket_id/comments", listComments),
  route("GET", "/api/v2/tickets/:ticket_id/comments/count", countComments),
  route("PUT", "/api/v2/tickets/:ticket_id/comments/:id/make_private", makePrivate, ticketUpdate),
  route("PUT", "/api/v2/tickets/:ticket_id/comments/:id/redact", redactStringInComment, (ctx) =>
    redactionBuckets(ctx, Number(ctx.params["ticket_id"]) || null),
  ),
  route(
    "PUT",
    "/api/v2/tickets/:ticket_id/comments/:comment_id/attachments/:attachment_id/redact",
    redactCommentAttachment,
    (ctx) => redactionBuckets(ctx, Number(ctx.params["ticket_id"]) || null),
  ),
  route("PUT", "/api/v2/comment_redactions/:comment_id", redactCommentInWorkspace, (ctx) =>
    redactionBuckets(ctx, bodyTicketId(ctx)),
  ),
  route("GET", "/api/v2/tickets/:ticket_id/audits", listAudits),
  route("GET", "/api/v2/attachments/:id", showAttachment),
  // Attachment downloads have their own limit (2.4).
  route("GET", "/attachments/token/:token", attachmentContent, () => [
    { bucket: "attachments-content", limit: 2500, windowMs: MINUTE },
  ]),
];
