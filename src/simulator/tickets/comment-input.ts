import type { Account } from "../account.js";
import { recordInvalid } from "../errors.js";
import { makeComment } from "../factory.js";
import type { CommentRecord, User } from "../model.js";
import { existingUser } from "./attributes.js";

/** Comment bodies longer than 64 kB are silently truncated (ZENDESK_API.md 5.1). */
const MAX_BODY = 64 * 1024;

export interface CommentInput {
  author_id: number;
  body: string;
  html_body: string | null;
  public: boolean;
  created_at?: number;
}

/** The plain text of an HTML body: paragraphs and line breaks become newlines, tags go. */
export function plainFromHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p[^>]*>/gi, "\n\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/**
 * Reads `comment` (`{body|value|html_body, public, author_id}` or a bare string); null when it
 * carries no text. The author defaults to `defaultAuthor`.
 */
export function commentInput(account: Account, raw: unknown, defaultAuthor: User): CommentInput | null {
  if (raw === undefined || raw === null) return null;
  const c = (typeof raw === "string" ? { body: raw } : raw) as Record<string, unknown>;
  if (typeof c !== "object") throw recordInvalid({ comment: ["Comment: must be an object"] });
  const html = typeof c["html_body"] === "string" ? c["html_body"] : null;
  const text = c["body"] ?? c["value"];
  const body = typeof text === "string" ? text : html !== null ? plainFromHtml(html) : "";
  if (body.trim() === "" && (html === null || html.trim() === "")) return null;
  const author =
    c["author_id"] === undefined ? defaultAuthor : existingUser(account, "author_id", c["author_id"]);
  return {
    author_id: author.id,
    body: body.slice(0, MAX_BODY),
    html_body: html === null ? null : html.slice(0, MAX_BODY),
    public: c["public"] === undefined ? true : Boolean(c["public"]),
  };
}

/** Builds the comment record of an input, tied to its audit. */
export function commentRecord(
  account: Account,
  input: CommentInput,
  auditId: number,
  createdAt: number,
): CommentRecord {
  return makeComment(account, {
    author_id: input.author_id,
    body: input.body,
    html_body: input.html_body,
    public: input.public,
    created_at: input.created_at ?? createdAt,
    audit_id: auditId,
  });
}
