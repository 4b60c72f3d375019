import { numericParam } from "../body.js";
import { isoTime } from "../clock.js";
import { notFound } from "../errors.js";
import { listResponse } from "../pagination.js";
import { buckets } from "../ratelimit.js";
import { type Route, route } from "../route.js";
import { deletedUserJson, permanentlyDeleteUser } from "./lifecycle.js";
import { byId } from "./listing.js";

// Deleted users (ZENDESK_API.md 8.2, 8.4): the list and count include soft- and permanently deleted
// users; show and permanent delete only soft-deleted ones ("deleted but not permanently yet").

export const deletedUserRoutes: Route[] = [
  route("GET", "/api/v2/deleted_users", (ctx) => {
    const deleted = [...ctx.account.users.values()].filter((u) => u.deleted_at !== null).sort(byId);
    return listResponse(
      ctx,
      "deleted_users",
      deleted,
      (u) => [u.id],
      (u) => deletedUserJson(u, ctx.baseUrl),
    );
  }),

  route("GET", "/api/v2/deleted_users/count", (ctx) => {
    let value = 0;
    for (const user of ctx.account.users.values()) if (user.deleted_at !== null) value += 1;
    return { count: { value, refreshed_at: isoTime(ctx.now) } };
  }),

  route("GET", "/api/v2/deleted_users/:id", (ctx) => {
    const user = ctx.account.users.get(numericParam(ctx, "id"));
    if (!user || user.deleted_at === null || user.permanently_deleted_at !== null) throw notFound();
    return { deleted_user: deletedUserJson(user, ctx.baseUrl) };
  }),

  route(
    "DELETE",
    "/api/v2/deleted_users/:id",
    (ctx) => {
      const user = permanentlyDeleteUser(ctx.account, ctx.user, numericParam(ctx, "id"));
      return { deleted_user: deletedUserJson(user, ctx.baseUrl) };
    },
    () => [buckets.permanentUserDeletes()],
  ),
];
