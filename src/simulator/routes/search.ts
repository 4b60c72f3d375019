import type { Route } from "../route.js";

export const searchRoutes: Route[] = [];
