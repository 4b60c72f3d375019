import type { CommentRecord, Ticket } from "../model.js";
import { TICKET_STATUSES } from "../model.js";
import {
  allOf,
  booleanValue,
  type CompileEnv,
  compileClause,
  compileText,
  dateTest,
  type Predicate,
  rankTest,
  tagsTest,
} from "./compile.js";
import { SearchQueryError } from "./errors.js";
import { appliesTo, customFieldId } from "./keywords.js";
import type { Clause, ParsedQuery, Term } from "./parser.js";
import { matchesId, matchesIds, resolveNamed, resolveUsers } from "./references.js";
import { textMatcher, valueMatcher } from "./text.js";

// Ticket keywords (ZENDESK_API.md 4.4). Comments are read only by predicates that need them
// (description, comment, commenter, has_attachment, bare text), and those run last.

/** Gives predicates a ticket's comments, loaded at most once per ticket. */
export interface TicketScope {
  comments(ticket: Ticket): readonly CommentRecord[];
}

type TicketPredicate = Predicate<Ticket, TicketScope>;

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const TICKET_TYPES = ["problem", "incident", "question", "task"] as const;
/** `via:` values as the search language spells them, mapped to the channel stored on tickets. */
const VIA_ALIASES: Record<string, string> = { mail: "email", web_form: "web", phone: "voice" };

const cheap = (test: (t: Ticket) => boolean): TicketPredicate => ({ test, costly: false });
const costly = (test: (t: Ticket, scope: TicketScope) => boolean): TicketPredicate => ({
  test,
  costly: true,
});

export function compileTicketMatcher(
  query: ParsedQuery,
  env: CompileEnv,
): (t: Ticket, s: TicketScope) => boolean {
  // Without type:, a clause of another type's keyword (email:) rules tickets out (or in, negated).
  const predicates = query.clauses.map(
    (clause): TicketPredicate =>
      appliesTo(clause.keyword, "ticket")
        ? compileClause(clause, env, ticketTerm)
        : cheap(clause.negated ? () => true : () => false),
  );
  for (const term of query.text) {
    // A bare number also finds the ticket with that id (`query=3245227`, ZENDESK_API.md 4.4).
    const id = /^\d+$/.test(term.value) && !term.wildcard ? Number(term.value) : null;
    predicates.push(
      compileText<Ticket, TicketScope>(
        term,
        (t, scope, pattern) =>
          t.id === id || pattern.test(t.subject) || scope.comments(t).some((c) => pattern.test(c.body)),
        true,
      ),
    );
  }
  return allOf(predicates);
}

