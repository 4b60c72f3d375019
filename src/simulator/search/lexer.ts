import type { CompareOp } from "./dates.js";
import { SearchQueryError } from "./errors.js";

/** One whitespace-separated term of a query, before keywords are interpreted. */
export interface RawTerm {
  negated: boolean;
  /** Lower-cased keyword before the operator, or null for bare text and phrases. */
  keyword: string | null;
  op: CompareOp;
  /** The value without its quotes and without a trailing `*`. */
  value: string;
  quoted: boolean;
  /** A trailing `*` (prefix match). */
  wildcard: boolean;
  /** The term as written, for error messages and for unknown keywords searched as text. */
  source: string;
}

const KEYWORD = /^([a-z_][a-z0-9_]*)(<=|>=|:|<|>)/i;
/** Zendesk ignores queries beyond roughly this many words (ZENDESK_API.md 4.4, unconfirmed). */
const MAX_TERMS = 64;

/** Splits a query into terms; whitespace inside double quotes does not split. */
export function tokenize(query: string): RawTerm[] {
  const sources: string[] = [];
  let current = "";
  let quoteStart = -1;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i]!;
    if (ch === '"') quoteStart = quoteStart === -1 ? i : -1;
    if (quoteStart === -1 && /\s/.test(ch)) {
      if (current) sources.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (quoteStart !== -1) {
    throw new SearchQueryError(
      `The quote at position ${quoteStart + 1} is never closed; close the phrase with a second " (e.g. organization:"MD Photo").`,
    );
  }
  if (current) sources.push(current);
  if (sources.length > MAX_TERMS) {
    throw new SearchQueryError(`The query has ${sources.length} terms; search accepts at most ${MAX_TERMS}.`);
  }
  sources.forEach(refuseBoolean);
  return sources.filter((s) => s !== "-").map(parseTerm);
}

/**
 * Zendesk's query language has no boolean operators or grouping (ZENDESK_API.md 4.4): terms are
 * ANDed and a repeated keyword is ORed. Searching `OR` or `(status:open` as words would quietly
 * return a different set than the caller meant, so they are refused with the way to write it.
 */
function refuseBoolean(source: string, index: number, sources: string[]): void {
  const next = sources[index + 1] ?? "keyword:value";
  if (source === "OR") {
    const prev = sources[index - 1] ?? "keyword:a";
    throw new SearchQueryError(
      `OR is not an operator in search: to match either value, repeat the keyword without OR (e.g. ${prev} ${next}).`,
    );
  }
  if (source === "AND") {
    throw new SearchQueryError("AND is not an operator in search: terms are ANDed already; remove AND.");
  }
  if (source === "NOT") {
    throw new SearchQueryError(
      `NOT is not an operator in search: put a minus before the term instead (-${next}).`,
    );
  }
  if (/[()]/.test(source.replace(/"[^"]*"/g, ""))) {
    throw new SearchQueryError(
      `"${source}": search has no parentheses or grouping; remove them (quote a value that contains them, e.g. subject:"(draft)").`,
    );
  }
}

function parseTerm(source: string): RawTerm {
  const negated = source.startsWith("-");
  const body = negated ? source.slice(1) : source;
  const match = KEYWORD.exec(body);
  const keyword = match ? match[1]!.toLowerCase() : null;
  const op = (match ? match[2] : ":") as CompareOp;
  const rawValue = match ? body.slice(match[0].length) : body;
  if (match && rawValue === "") {
    throw new SearchQueryError(
      `"${source}" has no value after "${match[2]}"; write a value such as ${keyword}${op}value, or quote it: ${keyword}${op}"two words".`,
    );
  }
  let value = rawValue;
  let wildcard = false;
  if (value.endsWith("*")) {
    wildcard = true;
    value = value.slice(0, -1);
  }
  const quoted = value.startsWith('"') && value.endsWith('"') && value.length >= 2;
  value = value.replace(/"/g, "");
  if (value.includes("*")) {
    throw new SearchQueryError(
      `"${source}": a * wildcard is only allowed at the end of a value (e.g. subject:photo*).`,
    );
  }
  return { negated, keyword, op, value, quoted, wildcard, source };
}
