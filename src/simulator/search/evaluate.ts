import type { Account } from "../account.js";
import type { CommentRecord, Group, Organization, Ticket, User } from "../model.js";
import { TICKET_STATUSES } from "../model.js";
import type { CompileEnv } from "./compile.js";
import { RESULT_TYPES, type ResultType, type SortField } from "./keywords.js";
import { compileGroupMatcher, compileOrganizationMatcher, compileUserMatcher } from "./others.js";
import type { ParsedQuery } from "./parser.js";
import { FirstK } from "./select.js";
import { compileTicketMatcher, PRIORITIES, type TicketScope } from "./tickets.js";

// Runs a parsed query over an account. Tickets are seen through `account.searchView` (index lag,
// ZENDESK_API.md 4.1); archived tickets are searchable, soft-deleted ones are not.

export type Hit =
  | { type: "ticket"; record: Ticket }
  | { type: "user"; record: User }
  | { type: "organization"; record: Organization }
  | { type: "group"; record: Group };

export type Visitor = (type: ResultType, record: Hit["record"]) => void;

/** The types a query searches: `filter[type]` (export) or `type:` terms, minus `-type:` ones. */
export function typesOf(query: ParsedQuery, only?: ResultType): ResultType[] {
  const wanted = only ? [only] : (query.types ?? RESULT_TYPES);
  return wanted.filter((t) => !query.excludedTypes.includes(t));
}

/** Calls `visit` for every matching record, in no particular order, without allocating per record. */
export function scan(
  account: Account,
  query: ParsedQuery,
  env: CompileEnv,
  types: ResultType[],
  visit: Visitor,
): void {
  if (types.includes("ticket")) scanTickets(account, query, env, visit);
  if (types.includes("user")) {
    const match = compileUserMatcher(query, env);
    for (const user of account.users.values()) {
      // Deleted users are not searchable.
      if (user.deleted_at === null && match(user, null)) visit("user", user);
    }
  }
  if (types.includes("organization")) {
    const match = compileOrganizationMatcher(query, env);
    for (const org of account.organizations.values()) if (match(org, null)) visit("organization", org);
  }
  if (types.includes("group")) {
    const match = compileGroupMatcher(query, env);
    for (const group of account.groups.values()) if (match(group, null)) visit("group", group);
  }
}

function scanTickets(account: Account, query: ParsedQuery, env: CompileEnv, visit: Visitor): void {
  const match = compileTicketMatcher(query, env);
  let loadedFor: Ticket | null = null;
  let loaded: readonly CommentRecord[] = [];
  const scope: TicketScope = {
    comments(ticket) {
      if (ticket !== loadedFor) {
        loadedFor = ticket;
        loaded = account.comments(ticket);
      }
      return loaded;
    },
  };
  for (const ticket of account.tickets.values()) {
    if (account.deletedTickets.has(ticket.id)) continue;
    const view = account.searchView(ticket);
    if (view !== null && match(view, scope)) visit("ticket", view);
  }
}

export function countMatches(
  account: Account,
  query: ParsedQuery,
  env: CompileEnv,
  types: ResultType[],
): number {
  let count = 0;
  scan(account, query, env, types, () => {
    count++;
  });
  return count;
}

/** The total and the first `limit` hits in `compare` order. */
export function firstMatches(
  account: Account,
  query: ParsedQuery,
  env: CompileEnv,
  types: ResultType[],
  limit: number,
  compare: (a: Hit, b: Hit) => number,
  accept: (hit: Hit) => boolean = () => true,
): { count: number; hits: Hit[] } {
  const first = new FirstK<Hit>(limit, compare);
  let count = 0;
  scan(account, query, env, types, (type, record) => {
    const hit = { type, record } as Hit;
    if (!accept(hit)) return;
    count++;
    first.push(hit);
  });
  return { count, hits: first.result() };
}

const TYPE_ORDER: Record<ResultType, number> = { ticket: 0, user: 1, organization: 2, group: 3 };

function sortValue(hit: Hit, field: SortField): number | string {
  switch (field) {
    case "created_at":
      return hit.type === "group" ? 0 : hit.record.created_at;
    case "updated_at":
      return hit.type === "group" ? 0 : hit.record.updated_at;
    case "priority":
      return hit.type === "ticket" && hit.record.priority ? PRIORITIES.indexOf(hit.record.priority) : -1;
    case "status":
      return hit.type === "ticket" ? TICKET_STATUSES.indexOf(hit.record.status) : -1;
    case "ticket_type":
      return hit.type === "ticket" ? (hit.record.type ?? "") : "";
  }
}

/**
 * Result order for /search. Zendesk's default is relevance, which the simulator approximates by
 * most recently updated first; ties break on type and id so that paging is deterministic.
 */
export function hitOrder(field: SortField | null, order: "asc" | "desc"): (a: Hit, b: Hit) => number {
  const by = field ?? "updated_at";
  const direction = field === null ? -1 : order === "asc" ? 1 : -1;
  return (a, b) => {
    const x = sortValue(a, by);
    const y = sortValue(b, by);
    if (x !== y) return (x < y ? -1 : 1) * direction;
    if (a.type !== b.type) return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
    return (a.record.id - b.record.id) * direction;
  };
}

/** The export order: created_at, then id, ascending (ZENDESK_API.md 4.3). */
export const exportKey = (hit: Hit): [number, number] => [
  hit.type === "group" ? 0 : hit.record.created_at,
  hit.record.id,
];

export const exportOrder = (a: Hit, b: Hit): number => {
  const [ca, ia] = exportKey(a);
  const [cb, ib] = exportKey(b);
  return ca !== cb ? ca - cb : ia - ib;
};
