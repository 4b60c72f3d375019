import type { Account } from "./account.js";
import type { User } from "./model.js";
import type { BucketCharge } from "./ratelimit.js";
import type { Simulator } from "./simulator.js";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** What a handler sees of one authenticated API request. */
export interface RouteContext {
  sim: Simulator;
  account: Account;
  /** The authenticated caller. */
  user: User;
  /** OAuth scopes of the caller, or null for API-token auth (which has every scope of the user). */
  scopes: string[] | null;
  now: number;
  params: Record<string, string>;
  /** The last value of each query parameter, keys as sent (e.g. `page[size]`). */
  query: Record<string, string | undefined>;
  /** Every value of each query parameter, for repeated ones such as `role[]=agent&role[]=admin`. */
  queryValues?: Record<string, string[]>;
  body: unknown;
  /** The account's root URL as the client reached it, for `url`, `next_page` and `links`. */
  baseUrl: string;
  /** The request path without the account prefix and `.json`, for building next-page links. */
  path: string;
  /** Response status; defaults to 200, or 204 when the handler returns undefined. */
  status?: number;
  /** Extra response headers. */
  headers: Record<string, string>;
}

export interface Route {
  method: Method;
  /** Path pattern without `.json`, e.g. `/api/v2/tickets/:id`. */
  path: string;
  /** Endpoint buckets charged besides the account limit, decided before the handler runs. */
  buckets?: (ctx: RouteContext) => BucketCharge[];
  handler: (ctx: RouteContext) => unknown;
}

/** Lets each routes/*.ts module stay a plain list. */
export const route = (
  method: Method,
  path: string,
  handler: Route["handler"],
  buckets?: Route["buckets"],
): Route => (buckets ? { method, path, handler, buckets } : { method, path, handler });

/** A non-JSON response (attachment content): sent as is with its content type instead of as JSON. */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly body: string,
  ) {}
}
