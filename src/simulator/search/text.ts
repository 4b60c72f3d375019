import { SearchQueryError } from "./errors.js";

// Full-text matching: case-insensitive whole words; a phrase is its words in order separated by
// anything that is not a letter or digit; a trailing * turns the last word into a prefix.
// One RegExp per term is built when the query is compiled, so matching a record allocates nothing.

const WORD_CHAR = "[\\p{L}\\p{N}]";

/** The words of a text, as the search tokenizer sees them. */
export const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

export function textMatcher(value: string, wildcard: boolean, source: string): RegExp {
  const parts = words(value);
  if (parts.length === 0) {
    throw new SearchQueryError(`"${source}" has no letters or digits to search for.`);
  }
  const body = parts.join(`[^\\p{L}\\p{N}]+`);
  return new RegExp(`(?<!${WORD_CHAR})${body}${wildcard ? "" : `(?!${WORD_CHAR})`}`, "iu");
}

/** Exact (case-insensitive) value match, or prefix match with a trailing `*`. */
export function valueMatcher(value: string, wildcard: boolean): (candidate: string | null) => boolean {
  const wanted = value.toLowerCase();
  return wildcard
    ? (candidate) => candidate?.toLowerCase().startsWith(wanted) ?? false
    : (candidate) => candidate?.toLowerCase() === wanted;
}
