import type { Route } from "../route.js";

export const jobRoutes: Route[] = [];
