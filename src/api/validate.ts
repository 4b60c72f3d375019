import { customPatternProblem, hasNestedRepetition } from "../redaction/detectors/custom.js";
import { type FieldProblem, listOf, quoted } from "./problems.js";
import {
  anonymizeSpecSchema,
  type RedactionPolicy,
  type RedactionPolicySpec,
  redactSpecSchema,
} from "./redaction-policy.js";
import { checkSchedule } from "./schedule-check.js";
import type { ZendeskAccount } from "./zendesk-account.js";

// What the schemas cannot say: rules that relate one field to another (an action and its target,
// a replacement and its text), values that need a parser (regular expressions, the query's type),
// and settings that would be silently ignored — a policy whose author believes something that is
// not so is the most dangerous kind of policy a privacy tool can run. Called by the loader of
// resource files and by the operator; each problem names the field and what would be accepted.

export type { FieldProblem } from "./problems.js";

/** Which target an action works on; Delete and PermanentlyDelete work on both. */
const ACTION_TARGET = { Redact: "tickets", Anonymize: "users" } as const;
const SINGULAR = { tickets: "ticket", users: "user" } as const;

export function checkPolicy(policy: RedactionPolicy): FieldProblem[] {
  const spec = policy.spec;
  return [
    ...checkActionAndTarget(spec),
    ...checkQuery(spec),
    ...(spec.action === "Redact" ? checkRedact(spec) : []),
    ...checkUnusedSections(spec),
    ...(spec.schedule ? checkSchedule(spec.schedule, "spec.schedule") : []),
    ...checkTags(spec),
  ];
}

function checkActionAndTarget(spec: RedactionPolicySpec): FieldProblem[] {
  const required = ACTION_TARGET[spec.action as keyof typeof ACTION_TARGET];
  if (!required || required === spec.target) return [];
  const others =
    spec.target === "users"
      ? "Anonymize, Delete or PermanentlyDelete"
      : "Redact, Delete or PermanentlyDelete";
  return [
    {
      path: "spec.action",
      message: `${spec.action} works on ${required}, but target is ${spec.target}; with target ${spec.target} use ${others}, or set target: ${required}`,
    },
  ];
}

