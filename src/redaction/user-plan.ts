import type { Identity, IdentityType, User } from "../zendesk/types.js";
import { replacementFor } from "./mask.js";
import { isPseudonym, keyedToken, pseudonym } from "./pseudonym.js";
import type { UserAnonymizationSpec } from "./spec.js";
import { MASK_CHAR } from "./types.js";

// Anonymising a user that cannot be deleted (a requester of tickets that are not closed,
// ZENDESK_API.md 8.4): every field and identity that names or reaches the person is replaced or
// removed; role, organisation, locale, time zone and dates stay for statistics.

/** The body of PUT /api/v2/users/{id} (under `user`). `email` is never in it: on update Zendesk adds it as a new identity (8.1). */
export interface UserUpdate {
  name?: string;
  alias?: null;
  details?: null;
  notes?: null;
  signature?: null;
  /** "" clears the profile phone (8.3); a fictional number replaces it. */
  phone?: string;
  external_id?: string | null;
  photo?: null;
  user_fields?: Record<string, null>;
  tags?: string[];
}

export type IdentityChange =
  | {
      op: "update";
      id: number;
      type: IdentityType;
      value: string;
      /** When Zendesk answers that the value is taken (a duplicate), delete the identity instead. */
      ifTaken?: "delete";
    }
  | { op: "delete"; id: number; type: IdentityType }
  | { op: "create"; type: "email"; value: string };

export interface UserAnonymizationPlan {
  userId: number;
  /** Apply in order, before `update`: creates, updates, then deletes (primary identities last). */
  identityChanges: IdentityChange[];
  update: UserUpdate;
  changed: boolean;
}

export interface UserAnonymizationInput {
  user: User;
  identities: readonly Identity[];
  spec: UserAnonymizationSpec;
}

const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws when the policy's email domain cannot make valid addresses. */
export function assertEmailDomain(domain: string): void {
  if (!DOMAIN.test(domain)) {
    throw new Error(
      `email domain "${domain}" is not a lower-case domain name; use e.g. "anonymized.invalid" or a subdomain you own that receives no mail`,
    );
  }
}

/**
 * The replacement address of one email identity. Built from ids, so two identities never get the
 * same address (Zendesk requires unique emails) and a second run produces the same one.
 */
export const anonymisedEmail = (userId: number, identityId: number | null, domain: string): string =>
  `anon-${userId}${identityId === null ? "" : `-${identityId}`}@${domain}`;

/**
 * Ofcom's numbers reserved for TV and radio drama (1,000 per range), the fixed-line ranges that
 * phone number validation (libphonenumber) accepts: 14,000 numbers that can never reach a person.
 */
const DRAMA_RANGES = [
  "+44113496",
  "+44114496",
  "+44116496",
  "+44117496",
  "+44118496",
  "+44121496",
  "+44131496",
  "+44141496",
  "+44151496",
  "+44161496",
  "+44207946",
  "+44191498",
  "+44289018",
  "+44292018",
];
export const FICTIONAL_PHONE_NUMBERS = DRAMA_RANGES.length * 1000;

/**
 * A fictional phone number for one slot of a user, spread over the 14,000 numbers by a keyed hash.
 * So few numbers cannot be unique per user: among more than about 150 replaced numbers two
 * users likely share one. Zendesk then keeps the profile phone as a shared number and refuses a
 * duplicate identity, which is why such an identity update carries `ifTaken: "delete"`.
 */
export function fictionalPhone(key: string, userId: number, slot: string): string {
  const token = keyedToken(key, `phone:${userId}:${slot}`);
  let n = 0;
  for (const ch of token.slice(0, 8)) n = (n * 16 + "bcdfghjkmnpqrstv".indexOf(ch)) % FICTIONAL_PHONE_NUMBERS;
  const range = DRAMA_RANGES[Math.floor(n / 1000)]!;
  return `${range}${String(n % 1000).padStart(4, "0")}`;
}

const isFictionalPhone = (value: string): boolean =>
  DRAMA_RANGES.some((r) => value.startsWith(r) && /^\d{4}$/.test(value.slice(r.length)));

