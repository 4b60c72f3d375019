import { dropReadOnlyKeys, numericParam, wrapped } from "../body.js";
import { notFound } from "../errors.js";
import type { Identity, User } from "../model.js";
import { listResponse } from "../pagination.js";
import { type Route, type RouteContext, route } from "../route.js";
import { identityJson } from "../serialize.js";
import { requireCanManage } from "./changes.js";
import {
  addIdentity,
  checkIdentityValue,
  IDENTITY_TYPES,
  identitiesOf,
  identityInvalid,
  makePrimary,
  removeIdentity,
  syncUserFromIdentities,
} from "./identities.js";
import { byId, liveUser, multiValues, shownUser } from "./listing.js";

// User identities (ZENDESK_API.md 8.3). Reads work for soft-deleted users too (their identities are
// kept until permanent deletion); writes need a live user the caller may manage.

const BASE = "/api/v2/users/:user_id/identities";

function identityOf(ctx: RouteContext, user: User): Identity {
  const id = numericParam(ctx, "id");
  const identity = identitiesOf(ctx.account, user.id).find((i) => i.id === id);
  if (!identity) throw notFound();
  return identity;
}

function writableUser(ctx: RouteContext): User {
  const user = liveUser(ctx, "user_id");
  requireCanManage(ctx.user, user);
  return user;
}

const asBoolean = (value: unknown): boolean => value === true || value === "true";

export const identityRoutes: Route[] = [
  route("GET", BASE, (ctx) => {
    const user = shownUser(ctx, "user_id");
    const types = multiValues(ctx, "type");
    const list = identitiesOf(ctx.account, user.id)
      .filter((i) => types.length === 0 || types.includes(i.type))
      .sort(byId);
    return listResponse(
      ctx,
      "identities",
      list,
      (i) => [i.id],
      (i) => identityJson(i, ctx.baseUrl),
    );
  }),

  route("GET", `${BASE}/:id`, (ctx) => {
    const identity = identityOf(ctx, shownUser(ctx, "user_id"));
    return { identity: identityJson(identity, ctx.baseUrl) };
  }),

  route("POST", BASE, (ctx) => {
    const user = writableUser(ctx);
    const attrs = wrapped(ctx, "identity");
    const type = attrs.type as Identity["type"];
    if (!IDENTITY_TYPES.includes(type))
      throw identityInvalid(
        "type",
        `Type: ${String(attrs.type)} is not a supported identity type`,
        "InvalidValue",
      );
    const value = checkIdentityValue(ctx.account, type, attrs.value);
    const identity = addIdentity(ctx.account, user, type, value, asBoolean(attrs.verified));
    ctx.status = 201;
    return { identity: identityJson(identity, ctx.baseUrl) };
  }),

  route("PUT", `${BASE}/:id`, (ctx) => {
    const user = writableUser(ctx);
    const identity = identityOf(ctx, user);
    // `primary` changes only through make_primary; Zendesk drops it like other read-only keys.
    const attrs = dropReadOnlyKeys(ctx, "identity", wrapped(ctx, "identity"), [
      "id",
      "url",
      "user_id",
      "type",
      "primary",
      "created_at",
      "updated_at",
    ]);
    const value =
      "value" in attrs ? checkIdentityValue(ctx.account, identity.type, attrs.value, identity.id) : undefined;
    if (value !== undefined) identity.value = value;
    if ("verified" in attrs) identity.verified = asBoolean(attrs.verified);
    if (attrs.verification_method === "none") identity.verified = false;
    if (attrs.verification_method === "low") identity.verified = true;
    identity.updated_at = ctx.now;
    syncUserFromIdentities(ctx.account, user);
    return { identity: identityJson(identity, ctx.baseUrl) };
  }),

  route("PUT", `${BASE}/:id/make_primary`, (ctx) => {
    const user = writableUser(ctx);
    makePrimary(ctx.account, user, identityOf(ctx, user));
    const list = [...identitiesOf(ctx.account, user.id)].sort(byId);
    return { identities: list.map((i) => identityJson(i, ctx.baseUrl)) };
  }),

  route("DELETE", `${BASE}/:id`, (ctx) => {
    const user = writableUser(ctx);
    const identity = identityOf(ctx, user);
    const list = identitiesOf(ctx.account, user.id);
    // Deleting a primary identity is unconfirmed (ZENDESK_API.md 8.3, 13). The simulator refuses
    // while another identity of the same type could take its place (make that one primary first),
    // and allows it for the last one of its type (the user's email then becomes null). The
    // profile phone survives deleting its identity, as Zendesk's docs warn (clear it with phone: "").
    if (identity.primary && list.some((i) => i !== identity && i.type === identity.type)) {
      throw identityInvalid(
        "primary",
        "Primary identity cannot be deleted. Make another identity primary first.",
        "InvalidValue",
      );
    }
    removeIdentity(ctx.account, user, identity);
    return undefined;
  }),
];
