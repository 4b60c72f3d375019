import type { BucketUse } from "./budget.js";
import type { ZendeskClient } from "./client.js";
import { NotFoundError } from "./errors.js";
import type { ItemResult } from "./job-results.js";
import { type JobOptions, runChunkedJobs, runDestroyManyJobs } from "./jobs.js";
import { offsetPaginate } from "./paginate.js";
import { requestRecord, signalOf, userSchema } from "./parse.js";
import { showMany } from "./show-many.js";
import type { User } from "./types.js";

// Users (ZENDESK_API.md 8.1, 8.2, 8.4): read, update, soft delete, permanent delete, bulk jobs.

const USER = "/api/v2/users/{id}";

/** Zendesk allows 5 updates a minute per user on top of the account's user-update limit (2.4). */
export const userUpdateBuckets = (userId: number): BucketUse[] => [
  { bucket: "user-updates" },
  { bucket: "user-updates-per-user", key: userId },
];

/** GET /api/v2/users/{id}; soft-deleted users are shown with `active: false`. */
export function getUser(client: ZendeskClient, id: number, signal?: AbortSignal): Promise<User> {
  return requestRecord<User>(
    client,
    { method: "GET", path: `/api/v2/users/${id}`, route: USER, ...signalOf(signal) },
    "user",
    userSchema,
  );
}

/** GET /api/v2/users/show_many, 100 ids a call; unknown ids are left out, in Zendesk's order. */
export function showManyUsers(
  client: ZendeskClient,
  ids: readonly number[],
  signal?: AbortSignal,
): Promise<User[]> {
  return showMany<User>(
    client,
    { path: "/api/v2/users/show_many", key: "users", item: userSchema },
    ids,
    signal,
  );
}

/**
 * GET /api/v2/users/search by `query` or exact `external_id` (8.2). Offset-paginated, so at most
 * 10,000 users (an OffsetLimitError past that).
 */
export function searchUsers(
  client: ZendeskClient,
  by: { query: string } | { externalId: string },
  signal?: AbortSignal,
): AsyncGenerator<User, void, undefined> {
  return offsetPaginate<User>(client, {
    path: "/api/v2/users/search",
    route: "/api/v2/users/search",
    query: "query" in by ? { query: by.query } : { external_id: by.externalId },
    key: "users",
    item: userSchema,
    ...signalOf(signal),
  });
}

export type UserChanges = Partial<
  Pick<User, "name" | "alias" | "details" | "notes" | "signature" | "external_id" | "tags" | "phone">
> & { user_fields?: Record<string, unknown>; photo?: null; [field: string]: unknown };

/** PUT /api/v2/users/{id} (8.2). Setting the same values twice is harmless, so it may be retried. */
export function updateUser(
  client: ZendeskClient,
  id: number,
  changes: UserChanges,
  signal?: AbortSignal,
): Promise<User> {
  return requestRecord<User>(
    client,
    {
      method: "PUT",
      path: `/api/v2/users/${id}`,
      route: USER,
      body: { user: changes },
      buckets: userUpdateBuckets(id),
      ...signalOf(signal),
    },
    "user",
    userSchema,
  );
}

/**
 * PUT /api/v2/users/update_many as jobs of at most 100 users (8.2): the same `changes` for every
 * id, or one change per user.
 */
export function updateManyUsers(
  client: ZendeskClient,
  update:
    | { ids: readonly number[]; changes: UserChanges }
    | { users: readonly (UserChanges & { id: number })[] },
  options: JobOptions = {},
): Promise<ItemResult[]> {
  const common = {
    method: "PUT" as const,
    path: "/api/v2/users/update_many",
    route: "/api/v2/users/update_many",
    buckets: [{ bucket: "user-updates" }] satisfies BucketUse[],
    idempotent: true,
  };
  if ("ids" in update) {
    return runChunkedJobs(
      client,
      [...new Set(update.ids)],
      {
        keyOf: (id) => id,
        by: "id",
        request: (ids) => ({ ...common, query: { ids: ids.join(",") }, body: { user: update.changes } }),
      },
      options,
    );
  }
  return runChunkedJobs(
    client,
    update.users,
    { keyOf: (user) => user.id, by: "id", request: (users) => ({ ...common, body: { users } }) },
    options,
  );
}

/**
 * DELETE /api/v2/users/{id}: soft delete (8.2). `notFound` when there is no live user with that id.
 * Zendesk refuses users who still request tickets that are not closed (8.4): a ValidationError.
 */
export async function deleteUser(
  client: ZendeskClient,
  id: number,
  signal?: AbortSignal,
): Promise<"deleted" | "notFound"> {
  try {
    await client.request({ method: "DELETE", path: `/api/v2/users/${id}`, route: USER, ...signalOf(signal) });
    return "deleted";
  } catch (error) {
    if (error instanceof NotFoundError) return "notFound";
    throw error;
  }
}

/**
 * DELETE /api/v2/users/destroy_many as jobs of at most 100 users (admins, 8.2). A repeated
 * submission would report every user as missing, so it is retried only after a 429.
 */
export function destroyManyUsers(
  client: ZendeskClient,
  ids: readonly number[],
  options: JobOptions = {},
): Promise<ItemResult[]> {
  return runDestroyManyJobs(client, "/api/v2/users/destroy_many", ids, { by: "id" }, options);
}

/**
 * DELETE /api/v2/deleted_users/{id}: permanent deletion of a soft-deleted user (admins, 8.4).
 * `notFound` when the user is not soft-deleted (live, unknown or already permanently deleted).
 */
export async function destroyDeletedUser(
  client: ZendeskClient,
  id: number,
  signal?: AbortSignal,
): Promise<"deleted" | "notFound"> {
  try {
    await client.request({
      method: "DELETE",
      path: `/api/v2/deleted_users/${id}`,
      route: "/api/v2/deleted_users/{id}",
      buckets: [{ bucket: "deleted-users-destroy" }],
      ...signalOf(signal),
    });
    return "deleted";
  } catch (error) {
    if (error instanceof NotFoundError) return "notFound";
    throw error;
  }
}
