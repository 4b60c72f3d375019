import type { Route } from "../route.js";

export const incrementalRoutes: Route[] = [];
