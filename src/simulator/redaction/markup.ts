import { type MarkedChar, maskCodePoints } from "./mask.js";

// The `<redact>` markup of `PUT /api/v2/comment_redactions/{id}` (ZENDESK_API.md 6.2): the client
// sends the comment's html_body back with `<redact>…</redact>` around text to remove, and a
// `redact` attribute on elements (links, inline images) to remove the element itself.

interface Token {
  kind: "text" | "tag" | "other";
  raw: string;
  /** Lower-case tag name (tags only). */
  name?: string;
  close?: boolean;
  /** The tag carries a bare `redact` attribute. */
  redactAttr?: boolean;
}

const VOID = new Set(["area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]);

function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  for (const match of html.matchAll(/<!--[\s\S]*?-->|<!?\/?[a-zA-Z][^>]*>|[^<]+|</g)) {
    const raw = match[0];
    const tag = /^<(\/?)([a-zA-Z][\w:-]*)([^>]*)>$/.exec(raw);
    if (tag) {
      // Quoted values may contain the word "redact"; only a bare attribute counts.
      const attrs = tag[3]!.replace(/"[^"]*"|'[^']*'/g, '""');
      tokens.push({
        kind: "tag",
        raw,
        name: tag[2]!.toLowerCase(),
        close: tag[1] === "/",
        redactAttr: /(^|\s)redact(?=[\s=/]|$)/i.test(attrs),
      });
    } else if (raw.startsWith("<") && raw.length > 1) {
      tokens.push({ kind: "other", raw });
    } else {
      tokens.push({ kind: "text", raw });
    }
  }
  return tokens;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code =
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** The markup refuses to parse: unbalanced or nested `<redact>` tags. */
export class RedactMarkupError extends Error {}

export interface RedactedHtml {
  /** The HTML with redacted text masked and `redact`-attributed elements removed. */
  html: string;
  /** The text of the submitted HTML (without the redact tags), marked per character. */
  text: MarkedChar[];
  /** The tag names of the submitted HTML without redact tags: its structure, for comparison. */
  structure: string;
  /** `src`/`href` values of removed elements (inline images point at attachments). */
  removedUrls: string[];
}

/** Applies `<redact>` tags and `redact` attributes to a submitted html_body. */
export function applyRedactMarkup(submitted: string): RedactedHtml {
  const out: string[] = [];
  const text: MarkedChar[] = [];
  const structure: string[] = [];
  const removedUrls: string[] = [];
  const open: { name: string; removed: boolean }[] = [];
  let inRedact = false;
  for (const token of tokenize(submitted)) {
    if (token.kind === "text") {
      const decoded = decodeEntities(token.raw);
      for (const ch of decoded) text.push({ ch, redacted: inRedact });
      out.push(inRedact ? maskCodePoints(decoded) : token.raw);
      continue;
    }
    if (token.kind === "other") {
      out.push(token.raw);
      continue;
    }
    const name = token.name!;
    if (name === "redact") {
      if (token.close === inRedact) inRedact = !inRedact;
      else throw new RedactMarkupError(token.close ? "</redact> without <redact>" : "nested <redact> tags");
      continue;
    }
    structure.push(token.close ? `/${name}` : name);
    if (token.close) {
      const index = open.findLastIndex((e) => e.name === name);
      const element = index === -1 ? undefined : open.splice(index)[0];
      if (!element?.removed) out.push(token.raw);
      continue;
    }
    if (token.redactAttr) {
      for (const url of token.raw.matchAll(/\s(?:src|href)\s*=\s*["']([^"']*)["']/gi))
        removedUrls.push(url[1]!);
    } else {
      out.push(token.raw);
    }
    if (!VOID.has(name) && !token.raw.endsWith("/>")) open.push({ name, removed: token.redactAttr === true });
  }
  if (inRedact) throw new RedactMarkupError("<redact> is not closed");
  return { html: out.join(""), text, structure: structure.join(" "), removedUrls };
}

/** The text and structure of an HTML body, for comparing a submitted body with the stored one. */
export function readHtml(html: string): { text: string; structure: string } {
  const parsed = applyRedactMarkup(html);
  return { text: parsed.text.map((m) => m.ch).join(""), structure: parsed.structure };
}
