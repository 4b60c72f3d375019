import type { Account } from "../account.js";
import type { User } from "../model.js";
import { type CompareOp, compareDate, parseDateValue } from "./dates.js";
import { SearchQueryError } from "./errors.js";
import type { Clause, Term, TextTerm } from "./parser.js";
import { textMatcher } from "./text.js";

// Shared pieces for turning parsed clauses into record predicates (tickets.ts, others.ts).

export interface CompileEnv {
  account: Account;
  /** Anchors relative dates (`created>4hours`). */
  now: number;
  /** The caller, for `assignee:me`. */
  me: User | null;
}

/** A predicate over records of one type; `costly` ones (comment text) run after the cheap ones. */
export interface Predicate<R, S> {
  test: (record: R, scope: S) => boolean;
  costly: boolean;
}

export type TermCompiler<R, S> = (term: Term, clause: Clause, env: CompileEnv) => Predicate<R, S>;

/** ORs a clause's terms and applies its negation. */
export function compileClause<R, S>(
  clause: Clause,
  env: CompileEnv,
  compileTerm: TermCompiler<R, S>,
): Predicate<R, S> {
  const parts = clause.terms.map((term) => compileTerm(term, clause, env));
  const costly = parts.some((p) => p.costly);
  const tests = parts.map((p) => p.test);
  const any =
    tests.length === 1 ? tests[0]! : (record: R, scope: S) => tests.some((test) => test(record, scope));
  return { costly, test: clause.negated ? (record, scope) => !any(record, scope) : any };
}

/** ANDs predicates, cheap ones first, into one function. */
export function allOf<R, S>(predicates: Predicate<R, S>[]): (record: R, scope: S) => boolean {
  const ordered = [...predicates.filter((p) => !p.costly), ...predicates.filter((p) => p.costly)].map(
    (p) => p.test,
  );
  return (record, scope) => {
    for (const test of ordered) if (!test(record, scope)) return false;
    return true;
  };
}

/** A full-text term over some text fields of a record. */
export function compileText<R, S>(
  term: TextTerm,
  fields: (record: R, scope: S, pattern: RegExp) => boolean,
  costly: boolean,
): Predicate<R, S> {
  const pattern = textMatcher(term.value, term.wildcard, term.source);
  const test = (record: R, scope: S) => fields(record, scope, pattern);
  return { costly, test: term.negated ? (record, scope) => !test(record, scope) : test };
}

/** A date term; `none` matches records without the date. */
export function dateTest(term: Term, clause: Clause, env: CompileEnv): (field: number | null) => boolean {
  if (term.value.toLowerCase() === "none" && term.op === ":") return (field) => field === null;
  if (term.wildcard) throw new SearchQueryError(`"${term.source}": dates cannot end with a * wildcard.`);
  const range = parseDateValue(clause.keyword, term.value, env.now);
  if (range.relative && term.op === ":") {
    throw new SearchQueryError(
      `"${term.source}": a relative time needs < or > (${clause.keyword}>${term.value} = within the last ${term.value}, ${clause.keyword}<${term.value} = more than ${term.value} ago).`,
    );
  }
  const op: CompareOp = term.op;
  return (field) => field !== null && compareDate(field, op, range);
}

/** An ordered enumeration (status, priority): `:` is equality, `<`/`>` compare ranks. */
export function rankTest(
  term: Term,
  clause: Clause,
  order: readonly string[],
  allowNone: boolean,
): (value: string | null) => boolean {
  const wanted = term.value.toLowerCase();
  if (allowNone && wanted === "none" && term.op === ":") return (value) => value === null;
  const rank = order.indexOf(wanted);
  if (rank === -1 || term.wildcard) {
    throw new SearchQueryError(
      `"${term.source}": ${clause.keyword} must be one of ${order.join(", ")}${allowNone ? " or none" : ""}.`,
    );
  }
  const cmp = (r: number): boolean => {
    switch (term.op) {
      case ":":
        return r === rank;
      case "<":
        return r < rank;
      case "<=":
        return r <= rank;
      case ">":
        return r > rank;
      case ">=":
        return r >= rank;
    }
  };
  return (value) => value !== null && cmp(order.indexOf(value));
}

export function booleanValue(term: Term, clause: Clause): boolean {
  const value = term.value.toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  throw new SearchQueryError(`"${term.source}": ${clause.keyword} must be true or false.`);
}

/**
 * Tags: a quoted value lists tags that must ALL be present; `none` = no tags. Case-insensitive on
 * both sides: ticket tags are stored lower-case, but user tags keep the case they were sent in.
 */
export function tagsTest(term: Term): (tags: readonly string[]) => boolean {
  const wanted = term.value.toLowerCase().split(/\s+/).filter(Boolean);
  if (wanted.length === 1 && wanted[0] === "none" && !term.quoted) return (tags) => tags.length === 0;
  const last = wanted.length - 1;
  const has = (tags: readonly string[], w: string): boolean =>
    tags.includes(w) || tags.some((t) => t.length === w.length && t.toLowerCase() === w);
  return (tags) =>
    wanted.every((w, i) =>
      term.wildcard && i === last ? tags.some((t) => t.toLowerCase().startsWith(w)) : has(tags, w),
    );
}
