import type { z } from "zod";
import { type JSONSchemaProps, schemaAt } from "./crd.js";
import { closest, formatPath, listOf, quoted, unknownFieldMessage } from "./problems.js";

// zod's issues as problems a person can act on: the field path, what is wrong, and what is
// allowed (the values of an enum, the fields of an object with the likely intended one, the
// bounds). Schema-level messages (the `.regex(..., "must be ...")` ones) are kept as written.

/** Marks an issue with no schema-level message, so that it is phrased here instead. */
const UNPHRASED = "\u0000unphrased";

/** Parse options that report inputs and leave issues without a schema message to phraseIssue. */
export const PARSE_OPTIONS = { reportInput: true, error: () => UNPHRASED } as const;

export interface PathProblem {
  segments: PropertyKey[];
  message: string;
}

/** Problems from a failed parse; `root` is the structural schema of the resource, for descriptions and allowed fields. */
export function zodProblems(error: z.ZodError, root: JSONSchemaProps): PathProblem[] {
  return error.issues.flatMap((issue) => phraseIssue(issue, root));
}

function phraseIssue(issue: z.core.$ZodIssue, root: JSONSchemaProps): PathProblem[] {
  const segments = [...issue.path];
  const input = (issue as { input?: unknown }).input;
  if (issue.code === "unrecognized_keys") {
    const node = schemaAt(root, segments);
    const allowed = Object.keys(node?.properties ?? {});
    const owner = segments.length === 0 ? "the resource" : formatPath(segments);
    return issue.keys.map((key) => ({
      segments: [...segments, key],
      message: unknownFieldMessage(key, owner, allowed),
    }));
  }
  if (issue.message !== UNPHRASED) return [{ segments, message: issue.message }];
  return [{ segments, message: phrase(issue, input, schemaAt(root, segments)) }];
}

function phrase(issue: z.core.$ZodIssue, input: unknown, node: JSONSchemaProps | undefined): string {
  switch (issue.code) {
    case "invalid_type": {
      if (input === undefined) {
        const what = node?.description ? `: ${firstSentence(node.description)}` : "";
        return `is required${what}`;
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (input === null) return `is empty; write ${expected} or remove the field`;
      if (
        typeof input === "string" &&
        input.trim() !== "" &&
        !Number.isNaN(Number(input)) &&
        /number|int/.test(issue.expected)
      ) {
        return `must be ${expected}, written without quotes (got a string)`;
      }
      return `must be ${expected} (got ${typeName(input)})`;
    }
    case "invalid_value": {
      const values = issue.values.map(String);
      const got = typeof input === "string" || typeof input === "number" ? ` (got ${quoted(input)})` : "";
      if (values.length === 1) return `must be ${values[0]}${got}`;
      const guess = typeof input === "string" ? closest(input, values) : undefined;
      return `must be one of ${listOf(values)}${got}${guess ? `; did you mean ${guess}?` : ""}`;
    }
    case "too_small":
      return bound("at least", "more than", issue.origin, issue.minimum, issue.inclusive ?? true);
    case "too_big":
      return bound("at most", "less than", issue.origin, issue.maximum, issue.inclusive ?? true);
    case "invalid_format":
      if (issue.format === "datetime") return "must be a UTC date-time such as 2026-01-31T12:00:00Z";
      if (issue.format === "regex" && issue.pattern) return `must match ${issue.pattern}`;
      return `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    default:
      return "is not valid here; see docs/resources.md for what this field accepts";
  }
}

function bound(
  inclusiveWord: string,
  exclusiveWord: string,
  origin: string,
  limit: number | bigint,
  inclusive: boolean,
): string {
  const word = inclusive ? inclusiveWord : exclusiveWord;
  if (origin === "string") {
    if (inclusiveWord === "at least" && Number(limit) === 1) return "must not be empty";
    return `must be ${word} ${limit} characters long`;
  }
  if (origin === "array" || origin === "set") {
    if (inclusiveWord === "at least" && Number(limit) === 1) return "must list at least one item";
    return `must list ${word} ${limit} items`;
  }
  return `must be ${word} ${limit}`;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping of fields",
  array: "a list",
};

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a fraction";
  if (typeof value === "boolean") return `${value}`;
  return `a ${typeof value}`;
}

/** The first sentence of a description, to follow "is required: " (so "The Secret" becomes "the Secret"). */
function firstSentence(text: string): string {
  const end = text.search(/(?<!\b(?:e\.g|i\.e))\.(\s|$)/);
  const sentence = end >= 0 ? text.slice(0, end) : text;
  return sentence.replace(/^(The|A|An|What|Which|Where|When|How|Whether)\b/, (word) => word.toLowerCase());
}
