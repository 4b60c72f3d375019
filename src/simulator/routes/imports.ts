import type { Route } from "../route.js";

export const importRoutes: Route[] = [];
