// How Zendesk masks redacted text (ZENDESK_API.md 6.6): each redacted character becomes ▇
// (U+2587). The run length per character is unconfirmed; the simulator uses one ▇ per Unicode code
// point, so that Arabic script and emoji (surrogate pairs) give one mark per visible character.

export const REDACTION_MARK = "\u2587";

/** One ▇ per code point of `text`. */
export const maskCodePoints = (text: string): string => REDACTION_MARK.repeat([...text].length);

/** Replaces every occurrence of `text` in `body`; null when it does not occur. */
export function maskOccurrences(body: string, text: string): string | null {
  if (text === "" || !body.includes(text)) return null;
  return body.split(text).join(maskCodePoints(text));
}

/** One character of a comment's rendered text and whether it sits inside `<redact>`. */
export interface MarkedChar {
  ch: string;
  redacted: boolean;
}

const isSpace = (ch: string): boolean => /\s/u.test(ch);

/**
 * Carries redaction marks from the rendered HTML text over to the plain body. The two differ only
 * in whitespace (paragraphs and `<br>` in the HTML are newlines in the body), so a walk that skips
 * unmatched whitespace on either side aligns them. Returns null when they do not align, e.g. for a
 * stored rich html_body whose text differs from the body.
 */
export function alignRedaction(body: string, marked: readonly MarkedChar[]): string | null {
  const plain = [...body];
  const out: string[] = [];
  let j = 0;
  for (let i = 0; i < plain.length; ) {
    const ch = plain[i]!;
    const m = marked[j];
    if (m && m.ch === ch) {
      out.push(m.redacted ? REDACTION_MARK : ch);
      i++;
      j++;
    } else if (isSpace(ch)) {
      out.push(ch);
      i++;
    } else if (m && isSpace(m.ch)) {
      j++;
    } else {
      return null;
    }
  }
  // Whatever is left of the HTML text must be whitespace, or the two did not describe the same text.
  return marked.slice(j).every((m) => isSpace(m.ch)) ? out.join("") : null;
}
