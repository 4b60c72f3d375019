import type { Account } from "../account.js";
import type { User } from "../model.js";
import type { Term } from "./parser.js";
import { textMatcher, valueMatcher } from "./text.js";

// Keywords that name another record (requester:, organization:, ...) accept an id, an email (for
// people), a name, or `none` (ZENDESK_API.md 4.4). Each value is resolved to a set of ids once per
// query, so matching a ticket is a set lookup.

/** The ids a value refers to; `none` is matched by the caller against an empty field. */
export type Reference = { none: true } | { none: false; ids: ReadonlySet<number> };

const isId = (value: string): boolean => /^\d+$/.test(value);

export function resolveUsers(account: Account, term: Term, me: User | null): Reference {
  const value = term.value.trim();
  const lower = value.toLowerCase();
  if (lower === "none" && !term.quoted) return { none: true };
  if (lower === "me" && !term.quoted) return { none: false, ids: new Set(me ? [me.id] : []) };
  if (isId(value) && !term.wildcard) return { none: false, ids: new Set([Number(value)]) };
  const ids = new Set<number>();
  if (value.includes("@")) {
    const matches = valueMatcher(value, term.wildcard);
    for (const [userId, identities] of account.identities) {
      if (identities.some((i) => i.type === "email" && matches(i.value))) ids.add(userId);
    }
    for (const user of account.users.values()) if (matches(user.email)) ids.add(user.id);
    return { none: false, ids };
  }
  const name = nameMatcher(value, term);
  for (const user of account.users.values()) if (name(user.name)) ids.add(user.id);
  return { none: false, ids };
}

/** Groups, organizations and brands: by id or name. */
export function resolveNamed(records: Iterable<{ id: number; name: string }>, term: Term): Reference {
  const value = term.value.trim();
  if (value.toLowerCase() === "none" && !term.quoted) return { none: true };
  if (isId(value) && !term.wildcard) return { none: false, ids: new Set([Number(value)]) };
  const name = nameMatcher(value, term);
  const ids = new Set<number>();
  for (const record of records) if (name(record.name)) ids.add(record.id);
  return { none: false, ids };
}

/** A name matches when it is the value (`organization:"MD Photo"`) or contains it as words. */
function nameMatcher(value: string, term: Term): (name: string) => boolean {
  const exact = valueMatcher(value, term.wildcard);
  const pattern = textMatcher(value, term.wildcard, term.source);
  return (name) => exact(name) || pattern.test(name);
}

/** Whether a nullable id field matches a reference. */
export const matchesId = (ref: Reference, id: number | null): boolean =>
  ref.none ? id === null : id !== null && ref.ids.has(id);

/** Whether a list of ids (ccs, commenters) matches a reference. */
export const matchesIds = (ref: Reference, ids: readonly number[]): boolean =>
  ref.none ? ids.length === 0 : ids.some((id) => ref.ids.has(id));
