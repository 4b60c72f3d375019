import { type Route, route } from "../route.js";
import { userJson } from "../serialize.js";

export const userRoutes: Route[] = [
  route("GET", "/api/v2/users/me", (ctx) => ({ user: userJson(ctx.user, ctx.baseUrl) })),
];
