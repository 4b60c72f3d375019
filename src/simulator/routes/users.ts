import { requireAdmin } from "../auth.js";
import { dropReadOnlyKeys, idList, wrapped } from "../body.js";
import { recordInvalid } from "../errors.js";
import type { User } from "../model.js";
import { listResponse } from "../pagination.js";
import { buckets } from "../ratelimit.js";
import { type Route, type RouteContext, route } from "../route.js";
import { ticketJson, userJson } from "../serialize.js";
import { destroyMany, updateMany } from "../users/bulk.js";
import { planUserChanges, READ_ONLY_USER_KEYS, requireCanManage } from "../users/changes.js";
import { deletedUserRoutes } from "../users/deleted-user-routes.js";
import { identityRoutes } from "../users/identity-routes.js";
import { createUser, softDeleteUser } from "../users/lifecycle.js";
import { byId, liveUser, multiValues, shownUser } from "../users/listing.js";
import { organizationRoutes } from "../users/organization-routes.js";

// Users (ZENDESK_API.md 8). GET /users/{id} shows soft-deleted users (active: false) and the
// skeleton of permanently deleted ones; changes need a user that is not deleted (404 otherwise).
// /users/search belongs to the search routes.

/** show_many by `ids=` or `external_ids=` (at most 100); unknown ones are left out. */
function showMany(ctx: RouteContext): User[] {
  if (ctx.query.external_ids !== undefined) {
    const keys = ctx.query.external_ids
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (keys.length > 100) throw recordInvalid({ external_ids: ["at most 100 external ids are allowed"] });
    return [...ctx.account.users.values()].filter(
      (u) => u.external_id !== null && keys.includes(u.external_id.toLowerCase()),
    );
  }
  return idList(ctx)
    .map((id) => ctx.account.users.get(id))
    .filter((u): u is User => u !== undefined);
}

function listUsers(ctx: RouteContext): Record<string, unknown> {
  const roles = multiValues(ctx, "role");
  const externalId = ctx.query.external_id?.toLowerCase();
  const users = [...ctx.account.users.values()]
    .filter((u) => u.deleted_at === null)
    .filter((u) => roles.length === 0 || roles.includes(u.role))
    .filter((u) => externalId === undefined || u.external_id?.toLowerCase() === externalId)
    .sort(byId);
  return listResponse(
    ctx,
    "users",
    users,
    (u) => [u.id],
    (u) => userJson(u, ctx.baseUrl),
  );
}

function updateUser(ctx: RouteContext): Record<string, unknown> {
  const user = liveUser(ctx);
  requireCanManage(ctx.user, user);
  const attrs = dropReadOnlyKeys(ctx, "user", wrapped(ctx, "user"), READ_ONLY_USER_KEYS);
  const changes = planUserChanges(ctx.account, ctx.user, attrs, user);
  for (const change of changes) change(user);
  user.updated_at = ctx.now;
  return { user: userJson(user, ctx.baseUrl) };
}

/** Tickets the user requests; archived tickets are left out, as in every ticket list (5.8). */
function requestedTickets(ctx: RouteContext): Record<string, unknown> {
  const user = shownUser(ctx);
  const tickets = [...ctx.account.tickets.values()]
    .filter((t) => t.requester_id === user.id && !ctx.account.isArchived(t))
    .sort(byId);
  return listResponse(
    ctx,
    "tickets",
    tickets,
    (t) => [t.id],
    (t) => ticketJson(ctx.account, t, ctx.baseUrl),
  );
}

/** The per-user "5 updates a minute" bucket (ZENDESK_API.md 2.3, 2.4); unknown users are 404 later. */
function userUpdateBucket(ctx: RouteContext) {
  const user = ctx.account.activeUser(Number(ctx.params.id));
  return user ? [buckets.userUpdate(user.id, user)] : [];
}

export const userRoutes: Route[] = [
  route("GET", "/api/v2/users/me", (ctx) => ({ user: userJson(ctx.user, ctx.baseUrl) })),
  route("GET", "/api/v2/users", listUsers),
  route("POST", "/api/v2/users", (ctx) => {
    const attrs = dropReadOnlyKeys(ctx, "user", wrapped(ctx, "user"), READ_ONLY_USER_KEYS);
    const user = createUser(ctx.account, ctx.user, attrs);
    ctx.status = 201;
    return { user: userJson(user, ctx.baseUrl) };
  }),
  route("GET", "/api/v2/users/show_many", (ctx) => ({
    users: showMany(ctx).map((u) => userJson(u, ctx.baseUrl)),
  })),
  route("PUT", "/api/v2/users/update_many", updateMany),
  route("DELETE", "/api/v2/users/destroy_many", (ctx) => {
    requireAdmin(ctx.user);
    return destroyMany(ctx);
  }),
  route("GET", "/api/v2/users/:id", (ctx) => ({ user: userJson(shownUser(ctx), ctx.baseUrl) })),
  route("PUT", "/api/v2/users/:id", updateUser, userUpdateBucket),
  route("DELETE", "/api/v2/users/:id", (ctx) => ({
    user: userJson(softDeleteUser(ctx.account, ctx.user, liveUser(ctx)), ctx.baseUrl),
  })),
  route("GET", "/api/v2/users/:id/tickets/requested", requestedTickets),
  ...identityRoutes,
  ...deletedUserRoutes,
  ...organizationRoutes,
];
