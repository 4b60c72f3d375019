import type { ZendeskClient } from "./client.js";
import { NotFoundError } from "./errors.js";
import { cursorPaginate } from "./paginate.js";
import { identitySchema, requestList, requestRecord, signalOf } from "./parse.js";
import type { Identity, IdentityType } from "./types.js";

// User identities (ZENDESK_API.md 8.3): emails, phone numbers and other channels of a user.

const IDENTITIES = "/api/v2/users/{user_id}/identities";
const IDENTITY = "/api/v2/users/{user_id}/identities/{id}";
const base = (userId: number) => `/api/v2/users/${userId}/identities`;

/** Every identity of a user, soft-deleted users included. */
export function listIdentities(
  client: ZendeskClient,
  userId: number,
  signal?: AbortSignal,
): AsyncGenerator<Identity, void, undefined> {
  return cursorPaginate<Identity>(client, {
    path: base(userId),
    route: IDENTITIES,
    key: "identities",
    item: identitySchema,
    ...signalOf(signal),
  });
}

/**
 * POST /api/v2/users/{user_id}/identities. `skipVerifyEmail` keeps Zendesk from mailing the new
 * address (Hush's replacement addresses are not routable). Not repeated after a 5xx: a second
 * identity with the same value would be refused.
 */
export function createIdentity(
  client: ZendeskClient,
  userId: number,
  identity: { type: IdentityType; value: string; verified?: boolean },
  options: { skipVerifyEmail?: boolean; signal?: AbortSignal } = {},
): Promise<Identity> {
  return requestRecord<Identity>(
    client,
    {
      method: "POST",
      path: base(userId),
      route: IDENTITIES,
      body: { identity: { ...identity, ...(options.skipVerifyEmail ? { skip_verify_email: true } : {}) } },
      idempotent: false,
      ...signalOf(options.signal),
    },
    "identity",
    identitySchema,
  );
}

/** PUT /api/v2/users/{user_id}/identities/{id}: a new value or verification; `primary` cannot change here. */
export function updateIdentity(
  client: ZendeskClient,
  userId: number,
  identityId: number,
  changes: { value?: string; verified?: boolean },
  signal?: AbortSignal,
): Promise<Identity> {
  return requestRecord<Identity>(
    client,
    {
      method: "PUT",
      path: `${base(userId)}/${identityId}`,
      route: IDENTITY,
      body: { identity: changes },
      ...signalOf(signal),
    },
    "identity",
    identitySchema,
  );
}

/** PUT .../identities/{id}/make_primary → the user's identities afterwards. */
export function makePrimaryIdentity(
  client: ZendeskClient,
  userId: number,
  identityId: number,
  signal?: AbortSignal,
): Promise<Identity[]> {
  return requestList<Identity>(
    client,
    {
      method: "PUT",
      path: `${base(userId)}/${identityId}/make_primary`,
      route: `${IDENTITY}/make_primary`,
      body: {},
      ...signalOf(signal),
    },
    "identities",
    identitySchema,
  );
}

/**
 * DELETE /api/v2/users/{user_id}/identities/{id} (204). `notFound` when the identity is already
 * gone. Zendesk may refuse a primary identity while another of its type exists (a ValidationError):
 * make that one primary first.
 */
export async function deleteIdentity(
  client: ZendeskClient,
  userId: number,
  identityId: number,
  signal?: AbortSignal,
): Promise<"deleted" | "notFound"> {
  try {
    await client.request({
      method: "DELETE",
      path: `${base(userId)}/${identityId}`,
      route: IDENTITY,
      ...signalOf(signal),
    });
    return "deleted";
  } catch (error) {
    if (error instanceof NotFoundError) return "notFound";
    throw error;
  }
}
