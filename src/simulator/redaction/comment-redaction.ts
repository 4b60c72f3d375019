import { recordInvalid } from "../errors.js";
import type { AttachmentRecord, CommentRecord } from "../model.js";
import { escapeHtml, htmlFromPlain } from "../serialize.js";
import { applyRedactMarkup, RedactMarkupError, readHtml } from "./markup.js";
import { alignRedaction, maskCodePoints, maskOccurrences } from "./mask.js";

// Pure computations of what a redaction does to a comment; the endpoints validate, call these,
// then commit the result (commit.ts).

const collapse = (text: string): string => text.replace(/\s+/gu, " ").trim();

/** The html_body the API shows for a comment (ZENDESK_API.md 6.1). */
export const currentHtml = (comment: CommentRecord): string =>
  comment.html_body ?? htmlFromPlain(comment.body);

/**
 * Applies a `comment_redactions` html_body (ZENDESK_API.md 6.2). The submitted body must be the
 * comment's own html_body plus redact markup: text or elements that differ are refused, so that
 * this endpoint cannot be used to rewrite what a customer wrote.
 */
export function redactWithMarkup(
  comment: CommentRecord,
  submitted: string,
): { body: string; html_body: string | null; removedUrls: string[] } {
  let parsed: ReturnType<typeof applyRedactMarkup>;
  try {
    parsed = applyRedactMarkup(submitted);
  } catch (error) {
    if (error instanceof RedactMarkupError)
      throw recordInvalid({ html_body: [`html_body has invalid redact markup: ${error.message}`] });
    throw error;
  }
  const original = readHtml(currentHtml(comment));
  const submittedText = parsed.text.map((m) => m.ch).join("");
  if (collapse(submittedText) !== collapse(original.text)) {
    throw recordInvalid({
      html_body: [
        "html_body must be the comment's current html_body with <redact> tags added; its text differs from the comment",
      ],
    });
  }
  if (parsed.structure !== original.structure) {
    throw recordInvalid({
      html_body: [
        "html_body must be the comment's current html_body with <redact> tags added; its HTML elements differ from the comment",
      ],
    });
  }
  const body = alignRedaction(comment.body, parsed.text) ?? maskRuns(comment.body, parsed.text);
  // A derived html_body stays derived when it still matches; otherwise the masked HTML is stored.
  const html_body = comment.html_body === null && htmlFromPlain(body) === parsed.html ? null : parsed.html;
  return { body, html_body, removedUrls: parsed.removedUrls };
}

/** Fallback when the HTML text cannot be aligned with the body: mask each redacted run where it occurs. */
function maskRuns(body: string, text: readonly { ch: string; redacted: boolean }[]): string {
  const runs: string[] = [];
  let current = "";
  for (const m of text) {
    if (m.redacted) current += m.ch;
    else if (current) {
      runs.push(current);
      current = "";
    }
  }
  if (current) runs.push(current);
  let result = body;
  for (const run of runs) {
    const trimmed = run.trim();
    if (trimmed) result = maskOccurrences(result, trimmed) ?? result;
  }
  return result;
}

/** The legacy string redaction (6.3): every occurrence of `text`, in the body and a stored html_body. */
export function redactString(
  comment: CommentRecord,
  text: string,
): { body: string; html_body: string | null } {
  const body = maskOccurrences(comment.body, text);
  if (body === null) throw recordInvalid({ text: [`"text" does not occur in comment ${comment.id}`] });
  if (comment.html_body === null) return { body, html_body: null };
  const escaped = escapeHtml(text);
  const html = comment.html_body
    .split(escaped)
    .join(maskCodePoints(text))
    .split(text)
    .join(maskCodePoints(text));
  return { body, html_body: html };
}

/** A redacted attachment is replaced by an empty `redacted.txt` (6.4, 6.6). */
export const redactedAttachment = (a: AttachmentRecord): AttachmentRecord => ({
  ...a,
  file_name: "redacted.txt",
  content_type: "text/plain",
  content: "",
  size: 0,
});

/** The attachment id in a content_url (`/attachments/token/att<ID>/?name=`) or API url. */
export function attachmentIdFromUrl(url: string): number | null {
  const match = /\/attachments\/token\/att(\d+)|\/api\/v2\/attachments\/(\d+)/.exec(url);
  return match ? Number(match[1] ?? match[2]) : null;
}
