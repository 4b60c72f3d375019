import { badRequest, ZendeskError } from "../errors.js";
import type { User } from "../model.js";
import { offsetResponse, pageUrl } from "../pagination.js";
import { buckets } from "../ratelimit.js";
import { type Route, type RouteContext, route } from "../route.js";
import type { CompileEnv } from "../search/compile.js";
import { SearchQueryError } from "../search/errors.js";
import {
  countMatches,
  exportKey,
  exportOrder,
  firstMatches,
  type Hit,
  hitOrder,
  scan,
  typesOf,
} from "../search/evaluate.js";
import { decodeExportCursor, encodeExportCursor } from "../search/export-cursor.js";
import { RESULT_TYPES, type ResultType, SORT_FIELDS, type SortField } from "../search/keywords.js";
import { checkKeywords, type ParsedQuery, parseQuery } from "../search/parser.js";
import { resultJson } from "../search/results.js";
import { userJson } from "../serialize.js";

// GET /api/v2/search, /search/count, /search/export and /users/search (ZENDESK_API.md 4, 8.2).

/** Search reaches at most this many results per query; `count` still reports the true total (4.1). */
const RESULT_LIMIT = 1000;

const invalid = (description: string): ZendeskError => badRequest("invalid", description);

function parsed(ctx: RouteContext): ParsedQuery {
  const query = ctx.query["query"];
  if (query === undefined || query.trim() === "") {
    throw invalid("The query parameter is required, e.g. query=type:ticket status:open.");
  }
  try {
    return parseQuery(query);
  } catch (error) {
    throw asHttpError(error);
  }
}

function asHttpError(error: unknown): unknown {
  return error instanceof SearchQueryError ? invalid(error.message) : error;
}

/** Compiling resolves names and dates, which can also reject a query. */
function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw asHttpError(error);
  }
}

const env = (ctx: RouteContext): CompileEnv => ({ account: ctx.account, now: ctx.now, me: ctx.user });

