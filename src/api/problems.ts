// The shape every check in src/api reports in: where (a field path such as spec.redact.masking)
// and what is wrong, said so that the reader knows what to write instead. Messages never repeat
// values that may be personal data or secrets (queries, patterns, Secret data); they repeat only
// short enum-like words the user typed, so a typo is easy to spot.

/** A problem with one field of one resource. `path` is "" for the resource as a whole. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Formats a path from its segments: spec.redact.patterns[0].regex, metadata.annotations["hush.dev/approve"]. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_$][\w$-]*$/.test(segment))
      path += path === "" ? segment : `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

/** "a, b or c" */
export function listOf(words: readonly string[], conjunction = "or"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words[words.length - 1]}`;
}

/** A word the user typed, quoted and cut short, for messages such as `(got "Redcat")`. */
export function quoted(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

/**
 * The candidate closest to `word` when it is a likely typo of it (a different case, or a few
 * letters' edit distance for its length), else undefined.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      row[j] = value;
    }
  }
  return d[rows - 1]![cols - 1]!;
}

/** For a key a strict object does not know: names the allowed keys and the likely intended one. */
export function unknownFieldMessage(key: string, owner: string, allowed: readonly string[]): string {
  const guess = closest(key, allowed);
  return `is not a field of ${owner} (allowed: ${allowed.join(", ")})${guess ? `; did you mean ${guess}?` : ""}`;
}
