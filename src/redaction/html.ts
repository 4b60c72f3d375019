import { decodeHTML, decodeHTMLAttribute } from "entities/decode";
import { maskableSpans, type Span } from "./mask.js";
import { MASK_CHAR } from "./types.js";

// A comment's html_body and its visible text, with a map between them, so that detectors run on
// the text a person reads and their findings become `<redact>` markup for
// `PUT /api/v2/comment_redactions/{id}` (ZENDESK_API.md 6.2). Zendesk wants the comment's own
// html_body back with `<redact>…</redact>` around text to remove and a `redact` attribute on
// elements to remove (links, inline images) with their inner text wrapped too. The markup only
// ever goes inside text between tags and around whole character references, so it never cuts
// through a tag, an attribute or an entity such as `&amp;`.

/** One element of the HTML, with its decoded attributes and the visible text it contains. */
export interface HtmlElement {
  /** Lower-case tag name. */
  name: string;
  /** Decoded attribute values by lower-case name (a bare attribute has the value ""). */
  attributes: Record<string, string>;
  /** Offsets of the start tag in the HTML. */
  tagStart: number;
  tagEnd: number;
  /** Offsets of its content in the visible text (equal for void elements). */
  textStart: number;
  textEnd: number;
}

export interface HtmlText {
  html: string;
  /** The visible text: character references decoded, a line break for `<br>` and block boundaries. */
  text: string;
  elements: HtmlElement[];
  /** For every text offset, the HTML range that produced it; -1 for the line breaks blocks add. */
  htmlStart: Int32Array;
  htmlEnd: Int32Array;
  /** The text node (between two tags) each text offset comes from; -1 for added line breaks. */
  node: Int32Array;
}

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "br",
  "dd",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
]);
/** Elements whose content is not text a reader sees. */
const RAW = new Set(["script", "style"]);

// Comments, declarations, tags (quoted attribute values may hold ">"), text, or a lone "<".
const TOKEN =
  /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([a-zA-Z][^\s/>]*)((?:"[^"]*"|'[^']*'|[^'">])*)>|[^<]+|</y;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
const CHARACTER_REFERENCE = /&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g;

function parseAttributes(raw: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const m of raw.matchAll(ATTRIBUTE)) {
    const value = m[2] ?? m[3] ?? m[4] ?? "";
    attributes[m[1]!.toLowerCase()] = decodeHTMLAttribute(value);
  }
  return attributes;
}

/** Reads an html_body into its visible text and elements. */
export function readHtmlText(html: string): HtmlText {
  let text = "";
  const htmlStart: number[] = [];
  const htmlEnd: number[] = [];
  const node: number[] = [];
  const elements: HtmlElement[] = [];
  const open: HtmlElement[] = [];
  let nodeIndex = 0;

  // A block boundary becomes a line break once more text follows, so the text has none at its end.
  let pendingBreak = false;
  const push = (chars: string, from: number, to: number, n: number): void => {
    if (pendingBreak && n >= 0) {
      pendingBreak = false;
      if (text.length > 0 && !text.endsWith("\n")) push("\n", -1, -1, -1);
    }
    text += chars;
    for (let k = 0; k < chars.length; k++) {
      htmlStart.push(from);
      htmlEnd.push(to);
      node.push(n);
    }
  };
  const lineBreak = (): void => {
    pendingBreak = true;
  };
  const readText = (raw: string, at: number): void => {
    const n = nodeIndex++;
    let last = 0;
    for (const m of raw.matchAll(CHARACTER_REFERENCE)) {
      const decoded = decodeHTML(m[0]);
      if (decoded === m[0]) continue; // not a reference HTML knows: literal text
      for (let k = last; k < m.index; k++) push(raw[k]!, at + k, at + k + 1, n);
      // The characters of one reference all map to the whole reference, so it is never cut.
      push(decoded, at + m.index, at + m.index + m[0].length, n);
      last = m.index + m[0].length;
    }
    for (let k = last; k < raw.length; k++) push(raw[k]!, at + k, at + k + 1, n);
  };

  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < html.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(html);
    if (!m) break; // unreachable: "<" alone always matches
    const [raw, slash, tagName, attrs] = m;
    if (tagName === undefined) {
      if (!raw.startsWith("<") || raw === "<") readText(raw, at);
      continue;
    }
    const name = tagName.toLowerCase();
    if (BLOCK.has(name)) lineBreak();
    if (slash) {
      const index = open.findLastIndex((e) => e.name === name);
      if (index >= 0) for (const e of open.splice(index)) e.textEnd = text.length;
      continue;
    }
    const element: HtmlElement = {
      name,
      attributes: parseAttributes(attrs ?? ""),
      tagStart: at,
      tagEnd: at + raw.length,
      textStart: text.length,
      textEnd: text.length,
    };
    elements.push(element);
    if (RAW.has(name)) {
      // Skip the content up to the end tag; it is not visible text and gets no markup.
      const close = html.toLowerCase().indexOf(`</${name}`, TOKEN.lastIndex);
      TOKEN.lastIndex = close < 0 ? html.length : close;
      continue;
    }
    if (!VOID.has(name) && !raw.endsWith("/>")) open.push(element);
  }
  for (const e of open) e.textEnd = text.length;
  return {
    html,
    text,
    elements,
    htmlStart: Int32Array.from(htmlStart),
    htmlEnd: Int32Array.from(htmlEnd),
    node: Int32Array.from(node),
  };
}

