import type { Route } from "../route.js";

export const commentRoutes: Route[] = [];
