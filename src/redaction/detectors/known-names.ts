import { type FoldedText, fold, foldWithOrigin, isUnspacedScript, originalEnd } from "../text.js";
import type { Finding } from "../types.js";
import { COMMON_WORDS, NAME_PARTICLES } from "./common-words.js";

// The names of the people on a ticket, found in any script. Text and names are folded (case,
// diacritics, compatibility forms, Arabic letter variants: see text.ts) and compared there, and
// every hit is mapped back to original offsets, so "JOSÉ", "José" with a combining accent and
// "Jose" are all found for "José", and "عبدالله" with or without tashkeel for "عبدالله".
//
// Which parts count on their own:
// - every part of two or more letters that is not an ordinary word: "Søren", "Østergaard";
// - a part that is also an ordinary word ("Will", "Rose", "Hans", "حسن") only where the text
//   writes it as a name: capitalised and not opening a sentence (a greeting or signature line
//   counts), or next to another part of the same name;
// - particles, titles, initials ("de", "van", "Dr", "J", "بن", "عبد") only next to another part.
// Parts of one name next to each other, with only a space, hyphen or apostrophe between them
// ("Anna Jensen", "Anne-Marie", "J. Smith" after an initial), become one finding: the full name.
//
// Word boundaries are Unicode-aware, with the exceptions each script needs: Han, kana and Thai
// are written without spaces, so no boundary is required there; Korean writes the family name
// and particles against the given name ("김민준님", "민준씨"); Arabic and Hebrew prefix
// one-letter conjunctions and prepositions ("ومحمد" = "and Muhammad", "ולדוד"); an "s"
// genitive ("Sørens", "Annas") ends a name. Inflected forms other than the genitive
// (Finnish "Matille", Polish "Łukasza", Russian "Петрова") are not found.

type Role = "part" | "common" | "particle";

interface Needle {
  text: string;
  role: Role;
  /** Index of the person (name) it belongs to; hits of one person next to each other merge. */
  person: number;
}

export interface CompiledNames {
  needles: readonly Needle[];
}

const SPLIT = /[^\p{L}\p{N}]+/u;
const ARABIC = /^[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]/u;
const HAN_OR_HANGUL = /^(?:\p{Script=Han}+|\p{Script=Hangul}+)$/u;

/** Prepares a ticket's names once for all of its comments. */
export function compileNames(names: readonly string[]): CompiledNames {
  const needles: Needle[] = [];
  const seen = new Set<string>();
  const add = (text: string, role: Role, person: number): void => {
    const key = `${person}\u0000${text}`;
    if (text.length === 0 || seen.has(key)) return;
    seen.add(key);
    needles.push({ text, role, person });
  };
  names.forEach((name, person) => {
    const parts = fold(name.normalize("NFC"))
      .split(SPLIT)
      .filter((p) => p.length > 0);
    for (const part of parts) add(part, roleOf(part), person);
    // Arabic compound names are written with and without the space: "عبد الله" / "عبدالله".
    if (parts.some((p) => ARABIC.test(p))) {
      for (let i = 0; i + 1 < parts.length; i++) add(`${parts[i]}${parts[i + 1]}`, "part", person);
      for (const part of parts) {
        const compound = /^(عبد|ابو)(\p{L}{2,})$/u.exec(part);
        if (compound) add(`${compound[1]} ${compound[2]}`, "part", person);
      }
    }
    // A Chinese or Korean name written without a space: the given name (after a one-character
    // surname) is a part too.
    if (parts.length === 1 && HAN_OR_HANGUL.test(parts[0] ?? "") && [...(parts[0] ?? "")].length >= 3) {
      add([...(parts[0] ?? "")].slice(1).join(""), "part", person);
    }
  });
  return { needles };
}

function roleOf(part: string): Role {
  if ([...part].length < 2 || NAME_PARTICLES.has(part)) return "particle";
  if (COMMON_WORDS.has(part) || /^\d+$/.test(part)) return "common";
  return "part";
}

interface Hit {
  start: number;
  end: number;
  person: number;
  role: Role;
  accepted: boolean;
}

/** Every occurrence of the compiled names in `text`. */
export function findNames(text: string, names: CompiledNames): Finding[] {
  if (names.needles.length === 0) return [];
  const folded = foldWithOrigin(text);
  const hits: Hit[] = [];
  for (const needle of names.needles) {
    for (
      let at = folded.folded.indexOf(needle.text);
      at >= 0;
      at = folded.folded.indexOf(needle.text, at + 1)
    ) {
      const hit = hitAt(text, folded, needle, at);
      if (hit) hits.push(hit);
    }
  }
  return chainHits(text, hits);
}

function hitAt(text: string, f: FoldedText, needle: Needle, at: number): Hit | undefined {
  const end = at + needle.text.length;
  if (!alignedAt(f, at) || !alignedAt(f, end)) return undefined;
  if (!boundaryBefore(f.folded, at, needle.text) || !boundaryAfter(f.folded, end, needle.text))
    return undefined;
  const start = f.origin[at] ?? 0;
  const stop = originalEnd(text, f, end, start);
  const accepted = needle.role === "part" || (needle.role === "common" && writtenAsName(text, start, stop));
  return { start, end: stop, person: needle.person, role: needle.role, accepted };
}

