import type { CompareOp } from "./dates.js";
import { SearchQueryError } from "./errors.js";
import {
  ALIASES,
  appliesTo,
  isKnownKeyword,
  isOrderable,
  ORDER_BY,
  RESULT_TYPES,
  type ResultType,
  type SortField,
  UNSUPPORTED_KEYWORDS,
} from "./keywords.js";
import { type RawTerm, tokenize } from "./lexer.js";

/** One value of a keyword clause. */
export interface Term {
  op: CompareOp;
  value: string;
  quoted: boolean;
  wildcard: boolean;
  source: string;
}

/** `keyword` matched against `terms`, which are ORed; a negated clause matches what they don't. */
export interface Clause {
  keyword: string;
  negated: boolean;
  terms: Term[];
}

/** Free text: a word or a quoted phrase searched in the record's text fields. */
export interface TextTerm {
  negated: boolean;
  value: string;
  wildcard: boolean;
  source: string;
}

export interface ParsedQuery {
  /** Types named by `type:` (ORed), or null for every type. */
  types: ResultType[] | null;
  excludedTypes: ResultType[];
  clauses: Clause[];
  text: TextTerm[];
  orderBy: SortField | null;
  sortOrder: "asc" | "desc" | null;
}

/**
 * Parses a query (ZENDESK_API.md 4.4): terms are ANDed; positive `keyword:value` terms with the same
 * keyword are ORed (`tags:a tags:b`); comparisons stay ANDed so `created>X created<Y` is a range.
 */
export function parseQuery(query: string): ParsedQuery {
  const raw = tokenize(query.trim());
  if (raw.length === 0) {
    throw new SearchQueryError("The query is empty; give at least one term, e.g. type:ticket status:open.");
  }
  const parsed: ParsedQuery = {
    types: null,
    excludedTypes: [],
    clauses: [],
    text: [],
    orderBy: null,
    sortOrder: null,
  };
  const orGroups = new Map<string, Clause>();
  for (const term of raw) {
    const keyword = term.keyword === null ? null : (ALIASES[term.keyword] ?? term.keyword);
    if (keyword !== null && UNSUPPORTED_KEYWORDS.has(keyword)) {
      throw new SearchQueryError(
        `"${term.source}": ${keyword} is a Zendesk search keyword that is not supported by the simulator; remove it.`,
      );
    }
    if (keyword === null || !isKnownKeyword(keyword)) {
      addText(parsed, term);
      continue;
    }
    if (keyword === "type") addType(parsed, term);
    else if (keyword === "order_by") parsed.orderBy = orderBy(term);
    else if (keyword === "sort") parsed.sortOrder = sortOrder(term);
    else addClause(parsed, orGroups, keyword, term);
  }
  if (parsed.types !== null) checkKeywords(parsed, parsed.types);
  return parsed;
}

function addText(parsed: ParsedQuery, term: RawTerm): void {
  // An unknown `x:y` is plain text in Zendesk; search for the whole term as written.
  const value = term.keyword === null ? term.value : term.source.replace(/^-/, "").replace(/["*]/g, "");
  if (!/[\p{L}\p{N}]/u.test(value)) {
    if (term.wildcard) {
      throw new SearchQueryError(`"${term.source}": put at least one letter or digit before the * wildcard.`);
    }
    return; // punctuation only: Zendesk's tokenizer drops it too
  }
  parsed.text.push({ negated: term.negated, value, wildcard: term.wildcard, source: term.source });
}

function addType(parsed: ParsedQuery, term: RawTerm): void {
  const value = term.value.toLowerCase() as ResultType;
  if (term.op !== ":" || !RESULT_TYPES.includes(value)) {
    throw new SearchQueryError(
      `"${term.source}": type must be written type:ticket, type:user, type:organization or type:group.`,
    );
  }
  if (term.negated) parsed.excludedTypes.push(value);
  else parsed.types = [...(parsed.types ?? []), value];
}

function orderBy(term: RawTerm): SortField {
  const field = ORDER_BY[term.value.toLowerCase()];
  if (term.op !== ":" || term.negated || !field) {
    throw new SearchQueryError(
      `"${term.source}": order_by takes one of created, updated, priority, status or ticket_type.`,
    );
  }
  return field;
}

function sortOrder(term: RawTerm): "asc" | "desc" {
  const value = term.value.toLowerCase();
  if (term.op !== ":" || term.negated || (value !== "asc" && value !== "desc")) {
    throw new SearchQueryError(`"${term.source}": sort takes asc or desc.`);
  }
  return value;
}

function addClause(parsed: ParsedQuery, orGroups: Map<string, Clause>, keyword: string, raw: RawTerm): void {
  if (raw.op !== ":" && !isOrderable(keyword)) {
    throw new SearchQueryError(
      `"${raw.source}": ${keyword} cannot be compared with ${raw.op}; only created, updated, solved, due_date, status, priority and custom fields can. Use ${keyword}:value.`,
    );
  }
  if (raw.wildcard && raw.value === "") {
    throw new SearchQueryError(`"${raw.source}": put at least one character before the * wildcard.`);
  }
  const term: Term = {
    op: raw.op,
    value: raw.value,
    quoted: raw.quoted,
    wildcard: raw.wildcard,
    source: raw.source,
  };
  if (raw.negated || raw.op !== ":") {
    parsed.clauses.push({ keyword, negated: raw.negated, terms: [term] });
    return;
  }
  const group = orGroups.get(keyword);
  if (group) group.terms.push(term);
  else {
    const clause: Clause = { keyword, negated: false, terms: [term] };
    orGroups.set(keyword, clause);
    parsed.clauses.push(clause);
  }
}

/** With an explicit type, a keyword that type does not have is a mistake, not an empty result. */
export function checkKeywords(parsed: ParsedQuery, types: readonly ResultType[]): void {
  for (const clause of parsed.clauses) {
    const usable = types.filter((t) => appliesTo(clause.keyword, t));
    if (usable.length === 0) {
      const typeNames = types.map((t) => `${t}s`).join(" or ");
      throw new SearchQueryError(
        `"${clause.terms[0]!.source}": ${clause.keyword} is not a keyword for ${typeNames}; remove it or search another type.`,
      );
    }
  }
}
