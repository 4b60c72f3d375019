import { pseudonym } from "./pseudonym.js";
import { type Finding, MASK_CHAR, type Masking, type Replacement } from "./types.js";

// Masking: what replaces personal data in a text. One ▇ per grapheme cluster (what a reader sees
// as one character: "é" written as e + accent, a flag, a family emoji, an Arabic letter with its
// vowel marks), whitespace and line breaks kept, so that a masked conversation keeps its shape.

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const NON_ASCII = /[\u0080-\uffff]/;
const WHITESPACE = /^\s+$/u;
const NON_WHITESPACE = /\S/g;

/** A range of a text in UTF-16 offsets, end exclusive (a Finding is one). */
export interface Span {
  start: number;
  end: number;
}

/** Every grapheme cluster of `text` that is not whitespace becomes one ▇. Idempotent. */
export function maskFull(text: string): string {
  // ASCII has no combining marks or emoji sequences; "\r\n" is one cluster but whitespace anyway.
  if (!NON_ASCII.test(text)) return text.replace(NON_WHITESPACE, MASK_CHAR);
  let out = "";
  for (const { segment } of segmenter.segment(text)) out += WHITESPACE.test(segment) ? segment : MASK_CHAR;
  return out;
}

/** The grapheme clusters of `text`. */
export const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (s) => s.segment);

/** What replaces one piece of personal data (or a whole text in Full mode). */
export function replacementFor(original: string, replacement: Replacement): string {
  switch (replacement.kind) {
    case "blocks":
      return maskFull(original);
    case "text":
      return replacement.text;
    case "pseudonym":
      return pseudonym(replacement.key, original);
  }
}

/**
 * The offsets where grapheme clusters start (and `text.length`), so that a finding that ends
 * before a combining mark or inside an emoji sequence can be widened to whole characters.
 */
function clusterBoundaries(text: string): number[] {
  const bounds = Array.from(segmenter.segment(text), (s) => s.index);
  bounds.push(text.length);
  return bounds;
}

/** Findings clamped to the text, widened to whole grapheme clusters, sorted and merged. */
export function maskableSpans(text: string, findings: readonly Span[]): Span[] {
  const spans = findings
    .map((f) => ({ start: Math.max(0, f.start), end: Math.min(text.length, f.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  if (spans.length === 0) return [];
  const bounds = !NON_ASCII.test(text) ? null : clusterBoundaries(text);
  const merged: Span[] = [];
  for (const span of spans) {
    const widened = bounds ? widen(bounds, span) : span;
    const last = merged[merged.length - 1];
    if (last && widened.start <= last.end) last.end = Math.max(last.end, widened.end);
    else merged.push({ ...widened });
  }
  return merged;
}

function widen(bounds: readonly number[], span: Span): Span {
  // Largest boundary <= start, smallest boundary >= end (binary searches over sorted offsets).
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid]! <= span.start) lo = mid;
    else hi = mid - 1;
  }
  const start = bounds[lo]!;
  lo = 0;
  hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! >= span.end) hi = mid;
    else lo = mid + 1;
  }
  return { start, end: bounds[lo]! };
}

/**
 * Masks `text`: in Full mode all of it, in Detected mode only the findings (offsets into `text`).
 * A fixed replacement text or a pseudonym replaces each finding (Full: the whole text) as a unit.
 * Whitespace-only text stays as it is in every mode.
 */
export function applyMasking(text: string, findings: readonly Finding[], masking: Masking): string {
  if (masking.mode === "Full") {
    if (text.trim() === "") return text;
    if (masking.replacement.kind === "text" && text === masking.replacement.text) return text;
    return replacementFor(text, masking.replacement);
  }
  const spans = maskableSpans(text, findings);
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + replacementFor(text.slice(span.start, span.end), masking.replacement);
    at = span.end;
  }
  return out + text.slice(at);
}
