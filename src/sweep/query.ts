import type { RedactionPolicySpec } from "../api/redaction-policy.js";
import type { ExportType } from "../zendesk/search-export.js";

// The query a sweep runs: the policy's query, with the records Hush must not touch left out
// (every exemption tag, and for redaction and anonymisation its own marker tag), in the two forms Zendesk wants. Search and its
// count take `type:` in the query; search export refuses `type:` and takes `filter[type]` instead
// (ZENDESK_API.md 4.3), so the export form has every `type:` term removed.

export interface EffectiveQuery {
  /** The record type the policy's target names. */
  type: ExportType & ("ticket" | "user");
  /** For /search and /search/count: `type:<type>`, the policy's terms and the exclusions. */
  search: string;
  /** For /search/export (with filter[type]): the same without any `type:` term. */
  export: string;
}

/** A policy whose query cannot be run as asked; the message says what to change. */
export class QueryProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryProblem";
  }
}

const TARGET_TYPE = { tickets: "ticket", users: "user" } as const;

/** `type:x`, `-type:x`, `type:"x"`: the one keyword Hush rewrites. */
const TYPE_TERM = /^(-?)type:"?([^"]*)"?$/i;
/** A user query that names a role itself; otherwise Hush adds role:end-user. */
const ROLE_TERM = /^-?role[:<>]/i;

/**
 * The effective query of a policy, or a QueryProblem when its `type:` disagrees with its target
 * (a ticket policy whose query says type:user would otherwise act on the wrong kind of record).
 *
 * For users Hush adds `role:end-user` unless the query names a role: Hush anonymizes and deletes
 * end users only (agents and admins own tickets, views and macros), so staff matched by a query
 * would only ever fail. The addition narrows what matches, never widens it.
 */
export function effectiveQuery(
  spec: Pick<RedactionPolicySpec, "target" | "query" | "markerTag"> & {
    action?: RedactionPolicySpec["action"];
    exemptions: { tags: readonly string[] };
  },
): EffectiveQuery {
  const type = TARGET_TYPE[spec.target];
  if (unclosedQuote(spec.query)) {
    // The exclusions appended below would become part of the phrase, and match nothing.
    throw new QueryProblem(
      'the query has a double quote that is never closed; close the phrase with a second " (e.g. subject:"two words")',
    );
  }
  const kept: string[] = [];
  for (const token of tokens(spec.query)) {
    const typeTerm = TYPE_TERM.exec(token);
    if (!typeTerm) {
      kept.push(token);
      continue;
    }
    const [, negated, value = ""] = typeTerm;
    const named = value.toLowerCase();
    const agrees = negated ? named !== type : named === type;
    if (!agrees) {
      // The term is echoed only when it is a word: a query can hold personal data (an email).
      const term = /^[a-z_]+$/i.test(value) ? `"${token}"` : "type: term";
      throw new QueryProblem(
        `the query's ${term} disagrees with the policy's target ${spec.target}: write type:${type} or leave type: out (Hush adds it from the target)`,
      );
    }
  }
  if (type === "user" && !kept.some((t) => ROLE_TERM.test(t))) kept.push("role:end-user");
  // The marker says "already redacted or anonymised"; a deletion is due for such records too (a
  // ticket redacted at 90 days and deleted at two years), and a deleted record leaves every query.
  const deletes = spec.action === "Delete" || spec.action === "PermanentlyDelete";
  const excluded = deletes ? spec.exemptions.tags : [spec.markerTag, ...spec.exemptions.tags];
  for (const tag of excluded) kept.push(`-tags:${tagValue(tag)}`);
  const terms = kept.join(" ");
  return { type, search: `type:${type} ${terms}`, export: terms };
}

/**
 * A tag as a query value. Plain tags go as they are; others are quoted, so that the query
 * language does not read their parentheses, colons or a leading minus (4.4; a quoted value of one
 * tag is that tag). A `*` would be a wildcard, and a quote or a space would end the value: such a
 * tag cannot be excluded exactly, and a sweep that cannot leave it out must not run.
 */
function tagValue(tag: string): string {
  if (/["*\s]/.test(tag)) {
    throw new QueryProblem(
      `the tag "${tag}" cannot be excluded in a Zendesk query (it holds a quote, a * or a space); rename the tag in Zendesk and in the policy`,
    );
  }
  return /^[a-z0-9_][a-z0-9_./-]*$/.test(tag) ? tag : `"${tag}"`;
}

function unclosedQuote(query: string): boolean {
  return (query.match(/"/g)?.length ?? 0) % 2 === 1;
}

/**
 * Splits a query into its terms: whitespace outside double quotes separates them, so
 * `subject:"type:user guide"` stays one term and is left alone.
 */
export function tokens(query: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of query) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (current) out.push(current);
      current = "";
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}