// Neither whitespace nor ▇, which is what Zendesk shows in place of redacted text (ZENDESK_API.md 6.6).
const UNMASKED_RUN = new RegExp(`[^\\s${MASK_CHAR}]+`, "gu");

/**
 * The runs of visible text that are neither whitespace nor ▇: what Full mode removes. Text that
 * Zendesk already redacted is left out, so a second sweep plans no redaction for it.
 */
export function fullModeRanges(text: string): Span[] {
  return Array.from(text.matchAll(UNMASKED_RUN), (m) => ({ start: m.index, end: m.index + m[0].length }));
}

export interface MarkupRequest {
  /** Ranges of the visible text to wrap in `<redact>` (findings, or every word in Full mode). */
  ranges: readonly Span[];
  /**
   * Elements to remove with a `redact` attribute; their inner text is wrapped as well. A link
   * whose text overlaps a range is always removed: its address is about the same person.
   */
  removeElement?: (element: HtmlElement) => boolean;
}

export interface RedactMarkup {
  /** The html_body with `<redact>` tags and `redact` attributes; equal to the input when unchanged. */
  html: string;
  changed: boolean;
  /** Elements that got the `redact` attribute. */
  removedElements: HtmlElement[];
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/** Builds the comment_redactions html_body for the given ranges and elements. */
export function redactMarkup(parsed: HtmlText, request: MarkupRequest): RedactMarkup {
  const { html, text } = parsed;
  const removed = parsed.elements.filter(
    (e) =>
      request.removeElement?.(e) === true ||
      (e.name === "a" && request.ranges.some((r) => overlaps(r, { start: e.textStart, end: e.textEnd }))),
  );
  const ranges = [...request.ranges];
  for (const e of removed) if (e.textEnd > e.textStart) ranges.push({ start: e.textStart, end: e.textEnd });

  const spans = htmlSpans(parsed, maskableSpans(text, ranges)).filter(
    (s) => html.slice(s.start, s.end).trim() !== "",
  );
  const insertions: { at: number; what: string }[] = [];
  for (const s of spans) insertions.push({ at: s.start, what: "<redact>" }, { at: s.end, what: "</redact>" });
  for (const e of removed) {
    if ("redact" in e.attributes) continue;
    const selfClosing = html.slice(e.tagStart, e.tagEnd).endsWith("/>");
    insertions.push({ at: e.tagEnd - (selfClosing ? 2 : 1), what: " redact" });
  }
  if (insertions.length === 0) return { html, changed: false, removedElements: [] };
  insertions.sort((a, b) => a.at - b.at);
  let out = "";
  let at = 0;
  for (const insertion of insertions) {
    out += html.slice(at, insertion.at) + insertion.what;
    at = insertion.at;
  }
  return { html: out + html.slice(at), changed: true, removedElements: removed };
}

/** Text ranges as HTML ranges, one per text node they cross, merged where they touch. */
function htmlSpans(parsed: HtmlText, ranges: readonly Span[]): Span[] {
  const spans: (Span & { node: number })[] = [];
  for (const range of ranges) {
    for (let i = range.start; i < range.end; i++) {
      const n = parsed.node[i]!;
      if (n < 0) continue;
      const from = parsed.htmlStart[i]!;
      const to = parsed.htmlEnd[i]!;
      const last = spans[spans.length - 1];
      if (last && last.node === n && from <= last.end) last.end = Math.max(last.end, to);
      else spans.push({ start: from, end: to, node: n });
    }
  }
  return spans;
}
