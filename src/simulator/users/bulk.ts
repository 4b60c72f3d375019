import { dropReadOnlyKeys, idList } from "../body.js";
import { notFound, recordInvalid, ZendeskError } from "../errors.js";
import { enqueueJob, serializeJob } from "../jobs.js";
import type { JobItemResult, User } from "../model.js";
import type { RouteContext } from "../route.js";
import { planUserChanges, READ_ONLY_USER_KEYS, requireCanManage } from "./changes.js";
import { softDeleteUser } from "./lifecycle.js";

const MAX_BULK = 100;

/** A job item's failure entry; Zendesk's exact shape is unconfirmed (ZENDESK_API.md 13). */
function failure(id: number | string, index: number, action: string, error: unknown): JobItemResult {
  const body = error instanceof ZendeskError ? (error.body as Record<string, unknown>) : null;
  const details = body?.details ? JSON.stringify(body.details) : (body?.description ?? String(error));
  return { id, index, action, success: false, status: "Failed", error: body?.error ?? "Failed", details };
}

/** The users a bulk call names by `ids=` or `external_ids=` (at most 100), unknown ones as their raw key. */
function targets(ctx: RouteContext): (User | { missing: string })[] {
  if (ctx.query.external_ids !== undefined) {
    const keys = ctx.query.external_ids
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (keys.length === 0 || keys.length > MAX_BULK)
      throw recordInvalid({ external_ids: [`between 1 and ${MAX_BULK} external ids are required`] });
    const live = [...ctx.account.users.values()].filter((u) => u.deleted_at === null);
    return keys.map(
      (key) => live.find((u) => u.external_id?.toLowerCase() === key.toLowerCase()) ?? { missing: key },
    );
  }
  return idList(ctx, "ids", MAX_BULK).map((id) => ctx.account.activeUser(id) ?? { missing: String(id) });
}

/** PUT /users/update_many: `?ids=` + `{user}` (bulk) or `{users:[{id,...}]}` (batch) → job (8.2). */
export function updateMany(ctx: RouteContext): Record<string, unknown> {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const actor = ctx.user;
  let items: { target: User | { missing: string }; attrs: Record<string, unknown> }[];
  if (Array.isArray(body.users)) {
    if (body.users.length === 0 || body.users.length > MAX_BULK)
      throw recordInvalid({ users: [`between 1 and ${MAX_BULK} users are required`] });
    items = body.users.map((raw: unknown) => {
      const attrs = (raw ?? {}) as Record<string, unknown>;
      const id = Number(attrs.id);
      const { id: _id, ...rest } = attrs;
      return {
        target: ctx.account.activeUser(id) ?? { missing: String(attrs.id) },
        attrs: dropReadOnlyKeys(ctx, "users", rest, READ_ONLY_USER_KEYS),
      };
    });
  } else {
    const user = body.user;
    if (!user || typeof user !== "object" || Array.isArray(user))
      throw recordInvalid({ user: ["user parameter is missing or not an object"] });
    const attrs = dropReadOnlyKeys(ctx, "user", user as Record<string, unknown>, READ_ONLY_USER_KEYS);
    items = targets(ctx).map((target) => ({ target, attrs }));
  }
  const job = enqueueJob(ctx.account, {
    jobType: "Bulk Update Users",
    total: items.length,
    runItem: (index) => {
      const { target, attrs } = items[index]!;
      if ("missing" in target) return failure(target.missing, index, "update", notFound());
      try {
        if (target.deleted_at !== null) throw notFound();
        requireCanManage(actor, target);
        const changes = planUserChanges(ctx.account, actor, attrs, target);
        for (const change of changes) change(target);
        target.updated_at = ctx.account.clock.now();
        return { id: target.id, action: "update", success: true, status: "Updated" };
      } catch (error) {
        return failure(target.id, index, "update", error);
      }
    },
  });
  return { job_status: serializeJob(job, ctx.baseUrl) };
}

/** DELETE /users/destroy_many?ids= (admins) → job with `action: "delete", status: "Deleted"` (7, 8.2). */
export function destroyMany(ctx: RouteContext): Record<string, unknown> {
  const actor = ctx.user;
  const items = targets(ctx);
  const job = enqueueJob(ctx.account, {
    jobType: "Bulk Delete Users",
    total: items.length,
    runItem: (index) => {
      const target = items[index]!;
      if ("missing" in target) return failure(target.missing, index, "delete", notFound());
      try {
        if (target.deleted_at !== null) throw notFound();
        softDeleteUser(ctx.account, actor, target);
        return { id: target.id, action: "delete", success: true, status: "Deleted" };
      } catch (error) {
        return failure(target.id, index, "delete", error);
      }
    },
  });
  return { job_status: serializeJob(job, ctx.baseUrl) };
}
