import { numericParam } from "../body.js";
import { notFound } from "../errors.js";
import type { Organization, User } from "../model.js";
import { cursorPage, offsetPage, type SortKey, wantsCursor } from "../pagination.js";
import type { RouteContext } from "../route.js";

/**
 * A list response in whichever pagination style the request asked for (ZENDESK_API.md 3):
 * `{<key>: [...], meta, links}` for cursor, `{<key>: [...], next_page, previous_page, count}` for offset.
 */
export function listResponse<T>(
  ctx: RouteContext,
  key: string,
  sorted: readonly T[],
  keyOf: (item: T) => SortKey,
  toJson: (item: T) => unknown,
): Record<string, unknown> {
  if (wantsCursor(ctx)) {
    const page = cursorPage(ctx, sorted, keyOf);
    return { [key]: page.items.map(toJson), meta: page.meta, links: page.links };
  }
  const page = offsetPage(ctx, sorted);
  return {
    [key]: page.items.map(toJson),
    next_page: page.next_page,
    previous_page: page.previous_page,
    count: page.count,
  };
}

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