/** A folded offset that starts an original character (not the middle of "æ" → "ae"). */
const alignedAt = (f: FoldedText, i: number): boolean =>
  i === 0 || i >= f.folded.length || f.origin[i] !== f.origin[i - 1];

const WORD = /[\p{L}\p{N}]/u;
const isWord = (ch: string | undefined): boolean => ch !== undefined && WORD.test(ch);
const ARABIC_PROCLITICS = "وفبلك";
const HEBREW_PREFIXES = "והבלמשכ";
const HANGUL = /\p{Script=Hangul}/u;

function boundaryBefore(folded: string, at: number, needle: string): boolean {
  const first = needle.codePointAt(0) ?? 0;
  // Korean writes the full name without a space ("김민준"), so the given name has no boundary before it.
  if (isUnspacedScript(first) || HANGUL.test(needle.slice(0, 1))) return true;
  const prev = charBefore(folded, at);
  if (!isWord(prev)) return true;
  // One or two clitic letters glued to the front ("ومحمد", "وبمحمد", "ולדוד").
  const clitics = ARABIC.test(needle)
    ? ARABIC_PROCLITICS
    : /[\u05d0-\u05ea]/.test(needle)
      ? HEBREW_PREFIXES
      : "";
  if (!clitics || needle.length < 3) return false;
  let i = at;
  for (let n = 0; n < 2 && i > 0 && clitics.includes(folded[i - 1] ?? ""); n++) {
    i--;
    if (!isWord(charBefore(folded, i))) return true;
  }
  return false;
}

function boundaryAfter(folded: string, end: number, needle: string): boolean {
  const last = needle.codePointAt(needle.length - 1) ?? 0;
  if (isUnspacedScript(last) || HANGUL.test(needle.slice(-1))) return true;
  const next = folded[end];
  if (!isWord(next)) return true;
  // Genitive "s" without an apostrophe, as Danish, Swedish, Norwegian and German write it.
  return next === "s" && !isWord(folded[end + 1]) && /[a-z]$/.test(needle);
}

function charBefore(s: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const cp = s.codePointAt(i - 1) ?? 0;
  if (cp >= 0xdc00 && cp <= 0xdfff && i >= 2) return s.slice(i - 2, i);
  return s[i - 1];
}

const SENTENCE_END = /[.!?…。！？]/;

/**
 * True where an ordinary word is written as a name: capitalised, and either inside a sentence or
 * alone as a greeting or signature ("Will," or "Will" on its own line).
 */
function writtenAsName(text: string, start: number, end: number): boolean {
  const first = String.fromCodePoint(text.codePointAt(start) ?? 0);
  if (first.toLowerCase() === first || first.toUpperCase() !== first) return false;
  let i = start;
  while (i > 0 && /[\s"'“‘«(¿¡-]/.test(text[i - 1] ?? "")) i--;
  const opensSentence = i === 0 || SENTENCE_END.test(text[i - 1] ?? "");
  if (!opensSentence) return true;
  return /^[ \t]*(?:[,:;!]|\r?\n|$)/.test(text.slice(end, end + 4));
}

/** What may stand between two parts of one name: a space, hyphen or apostrophe; after an initial or title also a dot. */
const GAP = /^[\s\-'’‐]{0,3}$/u;
const GAP_AFTER_INITIAL = /^\.?[\s\-'’‐]{0,3}$/u;

/**
 * Joins hits of one person that stand next to each other, accepts provisional hits (common words,
 * particles) that touch an accepted hit or that, together with others, make up a longer name,
 * and returns the accepted chains as findings.
 */
function chainHits(text: string, hits: Hit[]): Finding[] {
  if (hits.length === 0) return [];
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const findings: Finding[] = [];
  let chain: Hit[] = [];
  const flush = (): void => {
    if (chain.length === 0) return;
    const strong = chain.filter((h) => h.role !== "particle");
    if (chain.some((h) => h.accepted) || strong.length >= 2) {
      const start = chain[0]?.start ?? 0;
      const end = Math.max(...chain.map((h) => h.end));
      findings.push({ detector: "knownIdentifiers", start, end, kind: "name" });
    }
    chain = [];
  };
  let chainEnd = 0;
  for (const hit of hits) {
    const joins =
      chain.some((h) => h.person === hit.person) &&
      (hit.start < chainEnd ||
        (chain[chain.length - 1]?.role === "particle" ? GAP_AFTER_INITIAL : GAP).test(
          text.slice(chainEnd, hit.start),
        ));
    if (!joins) {
      flush();
      chainEnd = 0;
    }
    chain.push(hit);
    chainEnd = Math.max(chainEnd, hit.end);
  }
  flush();
  return findings;
}
