import { numericParam } from "../body.js";
import { notFound } from "../errors.js";
import type { Organization, User } from "../model.js";
import type { RouteContext } from "../route.js";

/** All values of a filter given as `name=a`, `name[]=a&name[]=b` or `name[]=a,b`. */
export function multiValues(ctx: RouteContext, name: string): string[] {
  const raw = [
    ...(ctx.queryValues?.[name] ?? (ctx.query[name] === undefined ? [] : [ctx.query[name]!])),
    ...(ctx.queryValues?.[`${name}[]`] ??
      (ctx.query[`${name}[]`] === undefined ? [] : [ctx.query[`${name}[]`]!])),
  ];
  return raw
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

export const byId = (a: { id: number }, b: { id: number }): number => a.id - b.id;

/**
 * A user as GET /users/{id} sees it: soft-deleted users are still shown (active: false) and so are
 * permanently deleted ones, as their skeleton ("Permanently Deleted User", no email or phone), because
 * tickets keep pointing at them (ZENDESK_API.md 8.2, 8.4). Unknown ids are 404.
 */
export function shownUser(ctx: RouteContext, param = "id"): User {
  const user = ctx.account.users.get(numericParam(ctx, param));
  if (!user) throw notFound();
  return user;
}

/** A user that can still be changed: not soft- or permanently deleted (404 otherwise). */
export function liveUser(ctx: RouteContext, param = "id"): User {
  const user = ctx.account.activeUser(numericParam(ctx, param));
  if (!user) throw notFound();
  return user;
}

export function organizationOr404(ctx: RouteContext, param = "id"): Organization {
  const org = ctx.account.organizations.get(numericParam(ctx, param));
  if (!org) throw notFound();
  return org;
}
