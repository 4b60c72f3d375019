import type { Route } from "../route.js";

export const ticketRoutes: Route[] = [];
