// Unicode helpers shared by the detectors: word boundaries that know every script, and a folded
// form of a text (case, diacritics, compatibility forms, Arabic letter variants) that keeps a map
// back to the original offsets, so a match in the folded text masks the right original characters.

const WORD_CHAR = /^[\p{L}\p{N}\p{M}_]$/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** The code point that ends just before `index` (a UTF-16 offset), or -1 at the start. */
function codePointBefore(text: string, index: number): number {
  if (index <= 0) return -1;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return low;
}

/** The code point that starts at `index`, or -1 at the end. */
function codePointAt(text: string, index: number): number {
  return index < text.length ? (text.codePointAt(index) ?? -1) : -1;
}

function isWordCodePoint(cp: number): boolean {
  if (cp < 0) return false;
  if (cp < 0x80) {
    return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95;
  }
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

function isLetterOrDigitCodePoint(cp: number): boolean {
  if (cp < 0) return false;
  if (cp < 0x80) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
  return LETTER_OR_DIGIT.test(String.fromCodePoint(cp));
}

/** True when the character before `index` is part of a word (letter, digit, mark or underscore). */
const wordCharBefore = (text: string, index: number): boolean =>
  isWordCodePoint(codePointBefore(text, index));

/** True when the character at `index` is part of a word (letter, digit, mark or underscore). */
const wordCharAt = (text: string, index: number): boolean => isWordCodePoint(codePointAt(text, index));

/** True when `start..end` is a whole word: no word character touches it on either side. */
export const isWholeWord = (text: string, start: number, end: number): boolean =>
  !wordCharBefore(text, start) && !wordCharAt(text, end);

/** True when a letter or digit of any script ends just before `index`. */
export const letterOrDigitBefore = (text: string, index: number): boolean =>
  isLetterOrDigitCodePoint(codePointBefore(text, index));

/** True when a letter or digit of any script starts at `index`. */
export const letterOrDigitAt = (text: string, index: number): boolean =>
  isLetterOrDigitCodePoint(codePointAt(text, index));

const JOINERS = new Set(["-", "/", ".", ",", "_", "+"]);

/**
 * True when the number or code at `start..end` is a token of its own: no letter or digit touches
 * it, and it does not continue through a joiner ("-", "/", ".", ",", "_", "+") into one, as in
 * "ORD-2024-001234", "1.234.567" or "123-45-6789-0".
 */
export const isolatedToken = (text: string, start: number, end: number): boolean =>
  isolatedStart(text, start) && isolatedEnd(text, end);

/** The start-side half of isolatedToken. */
export const isolatedStart = (text: string, start: number): boolean =>
  !letterOrDigitBefore(text, start) &&
  !(JOINERS.has(text[start - 1] ?? "") && letterOrDigitBefore(text, start - 1));

/** The end-side half of isolatedToken. */
export const isolatedEnd = (text: string, end: number): boolean =>
  !letterOrDigitAt(text, end) && !(JOINERS.has(text[end] ?? "") && letterOrDigitAt(text, end + 1));

/** True for a character of a script written without spaces between words (Han, kana, Thai...). */
const UNSPACED =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]$/u;
export const isUnspacedScript = (cp: number): boolean =>
  cp >= 0x0e00 && UNSPACED.test(String.fromCodePoint(cp));

/** A text folded for matching, with the original UTF-16 offset of every folded code unit. */
export interface FoldedText {
  folded: string;
  /** origin[i] = offset in the original text of the character that produced folded[i]; origin[folded.length] = text.length. */
  origin: Int32Array;
}

const MARK = /\p{M}/gu;
const IGNORABLE = /^[\p{Cf}\u00AD\u0640]$/u; // format characters (ZWJ, ZWNJ, bidi marks), soft hyphen, Arabic tatweel

/** Letters that do not decompose under NFKD but that people write without their stroke or ligature. */
const SPECIAL: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ẞ: "ss",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ς: "σ",
  ħ: "h",
  ŧ: "t",
  // Arabic: hamza carriers and alef variants, alef maqsura, teh marbuta, Persian yeh and keheh.
  أ: "ا",
  إ: "ا",
  آ: "ا",
  ٱ: "ا",
  ى: "ي",
  ی: "ي",
  ئ: "ي",
  ؤ: "و",
  ة: "ه",
  ک: "ك",
};

