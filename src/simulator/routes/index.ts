import type { Route } from "../route.js";
import { commentRoutes } from "./comments.js";
import { deletedTicketRoutes } from "./deleted-tickets.js";
import { importRoutes } from "./imports.js";
import { incrementalRoutes } from "./incremental.js";
import { jobRoutes } from "./jobs.js";
import { searchRoutes } from "./search.js";
import { ticketRoutes } from "./tickets.js";
import { userRoutes } from "./users.js";

/** Every Zendesk API route the simulator serves. */
export const apiRoutes: Route[] = [
  ...ticketRoutes,
  ...deletedTicketRoutes,
  ...importRoutes,
  ...jobRoutes,
  ...commentRoutes,
  ...incrementalRoutes,
  ...userRoutes,
  ...searchRoutes,
];