function ticketTerm(term: Term, clause: Clause, env: CompileEnv): TicketPredicate {
  const { account } = env;
  switch (clause.keyword) {
    case "status": {
      const test = rankTest(term, clause, TICKET_STATUSES, false);
      return cheap((t) => test(t.status));
    }
    case "priority": {
      const test = rankTest(term, clause, PRIORITIES, true);
      return cheap((t) => test(t.priority));
    }
    case "ticket_type": {
      const test = rankTest(term, clause, TICKET_TYPES, true);
      return cheap((t) => test(t.type));
    }
    case "tags": {
      const test = tagsTest(term);
      return cheap((t) => test(t.tags));
    }
    case "created":
    case "updated":
    case "solved":
    case "due_date": {
      const test = dateTest(term, clause, env);
      const field = clause.keyword;
      // The simulator keeps no due dates (every ticket serializes `due_at: null`).
      return cheap((t) =>
        test(
          field === "created"
            ? t.created_at
            : field === "updated"
              ? t.updated_at
              : field === "solved"
                ? t.solved_at
                : null,
        ),
      );
    }
    case "requester":
    case "submitter":
    case "assignee": {
      const ref = resolveUsers(account, term, env.me);
      const key = `${clause.keyword}_id` as "requester_id" | "submitter_id" | "assignee_id";
      return cheap((t) => matchesId(ref, t[key]));
    }
    case "cc": {
      const ref = resolveUsers(account, term, env.me);
      return cheap((t) =>
        ref.none
          ? t.collaborator_ids.length === 0 && t.email_cc_ids.length === 0
          : matchesIds(ref, t.collaborator_ids) || matchesIds(ref, t.email_cc_ids),
      );
    }
    case "commenter": {
      const ref = resolveUsers(account, term, env.me);
      return costly((t, scope) => {
        const comments = scope.comments(t);
        return ref.none ? comments.length === 0 : comments.some((c) => ref.ids.has(c.author_id));
      });
    }
    case "group": {
      const ref = resolveNamed(account.groups.values(), term);
      return cheap((t) => matchesId(ref, t.group_id));
    }
    case "organization": {
      const ref = resolveNamed(account.organizations.values(), term);
      return cheap((t) => matchesId(ref, t.organization_id));
    }
    case "brand": {
      const ref = resolveNamed(account.brands.values(), term);
      return cheap((t) => matchesId(ref, t.brand_id));
    }
    case "subject": {
      const pattern = textMatcher(term.value, term.wildcard, term.source);
      return cheap((t) => pattern.test(t.subject));
    }
    case "description": {
      const pattern = textMatcher(term.value, term.wildcard, term.source);
      return costly((t, scope) => {
        const first = scope.comments(t)[0];
        return first !== undefined && pattern.test(first.body);
      });
    }
    case "comment": {
      const pattern = textMatcher(term.value, term.wildcard, term.source);
      return costly((t, scope) => scope.comments(t).some((c) => pattern.test(c.body)));
    }
    case "has_attachment": {
      const wanted = booleanValue(term, clause);
      return costly(
        (t, scope) => scope.comments(t).some((c) => c.attachments.some((a) => !a.deleted)) === wanted,
      );
    }
    case "via": {
      const value = term.value.toLowerCase();
      if (value === "none") return cheap((t) => !t.via.channel);
      const matches = valueMatcher(VIA_ALIASES[value] ?? value, term.wildcard);
      return cheap((t) => matches(t.via.channel));
    }
    case "external_id": {
      if (term.value.toLowerCase() === "none" && !term.quoted) return cheap((t) => t.external_id === null);
      const matches = valueMatcher(term.value, term.wildcard);
      return cheap((t) => matches(t.external_id));
    }
    default: {
      const fieldId = customFieldId(clause.keyword);
      if (fieldId !== null) return customFieldTerm(fieldId, term);
      throw new SearchQueryError(`"${term.source}": ${clause.keyword} is not a ticket keyword.`);
    }
  }
}

/** `custom_field_<id>:value` (text, tagger, checkbox); `<`/`>` for numbers and dates. */
function customFieldTerm(fieldId: number, term: Term): TicketPredicate {
  const fieldValue = (t: Ticket) => {
    for (const f of t.custom_fields) if (f.id === fieldId) return f.value;
    return null;
  };
  const wanted = term.value;
  if (term.op === ":") {
    if (wanted.toLowerCase() === "none" && !term.quoted) {
      return cheap((t) => {
        const v = fieldValue(t);
        return v === null || v === "" || v === false;
      });
    }
    const matches = valueMatcher(wanted, term.wildcard);
    return cheap((t) => {
      const v = fieldValue(t);
      return v !== null && matches(String(v));
    });
  }
  const numeric = wanted !== "" && Number.isFinite(Number(wanted));
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(wanted);
  if (!numeric && !isDate) {
    throw new SearchQueryError(
      `"${term.source}": ${term.op} on a custom field needs a number or a YYYY-MM-DD date; use custom_field_${fieldId}:value for text.`,
    );
  }
  const sign = (v: string | number): number =>
    numeric ? Math.sign(Number(v) - Number(wanted)) : v < wanted ? -1 : v > wanted ? 1 : 0;
  const ok = { "<": [-1], "<=": [-1, 0], ">": [1], ">=": [1, 0] }[term.op];
  return cheap((t) => {
    const v = fieldValue(t);
    if (v === null || typeof v === "boolean" || v === "") return false;
    if (numeric && !Number.isFinite(Number(v))) return false;
    return ok.includes(sign(typeof v === "number" ? v : String(v)));
  });
}
