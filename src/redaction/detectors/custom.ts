import type { Finding } from "../types.js";

// Custom patterns from a policy. A policy author's pattern runs over every comment of an account,
// so it is compiled once, always in Unicode mode (`v`, else `u`: "." and classes see whole code
// points, so a match never splits a surrogate pair), zero-length matches are skipped and the
// matches per text are capped. Patterns with nested unbounded repetition — the shape behind
// catastrophic backtracking, such as (a+)+ or (\w+\s?)* — are refused by compileCustomPattern.

/** At most this many custom findings per text and pattern; beyond it the pattern is matching noise. */
export const MAX_CUSTOM_MATCHES = 1000;

/** Why a pattern cannot be used, or undefined when it can. Messages name the problem, never the text. */
export function customPatternProblem(source: string): string | undefined {
  if (source.length === 0) return "the pattern is empty";
  if (toUnicodeRegExp(source, "") === undefined) return "the pattern is not a valid regular expression";
  if (hasNestedRepetition(source)) {
    return "the pattern repeats a group that itself repeats (like (a+)+), which can take exponential time; rewrite it without nested repetition";
  }
  return undefined;
}

/** Compiles a policy's pattern for findCustomPatterns, or throws an Error saying what is wrong. */
export function compileCustomPattern(source: string, flags = "i"): RegExp {
  const problem = customPatternProblem(source);
  if (problem) throw new Error(`Custom pattern rejected: ${problem}.`);
  const compiled = toUnicodeRegExp(source, flags);
  if (!compiled) throw new Error("Custom pattern rejected: the flags are not valid.");
  return compiled;
}

const compiled = new WeakMap<RegExp, RegExp>();

/** Every match of the policy's patterns in `text` (each pattern capped at MAX_CUSTOM_MATCHES). */
export function findCustomPatterns(text: string, patterns: readonly RegExp[]): Finding[] {
  const findings: Finding[] = [];
  for (const pattern of patterns) {
    let re = compiled.get(pattern);
    if (!re) {
      re =
        toUnicodeRegExp(pattern.source, pattern.flags) ??
        new RegExp(pattern.source, withGlobal(pattern.flags));
      compiled.set(pattern, re);
    }
    re.lastIndex = 0;
    let count = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        // Step over the empty match (a whole code point in Unicode mode) and look further.
        re.lastIndex = m.index + ((text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
        if (re.lastIndex > text.length) break;
        continue;
      }
      findings.push({ detector: "custom", start: m.index, end: m.index + m[0].length });
      if (++count >= MAX_CUSTOM_MATCHES) break;
    }
  }
  return findings;
}

function withGlobal(flags: string): string {
  const kept = flags.replace(/[gy]/g, "");
  return `${kept}g`;
}

/** The pattern compiled with `g` and `v` (or `u` where `v` rejects it), or undefined if invalid. */
function toUnicodeRegExp(source: string, flags: string): RegExp | undefined {
  const base = withGlobal(flags).replace(/[uv]/g, "");
  for (const mode of ["v", "u"]) {
    try {
      return new RegExp(source, base + mode);
    } catch {
      // `v` is stricter about classes such as [a-z&&b]; fall through to `u`.
    }
  }
  return undefined;
}

/**
 * True when a quantified group contains another unbounded quantifier: (a+)+, (\w*x)*, (a|b+){2,}.
 * A conservative syntactic check in the spirit of safe-regex's star height; it does not prove
 * safety (overlapping alternatives like (a|a)* pass), but it refuses the common catastrophic shape.
 */
export function hasNestedRepetition(source: string): boolean {
  // For each open group: whether something inside it repeats without bound.
  const stack: boolean[] = [];
  // Whether the atom just read (a group) contains unbounded repetition.
  let atomRepeats = false;
  const markEnclosing = (): void => {
    if (stack.length > 0) stack[stack.length - 1] = true;
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const quantifier = quantifierAt(source, i);
    if (quantifier) {
      if (atomRepeats && (quantifier.unbounded || quantifier.max > 10)) return true;
      if (quantifier.unbounded || atomRepeats) markEnclosing();
      i = quantifier.end - 1;
      atomRepeats = false;
      continue;
    }
    if (atomRepeats) markEnclosing();
    atomRepeats = false;
    if (ch === "\\") i++;
    else if (ch === "[") i = endOfClass(source, i);
    else if (ch === "(") {
      stack.push(false);
      i = endOfGroupPrefix(source, i) - 1;
    } else if (ch === ")") atomRepeats = stack.pop() ?? false;
  }
  return false;
}

interface Quantifier {
  unbounded: boolean;
  max: number;
  end: number;
}

function quantifierAt(source: string, i: number): Quantifier | undefined {
  const ch = source[i];
  let q: Quantifier | undefined;
  if (ch === "*" || ch === "+") q = { unbounded: true, max: Infinity, end: i + 1 };
  else if (ch === "?") q = { unbounded: false, max: 1, end: i + 1 };
  else if (ch === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 24));
    if (!m) return undefined;
    const unbounded = m[2] !== undefined && m[3] === "";
    q = { unbounded, max: unbounded ? Infinity : Number(m[3] ?? m[1]), end: i + m[0].length };
  }
  // A lazy marker after a quantifier belongs to it.
  if (q && source[q.end] === "?") q.end++;
  return q;
}

/** Offset just past "(", "(?:", "(?=", "(?!", "(?<=", "(?<!" or "(?<name>". */
function endOfGroupPrefix(source: string, open: number): number {
  if (source[open + 1] !== "?") return open + 1;
  const m = /^\(\?(?::|=|!|<=|<!|<[^>]*>|[a-z-]*:)/.exec(source.slice(open, open + 40));
  return open + (m ? m[0].length : 2);
}

function endOfClass(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "[") depth++;
    else if (source[i] === "]" && --depth === 0) return i;
  }
  return source.length;
}