const foldCache = new Map<number, string>();

/** The folded form of one code point: NFKD, lower case, marks and format characters dropped. */
function foldCodePoint(cp: number): string {
  if (cp < 0x80) return cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : String.fromCharCode(cp);
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  let out: string;
  if (IGNORABLE.test(ch)) out = "";
  // Hangul syllables stay whole: NFKD would split them into jamo, and a one-syllable family name
  // would then count as three letters.
  else if (cp >= 0xac00 && cp <= 0xd7a3) out = ch;
  else {
    const lower = ch.toLowerCase();
    out = "";
    for (const c of lower) out += SPECIAL[c] ?? c;
    out = out.normalize("NFKD").replace(MARK, "");
    let special = "";
    for (const c of out) special += SPECIAL[c] ?? c;
    out = special.toLowerCase();
  }
  foldCache.set(cp, out);
  return out;
}

/** Folds a whole string (for needles such as names; no offset map). */
export function fold(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    out += foldCodePoint(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

/** Folds `text` and keeps, for every folded code unit, the offset of the original character. */
export function foldWithOrigin(text: string): FoldedText {
  let origin = new Int32Array(text.length + 1);
  if (!NON_ASCII.test(text)) {
    for (let i = 0; i <= text.length; i++) origin[i] = i;
    return { folded: text.toLowerCase(), origin };
  }
  const parts: string[] = [];
  let n = 0;
  let i = 0;
  while (i < text.length) {
    // A stretch of ASCII folds by lower-casing, one code unit per code unit.
    const asciiEnd = endOfAscii(text, i);
    if (asciiEnd > i) {
      parts.push(text.slice(i, asciiEnd).toLowerCase());
      for (; i < asciiEnd; i++) origin[n++] = i;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const f = foldCodePoint(cp);
    if (n + f.length + (text.length - i) >= origin.length) {
      const grown = new Int32Array(origin.length * 2 + f.length);
      grown.set(origin);
      origin = grown;
    }
    for (let k = 0; k < f.length; k++) origin[n++] = i;
    parts.push(f);
    i += cp > 0xffff ? 2 : 1;
  }
  origin[n] = text.length;
  return { folded: parts.join(""), origin: origin.subarray(0, n + 1) };
}

/**
 * The original offset where a folded match ending at `foldedEnd` ends: after any combining marks
 * of its last letter (they fold to nothing but belong to it), before any format characters that
 * follow it (a direction mark or zero-width joiner belongs to the text around).
 */
export function originalEnd(text: string, f: FoldedText, foldedEnd: number, originalStart: number): number {
  let end = f.origin[foldedEnd] ?? text.length;
  while (end > originalStart && IGNORABLE.test(text[end - 1] ?? "")) end--;
  return end;
}

function endOfAscii(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) < 0x80) i++;
  return i;
}

const NON_ASCII = /[\u0080-\uffff]/;
// The decimal digits people type in support tickets besides ASCII: Arabic-Indic, Persian, NKo,
// Devanagari, Bengali, Thai and fullwidth. (Testing \p{Nd} on every character of a long text is
// several times slower, for scripts nobody writes phone numbers in.)
const NON_ASCII_DIGITS =
  /[\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f\u09e6-\u09ef\u0e50-\u0e59\uff10-\uff19]/g;

/**
 * `text` with every decimal digit of another script in the Basic Multilingual Plane (Arabic-Indic
 * ٠١٢, Persian ۰۱۲, Devanagari, fullwidth ０１２...) replaced by its ASCII digit. Offsets do not
 * change, so number detectors can run on the result and report offsets into `text`.
 */
export function toAsciiDigits(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  NON_ASCII_DIGITS.lastIndex = 0;
  if (!NON_ASCII_DIGITS.test(text)) return text;
  return text.replace(NON_ASCII_DIGITS, (ch) => String(digitValue(ch.charCodeAt(0))));
}

/** The code points of zero in the scripts toAsciiDigits reads; each script's digits follow in order. */
const ZEROS = [0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0e50, 0xff10];
function digitValue(cp: number): number {
  for (const zero of ZEROS) if (cp >= zero && cp < zero + 10) return cp - zero;
  return 0;
}