function positiveInt(ctx: RouteContext, name: string, fallback: number): number {
  const raw = ctx.query[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw invalid(`${name} must be a positive integer; got "${raw}".`);
  return n;
}

function sortOf(ctx: RouteContext, query: ParsedQuery): { field: SortField | null; order: "asc" | "desc" } {
  const sortBy = ctx.query["sort_by"];
  if (sortBy !== undefined && !SORT_FIELDS.includes(sortBy as SortField)) {
    throw invalid(`sort_by must be one of ${SORT_FIELDS.join(", ")}; got "${sortBy}".`);
  }
  const sortOrder = ctx.query["sort_order"];
  if (sortOrder !== undefined && sortOrder !== "asc" && sortOrder !== "desc") {
    throw invalid(`sort_order must be asc or desc; got "${sortOrder}".`);
  }
  return {
    field: (sortBy as SortField | undefined) ?? query.orderBy,
    order: sortOrder ?? query.sortOrder ?? "desc",
  };
}

function search(ctx: RouteContext): unknown {
  const query = parsed(ctx);
  const { field, order } = sortOf(ctx, query);
  const perPage = Math.min(positiveInt(ctx, "per_page", 100), 100);
  const page = positiveInt(ctx, "page", 1);
  if (page * perPage > RESULT_LIMIT) {
    // 422 per the docs (ZENDESK_API.md 4.1); the body is the one users of zenpy reported seeing
    // (facetoe/zenpy#371), which ZENDESK_API.md still lists as unconfirmed.
    throw new ZendeskError(422, {
      error: "invalid",
      description: "Invalid search: Requested response size was greater than Search Response Limits",
    });
  }
  const { count, hits } = guarded(() =>
    firstMatches(ctx.account, query, env(ctx), typesOf(query), page * perPage, hitOrder(field, order)),
  );
  const start = (page - 1) * perPage;
  return {
    results: hits.slice(start).map((hit) => resultJson(ctx.account, hit, ctx.baseUrl)),
    facets: null,
    // Like Zendesk, next_page keeps pointing past the 1,000th result; following it gets the 422.
    next_page: start + perPage < count ? pageUrl(ctx, { page: String(page + 1) }) : null,
    previous_page: page > 1 ? pageUrl(ctx, { page: String(page - 1) }) : null,
    count,
  };
}

function searchCount(ctx: RouteContext): unknown {
  const query = parsed(ctx);
  return { count: guarded(() => countMatches(ctx.account, query, env(ctx), typesOf(query))) };
}

function exportType(ctx: RouteContext, query: ParsedQuery): ResultType {
  const type = ctx.query["filter[type]"];
  if (type === undefined) {
    throw invalid("filter[type] is required: one of ticket, user, organization or group.");
  }
  if (!RESULT_TYPES.includes(type as ResultType)) {
    throw invalid(`filter[type] must be ticket, user, organization or group; got "${type}".`);
  }
  if (query.types !== null || query.excludedTypes.length > 0) {
    throw invalid("The export searches one type: remove type: from the query and use filter[type] instead.");
  }
  guarded(() => checkKeywords(query, [type as ResultType]));
  return type as ResultType;
}

function searchExport(ctx: RouteContext): unknown {
  const query = parsed(ctx);
  const type = exportType(ctx, query);
  const size = Math.min(positiveInt(ctx, "page[size]", 100), 1000);
  const raw = ctx.query["page[after]"];
  const after = raw ? decodeExportCursor(raw, ctx.now).key : null;
  const isAfter = (hit: Hit): boolean => {
    if (!after) return true;
    const [created, id] = exportKey(hit);
    return created > after[0] || (created === after[0] && id > after[1]);
  };
  const { hits } = guarded(() =>
    firstMatches(ctx.account, query, env(ctx), [type], size + 1, exportOrder, isAfter),
  );
  const hasMore = hits.length > size;
  const items = hits.slice(0, size);
  const last = items.at(-1);
  const cursor = hasMore && last ? encodeExportCursor({ key: exportKey(last), issuedAt: ctx.now }) : null;
  return {
    results: items.map((hit) => resultJson(ctx.account, hit, ctx.baseUrl)),
    facets: null,
    meta: { has_more: hasMore, after_cursor: cursor, before_cursor: null },
    links: { next: cursor ? pageUrl(ctx, { "page[after]": cursor }) : null, prev: null },
  };
}

/** GET /api/v2/users/search?query= or ?external_id= (ZENDESK_API.md 8.2). */
function userSearch(ctx: RouteContext): unknown {
  const externalId = ctx.query["external_id"];
  let users: User[];
  if (externalId !== undefined && ctx.query["query"] === undefined) {
    const wanted = externalId.toLowerCase();
    users = [...ctx.account.users.values()].filter(
      (u) => u.deleted_at === null && u.external_id?.toLowerCase() === wanted,
    );
  } else {
    const query = parsed(ctx);
    if (query.types !== null && (query.types.length !== 1 || query.types[0] !== "user")) {
      throw invalid("User search only finds users: remove type: from the query or use /api/v2/search.");
    }
    guarded(() => checkKeywords(query, ["user"]));
    users = [];
    const found = users;
    guarded(() => scan(ctx.account, query, env(ctx), ["user"], (_type, user) => found.push(user as User)));
  }
  users.sort((a, b) => a.id - b.id);
  return offsetResponse(ctx, "users", users, (u) => userJson(u, ctx.baseUrl));
}

export const searchRoutes: Route[] = [
  route("GET", "/api/v2/search", search, () => [buckets.searchIndex()]),
  route("GET", "/api/v2/search/count", searchCount, () => [buckets.searchIndex()]),
  route("GET", "/api/v2/search/export", searchExport, () => [buckets.searchExport()]),
  route("GET", "/api/v2/users/search", userSearch),
];