/** `type:` terms of a Zendesk query, with whether each is negated (`-type:user`). */
export function queryTypeTerms(query: string): { type: string; negated: boolean }[] {
  return [...query.matchAll(/(?:^|[\s(])(-?)type:"?([A-Za-z_]+)"?/gi)].map((m) => ({
    type: m[2]!.toLowerCase(),
    negated: m[1] === "-",
  }));
}

/** Positive `tags:` terms of a Zendesk query (which Zendesk ORs). */
function queryTags(query: string): string[] {
  return [...query.matchAll(/(?:^|[\s(])tags:([^\s"()]+)/gi)].map((m) => m[1]!.toLowerCase());
}

function checkQuery(spec: RedactionPolicySpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (spec.query.trim() === "") {
    return [
      {
        path: "spec.query",
        message: "is blank; write a Zendesk search query, e.g. type:ticket status:closed updated<90days",
      },
    ];
  }
  const wanted = SINGULAR[spec.target];
  for (const term of queryTypeTerms(spec.query)) {
    if (term.negated) {
      problems.push({
        path: "spec.query",
        message: `has -type:${term.type}; leave type out of the query (Hush searches ${spec.target} only, from target) or write type:${wanted}`,
      });
    } else if (term.type !== wanted) {
      problems.push({
        path: "spec.query",
        message: `says type:${term.type} but target is ${spec.target}; write type:${wanted} or leave type out (Hush adds it from target), or change target${term.type === "user" || term.type === "ticket" ? ` to ${term.type}s` : " (tickets or users)"}`,
      });
    }
  }
  // Zendesk ORs repeated tags: terms, so a query is empty only when every one names a tag Hush excludes.
  const tags = queryTags(spec.query);
  const excluded = new Set([spec.markerTag, ...spec.exemptions.tags]);
  if (tags.length > 0 && tags.every((t) => excluded.has(t))) {
    problems.push({
      path: "spec.query",
      message: `selects only records tagged ${listOf(tags)}, which Hush always leaves out (marker tag and exemptions.tags), so no sweep would ever act; select other records`,
    });
  }
  return problems;
}

function checkRedact(spec: RedactionPolicySpec): FieldProblem[] {
  const redact = spec.redact;
  const problems: FieldProblem[] = [];
  const at = (path: string, message: string) => problems.push({ path: `spec.redact.${path}`, message });
  const has = (field: (typeof redact.fields)[number]) => redact.fields.includes(field);

  if (redact.replacement.type === "Text" && redact.replacement.text === undefined) {
    at(
      "replacement.text",
      "is required with replacement type Text; give the text that stands for masked data, e.g. [redacted]",
    );
  }
  if (redact.replacement.type !== "Text" && redact.replacement.text !== undefined) {
    at(
      "replacement.text",
      `is used only with replacement type Text, not ${redact.replacement.type}; remove text or set type: Text`,
    );
  }

  if (has("tags") && redact.tagPatterns.length === 0) {
    at(
      "tagPatterns",
      "is empty, so `tags` in fields would remove no tag; list patterns such as ^customer- or remove tags from fields",
    );
  }
  if (!has("tags") && redact.tagPatterns.length > 0) {
    at(
      "fields",
      "does not include tags, so tagPatterns would not be used; add tags to fields or remove tagPatterns",
    );
  }
  redact.tagPatterns.forEach((source, i) => {
    const problem = tagPatternProblem(source);
    if (problem) at(`tagPatterns[${i}]`, `cannot be used: ${problem}`);
    else if (new RegExp(source, "u").test(spec.markerTag)) {
      at(
        `tagPatterns[${i}]`,
        `matches the marker tag ${spec.markerTag}, so a sweep would remove the mark that keeps redacted tickets out of the next sweep; make the pattern more specific`,
      );
    }
  });

  if (!has("customFields") && redact.customFieldIds.length > 0) {
    at(
      "fields",
      "does not include customFields, so customFieldIds would not be used; add customFields to fields or remove customFieldIds",
    );
  }
  if (!has("attachments") && redact.attachmentMethod !== "Remove") {
    at(
      "attachmentMethod",
      "is used only with attachments in fields; add attachments to fields or remove attachmentMethod",
    );
  }
  const comments = redact.comments;
  if (!has("comments") && !has("attachments") && (comments.visibility !== "All" || comments.authorRoles)) {
    at(
      "comments",
      "selects comments, but fields includes neither comments nor attachments; add one of them to fields or remove comments",
    );
  }
  if (comments.authorRoles?.length === 0) {
    at(
      "comments.authorRoles",
      "is empty; leave it out to redact comments of every author, or name roles: EndUser, Agent, Admin",
    );
  }

  // Repeated names are refused with every other repeated list item (list-types.ts).
  redact.patterns.forEach((pattern, i) => {
    const problem = customPatternProblem(pattern.regex);
    if (problem) at(`patterns[${i}].regex`, `cannot be used: ${problem}`);
  });

  if (redact.permanentlyDeleteOriginals && redact.closedTickets !== "Replace") {
    at(
      "permanentlyDeleteOriginals",
      "applies only with closedTickets: Replace (InPlace deletes nothing); set closedTickets: Replace or remove it",
    );
  }
  return problems;
}

/** Tag patterns are compiled as the engine does (`u` flag), and refused where they could backtrack exponentially. */
function tagPatternProblem(source: string): string | undefined {
  try {
    new RegExp(source, "u");
  } catch {
    return "it is not a valid regular expression in JavaScript syntax (Unicode mode), e.g. ^customer-";
  }
  if (hasNestedRepetition(source)) {
    return "it repeats a group that itself repeats (like (a+)+), which can take exponential time; rewrite it without nested repetition";
  }
  return undefined;
}

const DEFAULT_REDACT = redactSpecSchema.parse({});
const DEFAULT_ANONYMIZE = anonymizeSpecSchema.parse({});

/**
 * Settings for another action are ignored; when someone wrote them, the action is likely not
 * the one they meant (a Delete policy that carries redaction settings deletes all the same).
 */
function checkUnusedSections(spec: RedactionPolicySpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (spec.action !== "Redact" && !deepEqual(spec.redact, DEFAULT_REDACT)) {
    problems.push({
      path: "spec.redact",
      message: `is used only with action Redact, but action is ${spec.action}; remove redact, or set action: Redact if redaction is what you meant`,
    });
  }
  if (spec.action !== "Anonymize" && !deepEqual(spec.anonymize, DEFAULT_ANONYMIZE)) {
    problems.push({
      path: "spec.anonymize",
      message: `is used only with action Anonymize, but action is ${spec.action}; remove anonymize, or set action: Anonymize if anonymisation is what you meant`,
    });
  }
  return problems;
}

function checkTags(spec: RedactionPolicySpec): FieldProblem[] {
  const i = spec.exemptions.tags.indexOf(spec.markerTag);
  if (i < 0) return [];
  return [
    {
      path: `spec.exemptions.tags[${i}]`,
      message: `is the marker tag Hush adds to every record it changed; exemptions are for records no sweep may touch, e.g. legal-hold: remove it or choose another markerTag`,
    },
  ];
}

/** The High Volume API add-on is sold on Growth/Professional and above (ZENDESK_API.md 2.1). */
const HIGH_VOLUME_PLANS = ["Growth", "Professional", "Enterprise", "EnterprisePlus"];

export function checkAccount(account: ZendeskAccount): FieldProblem[] {
  const spec = account.spec;
  const problems: FieldProblem[] = [];
  const { plan, highVolume } = spec.rateLimit;
  if (highVolume && plan !== undefined && !HIGH_VOLUME_PLANS.includes(plan)) {
    problems.push({
      path: "spec.rateLimit.highVolume",
      message: `the High Volume API add-on is not sold on the ${plan} plan, only on ${listOf(HIGH_VOLUME_PLANS)}; check the plan or remove highVolume`,
    });
  }
  if (spec.defaultRegion !== undefined && !isRegion(spec.defaultRegion)) {
    problems.push({
      path: "spec.defaultRegion",
      message: `${quoted(spec.defaultRegion)} is not an ISO 3166-1 country code; use one such as DK, SE, DE or US`,
    });
  }
  if (spec.baseURL !== undefined) {
    const url = new URL(spec.baseURL);
    if (url.username || url.password) {
      problems.push({
        path: "spec.baseURL",
        message: "must not carry credentials; put them in the Secret of spec.credentials.secretRef",
      });
    }
    if (url.search || url.hash) {
      problems.push({
        path: "spec.baseURL",
        message: "must not have a query (?...) or fragment (#...); give the server's URL only",
      });
    }
    if (/\/api\/v2\/?$/.test(url.pathname)) {
      problems.push({
        path: "spec.baseURL",
        message: "must not end in /api/v2; give the server's URL, Hush adds the API path",
      });
    }
  }
  return problems;
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });

/** Whether a two-letter code names a country or territory (ICU returns unknown codes as they are). */
function isRegion(code: string): boolean {
  try {
    return regionNames.of(code) !== code;
  } catch {
    return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