/** Plans the anonymisation of one user. */
export function planUserAnonymization(input: UserAnonymizationInput): UserAnonymizationPlan {
  const { user, spec } = input;
  assertEmailDomain(spec.emailDomain);
  const update: UserUpdate = {};
  const creates: IdentityChange[] = [];
  const updates: IdentityChange[] = [];
  const deletes: IdentityChange[] = [];

  const name = maskedName(user.name, spec);
  if (name !== user.name) update.name = name;
  for (const key of ["alias", "details", "notes", "signature"] as const) {
    if (user[key] !== null && user[key] !== "") update[key] = null;
  }
  if (user.photo) update.photo = null;
  const fields = Object.fromEntries(
    (spec.userFieldKeys ?? [])
      .filter((k) => user.user_fields[k] !== undefined && user.user_fields[k] !== null)
      .map((k) => [k, null] as const),
  );
  if (Object.keys(fields).length > 0) update.user_fields = fields;
  const externalId = anonymisedExternalId(user.external_id, spec);
  if (externalId !== user.external_id) update.external_id = externalId;

  let emails = 0;
  const replacedPhones = new Map<number, string>();
  for (const identity of input.identities) {
    if (identity.type === "email") {
      emails++;
      const value = anonymisedEmail(user.id, identity.id, spec.emailDomain);
      if (identity.value.toLowerCase() !== value)
        updates.push({ op: "update", id: identity.id, type: "email", value });
    } else if (identity.type === "phone_number") {
      if (spec.phones === "remove") deletes.push({ op: "delete", id: identity.id, type: identity.type });
      else if (!isFictionalPhone(identity.value)) {
        const value = fictionalPhone(spec.pseudonymKey, user.id, `identity-${identity.id}`);
        replacedPhones.set(identity.id, value);
        updates.push({ op: "update", id: identity.id, type: identity.type, value, ifTaken: "delete" });
      }
    } else {
      deletes.push({ op: "delete", id: identity.id, type: identity.type });
    }
  }
  // A user whose only identities go keeps one address that reaches nobody.
  if (emails === 0 && deletes.length > 0) {
    creates.push({ op: "create", type: "email", value: anonymisedEmail(user.id, null, spec.emailDomain) });
  }
  const phone = plannedProfilePhone(input, replacedPhones);
  if (phone !== undefined) update.phone = phone;

  const changed = Object.keys(update).length > 0 || creates.length + updates.length + deletes.length > 0;
  if (changed && !user.tags.includes(spec.markerTag)) update.tags = [...user.tags, spec.markerTag];
  // Zendesk may refuse to delete a primary identity while another of its type remains (8.3).
  const primaryIds = new Set(input.identities.filter((i) => i.primary).map((i) => i.id));
  const primaryLast = (change: IdentityChange): number =>
    "id" in change && primaryIds.has(change.id) ? 1 : 0;
  deletes.sort((a, b) => primaryLast(a) - primaryLast(b));
  return { userId: user.id, identityChanges: [...creates, ...updates, ...deletes], update, changed };
}

function maskedName(name: string, spec: UserAnonymizationSpec): string {
  const { replacement } = spec.masking;
  if (replacement.kind === "pseudonym" && isPseudonym(name)) return name;
  const masked = replacementFor(name, replacement);
  // Zendesk requires a name (8.1); an empty fixed text would be refused.
  return masked.trim() === "" ? MASK_CHAR : masked;
}

function anonymisedExternalId(externalId: string | null, spec: UserAnonymizationSpec): string | null {
  if (externalId === null || externalId === "") return externalId;
  if (spec.externalId === "clear") return null;
  // External ids are unique per account (8.1): 64 bits of keyed hash keep them apart.
  return pseudonym(spec.pseudonymKey, externalId);
}

/**
 * The profile phone. Removing: cleared with "" (a deleted identity's number can stay on the
 * profile, 8.3). Replacing: the number its phone identity gets, so profile and identity agree
 * (whether a primary identity carries the profile phone along is not documented), or a number of
 * its own for a phone without an identity (a shared number).
 */
function plannedProfilePhone(
  { user, identities, spec }: UserAnonymizationInput,
  replaced: ReadonlyMap<number, string>,
): string | undefined {
  if (user.phone === null || user.phone === "") return undefined;
  if (spec.phones === "remove") return "";
  if (isFictionalPhone(user.phone)) return undefined;
  const owner = identities.find((i) => i.type === "phone_number" && i.value === user.phone);
  return (owner && replaced.get(owner.id)) ?? fictionalPhone(spec.pseudonymKey, user.id, "profile");
}
