import type { Account } from "../account.js";
import type { Group, Organization, User } from "../model.js";
import {
  allOf,
  type CompileEnv,
  compileClause,
  compileText,
  dateTest,
  type Predicate,
  tagsTest,
} from "./compile.js";
import { SearchQueryError } from "./errors.js";
import { appliesTo, type ResultType } from "./keywords.js";
import type { Clause, ParsedQuery, Term } from "./parser.js";
import { matchesId, resolveNamed } from "./references.js";
import { textMatcher, valueMatcher } from "./text.js";

// Users, organizations and groups (ZENDESK_API.md 4.4, 8): small keyword sets, no costly fields.

type Matcher<R> = (record: R, scope: null) => boolean;
const never = () => false;

/** A clause whose keyword the type lacks matches nothing (negated: everything) in a type-less search. */
function compileFor<R>(
  type: ResultType,
  query: ParsedQuery,
  env: CompileEnv,
  term: (term: Term, clause: Clause, env: CompileEnv) => (record: R) => boolean,
  textOf: (record: R, pattern: RegExp) => boolean,
): Matcher<R> {
  const predicates: Predicate<R, null>[] = query.clauses.map((clause) =>
    appliesTo(clause.keyword, type)
      ? compileClause<R, null>(clause, env, (t, c, e) => ({ test: term(t, c, e), costly: false }))
      : { test: clause.negated ? () => true : never, costly: false },
  );
  for (const text of query.text) {
    predicates.push(compileText<R, null>(text, (record, _s, pattern) => textOf(record, pattern), false));
  }
  return allOf(predicates);
}

const ROLES = ["end-user", "agent", "admin"];

export function compileUserMatcher(query: ParsedQuery, env: CompileEnv): Matcher<User> {
  const { account } = env;
  return compileFor<User>(
    "user",
    query,
    env,
    (term, clause) => {
      switch (clause.keyword) {
        case "email": {
          const matches = valueMatcher(term.value, term.wildcard);
          if (term.value.toLowerCase() === "none") return (u) => u.email === null;
          return (u) => matches(u.email) || identityMatches(account, u.id, "email", matches);
        }
        case "phone": {
          const matches = valueMatcher(term.value.replace(/[\s()-]/g, ""), term.wildcard);
          return (u) => matches(u.phone) || identityMatches(account, u.id, "phone_number", matches);
        }
        case "name": {
          const exact = valueMatcher(term.value, term.wildcard);
          const pattern = textMatcher(term.value, term.wildcard, term.source);
          return (u) => exact(u.name) || pattern.test(u.name);
        }
        case "role": {
          const role = term.value.toLowerCase().replace("_", "-");
          if (!ROLES.includes(role)) {
            throw new SearchQueryError(`"${term.source}": role must be end-user, agent or admin.`);
          }
          return (u) => u.role === role;
        }
        case "tags": {
          const test = tagsTest(term);
          return (u) => test(u.tags);
        }
        case "organization": {
          const ref = resolveNamed(account.organizations.values(), term);
          return (u) => matchesId(ref, u.organization_id);
        }
        case "external_id": {
          if (term.value.toLowerCase() === "none" && !term.quoted) return (u) => u.external_id === null;
          const matches = valueMatcher(term.value, term.wildcard);
          return (u) => matches(u.external_id);
        }
        case "created":
        case "updated": {
          const test = dateTest(term, clause, env);
          return clause.keyword === "created" ? (u) => test(u.created_at) : (u) => test(u.updated_at);
        }
        default:
          throw new SearchQueryError(`"${term.source}": ${clause.keyword} is not a user keyword.`);
      }
    },
    (u, pattern) => pattern.test(u.name) || (u.email !== null && pattern.test(u.email)),
  );
}

function identityMatches(
  account: Account,
  userId: number,
  type: "email" | "phone_number",
  matches: (value: string) => boolean,
): boolean {
  return account.identities.get(userId)?.some((i) => i.type === type && matches(i.value)) ?? false;
}

export function compileOrganizationMatcher(query: ParsedQuery, env: CompileEnv): Matcher<Organization> {
  return compileFor<Organization>(
    "organization",
    query,
    env,
    (term, clause) => {
      switch (clause.keyword) {
        case "name":
          return nameTest(term);
        case "tags": {
          // Organizations carry no tags in the simulator (serialized as []).
          const test = tagsTest(term);
          return () => test([]);
        }
        case "created":
        case "updated": {
          const test = dateTest(term, clause, env);
          return clause.keyword === "created" ? (o) => test(o.created_at) : (o) => test(o.updated_at);
        }
        default:
          throw new SearchQueryError(`"${term.source}": ${clause.keyword} is not an organization keyword.`);
      }
    },
    (o, pattern) => pattern.test(o.name) || o.domain_names.some((d) => pattern.test(d)),
  );
}

export function compileGroupMatcher(query: ParsedQuery, env: CompileEnv): Matcher<Group> {
  return compileFor<Group>(
    "group",
    query,
    env,
    (term, clause) => {
      if (clause.keyword === "name") return nameTest(term);
      throw new SearchQueryError(`"${term.source}": ${clause.keyword} is not a group keyword.`);
    },
    (g, pattern) => pattern.test(g.name),
  );
}

function nameTest(term: Term): (record: { name: string }) => boolean {
  const exact = valueMatcher(term.value, term.wildcard);
  const pattern = textMatcher(term.value, term.wildcard, term.source);
  return (r) => exact(r.name) || pattern.test(r.name);
}
