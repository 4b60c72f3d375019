import type { Route } from "../route.js";

export const deletedTicketRoutes: Route[] = [];
