import { recordInvalid } from "../errors.js";
import { type Route, type RouteContext, route } from "../route.js";
import { liveTicket, ticketUpdateBuckets } from "./lookup.js";
import { updateTicket } from "./update.js";

// The Tags API on tickets (ZENDESK_API.md 5.5; OpenAPI tags.yml): POST sets (201), PUT adds,
// DELETE removes. Each is a ticket update: closed tickets refuse it, safe updates apply, and the
// tickets-update buckets are charged.

type TagChange = "tags" | "additional_tags" | "remove_tags";

function changeTags(ctx: RouteContext, change: TagChange): { tags: string[] } {
  const ticket = liveTicket(ctx);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const tags = body["tags"] ?? ctx.query["tags"]?.split(",");
  if (tags === undefined) throw recordInvalid({ tags: ["Tags: is required"] });
  const attrs: Record<string, unknown> = { [change]: tags };
  if (body["safe_update"] !== undefined) attrs["safe_update"] = body["safe_update"];
  if (body["updated_stamp"] !== undefined) attrs["updated_stamp"] = body["updated_stamp"];
  updateTicket(ctx.account, ticket, attrs, ctx.user);
  return { tags: ticket.tags };
}

export const tagRoutes: Route[] = [
  route("GET", "/api/v2/tickets/:id/tags", (ctx) => ({ tags: liveTicket(ctx).tags })),
  route(
    "POST",
    "/api/v2/tickets/:id/tags",
    (ctx) => {
      const result = changeTags(ctx, "tags");
      ctx.status = 201;
      return result;
    },
    ticketUpdateBuckets,
  ),
  route("PUT", "/api/v2/tickets/:id/tags", (ctx) => changeTags(ctx, "additional_tags"), ticketUpdateBuckets),
  route("DELETE", "/api/v2/tickets/:id/tags", (ctx) => changeTags(ctx, "remove_tags"), ticketUpdateBuckets),
];
