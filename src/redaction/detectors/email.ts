import type { Finding } from "../types.js";

// Email addresses, including internationalised ones (ü@exämple.de, 用户@例子.中国). Found by
// expanding around each "@" rather than with one regular expression: a pattern with a repeated
// local part backtracks quadratically over long runs of word characters (base64 blobs, hashes).

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const NON_ASCII_WORD = /^[\p{L}\p{N}\p{M}]$/u;
const TLD = /^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/iu;

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Letters, digits and marks of any script (one UTF-16 unit; astral letters are rare in addresses). */
function isWordUnit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return isAsciiAlnum(c);
  return NON_ASCII_WORD.test(text[i] ?? "");
}

const LOCAL_PUNCTUATION = new Set([
  "_",
  "%",
  "+",
  "-",
  ".",
  "'",
  "!",
  "#",
  "$",
  "&",
  "*",
  "/",
  "=",
  "?",
  "^",
  "`",
  "{",
  "|",
  "}",
  "~",
]);
const isLocalUnit = (text: string, i: number): boolean =>
  isWordUnit(text, i) || LOCAL_PUNCTUATION.has(text[i] ?? "");
const isDomainUnit = (text: string, i: number): boolean =>
  isWordUnit(text, i) || text[i] === "-" || text[i] === ".";

/** Every email address in `text`. */
export function findEmails(text: string): Finding[] {
  const findings: Finding[] = [];
  let searchFrom = 0;
  for (;;) {
    const at = text.indexOf("@", searchFrom);
    if (at < 0) break;
    searchFrom = at + 1;
    const start = localStart(text, at);
    const end = domainEnd(text, at + 1);
    if (start < 0 || end < 0) continue;
    findings.push({ detector: "email", start, end });
    searchFrom = end;
  }
  return findings;
}

/** Start of the local part ending at `at`, or -1 when there is none. */
function localStart(text: string, at: number): number {
  let start = at;
  const limit = Math.max(0, at - MAX_LOCAL * 4);
  while (start > limit && isLocalUnit(text, start - 1)) start--;
  // Quotes, dots and shell-ish punctuation around an address belong to the sentence, not to it.
  while (start < at && !isWordUnit(text, start) && text[start] !== "_" && text[start] !== "+") start++;
  if (start === at || text[at - 1] === ".") return -1;
  return start;
}

/** End of a valid domain starting at `from`, or -1. */
function domainEnd(text: string, from: number): number {
  let end = from;
  const limit = Math.min(text.length, from + MAX_DOMAIN);
  while (end < limit && isDomainUnit(text, end)) end++;
  let labels = text.slice(from, end).split(".");
  // A sentence's full stop or a trailing number ("x@y.com.", "x@y.com.2") is not part of the domain.
  while (labels.length > 1 && !TLD.test(labels[labels.length - 1] ?? "")) labels = labels.slice(0, -1);
  if (labels.length < 2) return -1;
  for (const label of labels) {
    if (label.length === 0 || label.startsWith("-") || label.endsWith("-")) return -1;
  }
  return from + labels.join(".").length;
}
