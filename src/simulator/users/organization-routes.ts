import { idList } from "../body.js";
import type { Organization } from "../model.js";
import { listResponse } from "../pagination.js";
import { type Route, route } from "../route.js";
import { organizationJson } from "../serialize.js";
import { byId, organizationOr404 } from "./listing.js";

// Read-only organizations: enough for sideloads and for users' organization_id.

export const organizationRoutes: Route[] = [
  route("GET", "/api/v2/organizations", (ctx) => {
    const orgs = [...ctx.account.organizations.values()].sort(byId);
    return listResponse(
      ctx,
      "organizations",
      orgs,
      (o) => [o.id],
      (o) => organizationJson(o, ctx.baseUrl),
    );
  }),

  route("GET", "/api/v2/organizations/show_many", (ctx) => {
    const orgs = idList(ctx)
      .map((id) => ctx.account.organizations.get(id))
      .filter((o): o is Organization => o !== undefined);
    return { organizations: orgs.map((o) => organizationJson(o, ctx.baseUrl)) };
  }),

  route("GET", "/api/v2/organizations/:id", (ctx) => ({
    organization: organizationJson(organizationOr404(ctx), ctx.baseUrl),
  })),
];
