import { requireAdmin } from "../auth.js";
import {
  auditStream,
  exportedTicketJson,
  exportedUserJson,
  ticketEventJson,
  ticketStream,
  userStream,
} from "../incremental/streams.js";
import { cursorExport, startTime, timeExport } from "../incremental/window.js";
import { buckets } from "../ratelimit.js";
import { type Route, type RouteContext, route } from "../route.js";

// Incremental exports (ZENDESK_API.md 9): admins only, 10 requests a minute (30 with High Volume),
// with a JSON 429 body of their own (2.3).

const exportRoute = (path: string, handler: (ctx: RouteContext) => unknown): Route =>
  route(
    "GET",
    path,
    (ctx) => {
      requireAdmin(ctx.user);
      return handler(ctx);
    },
    (ctx) => [buckets.incrementalExports(ctx.account.settings)],
  );

const tickets = (ctx: RouteContext) => ticketStream(ctx.account, ctx.query["exclude_deleted"] === "true");

export const incrementalRoutes: Route[] = [
  exportRoute("/api/v2/incremental/tickets/cursor", (ctx) => {
    const { items, ...page } = cursorExport(ctx, tickets(ctx));
    return { tickets: items.map((t) => exportedTicketJson(ctx.account, t, ctx.baseUrl)), ...page };
  }),
  exportRoute("/api/v2/incremental/tickets", (ctx) => {
    const { items, ...page } = timeExport(ctx, tickets(ctx));
    return { tickets: items.map((t) => exportedTicketJson(ctx.account, t, ctx.baseUrl)), ...page };
  }),
  exportRoute("/api/v2/incremental/ticket_events", (ctx) => {
    const includeComments = (ctx.query["include"] ?? "").split(",").includes("comment_events");
    const { items, ...page } = timeExport(ctx, auditStream(ctx.account, startTime(ctx), ctx.baseUrl));
    return { ticket_events: items.map((a) => ticketEventJson(a, includeComments)), ...page };
  }),
  exportRoute("/api/v2/incremental/users/cursor", (ctx) => {
    const { items, ...page } = cursorExport(ctx, userStream(ctx.account));
    return { users: items.map((u) => exportedUserJson(u, ctx.baseUrl)), ...page };
  }),
  exportRoute("/api/v2/incremental/users", (ctx) => {
    const { items, ...page } = timeExport(ctx, userStream(ctx.account));
    return { users: items.map((u) => exportedUserJson(u, ctx.baseUrl)), ...page };
  }),
];
