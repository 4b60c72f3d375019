import type { Comment, CustomField, UserRole } from "../zendesk/types.js";
import { detect } from "./detect.js";
import { applyMasking } from "./mask.js";
import {
  DETECTOR_NAMES,
  type DetectionOptions,
  type DetectorName,
  type Finding,
  type Masking,
} from "./types.js";

// What the engine is asked to do: the input a RedactionPolicy maps onto, and the small rules that
// read it (which comments, which tags, how a field value is masked), shared by the in-place plan
// and the Replace copy so that both remove exactly the same things.

export const DEFAULT_MARKER_TAG = "hush-redacted";
/** RFC 2606 reserves `.invalid`: no address in it can ever receive mail. */
export const DEFAULT_EMAIL_DOMAIN = "anonymized.invalid";

export type TicketField = "subject" | "comments" | "customFields" | "tags" | "attachments" | "via";

export interface TicketRedactionSpec {
  /** What may be redacted; anything not named is kept as it is. */
  fields: readonly TicketField[];
  /** Which comments: by visibility and, when given, only those whose author has one of these roles. */
  comments: { visibility: "all" | "public" | "private"; authorRoles?: readonly UserRole[] };
  /** Custom fields that hold personal data (with `customFields` in `fields`). */
  customFieldIds?: readonly number[];
  /** Regular expressions; tags matching one are removed (with `tags` in `fields`). */
  tagPatterns?: readonly string[];
  /**
   * Which endpoint removes a file: `redact` the attachment redaction (open tickets only, 6.4),
   * `remove` the comment redaction with the file's URL (6.2). Zendesk leaves an empty redacted.txt
   * either way; closed tickets and inline images always take `remove`.
   */
  attachments: "redact" | "remove";
  masking: Masking;
  /** Detectors for Detected mode; `known` is filled per ticket from the people on it. */
  detection: DetectionOptions;
  closedTickets: "InPlace" | "Replace";
  markerTag: string;
}

export interface UserAnonymizationSpec {
  /** Only the replacement matters for users: names are always replaced whole. */
  masking: Masking;
  /** Replacement email addresses are made in this domain (default `anonymized.invalid`). */
  emailDomain: string;
  phones: "remove" | "replace";
  externalId: "clear" | "pseudonymize";
  /** Keys of user fields that hold personal data; they are cleared. */
  userFieldKeys?: readonly string[];
  /** The account's secret for pseudonyms of external ids (and nothing else). */
  pseudonymKey: string;
  markerTag: string;
}

/** Roles of comment authors; an author whose role is unknown counts as an end user. */
export type AuthorRoles = ReadonlyMap<number, UserRole>;

/** Whether the spec selects a comment for redaction. */
export const selectsComment = (spec: TicketRedactionSpec, comment: Comment, authors: AuthorRoles): boolean =>
  spec.fields.includes("comments") && inCommentSelection(spec, comment, authors);

/**
 * Whether the attachments of a comment are to be redacted: `attachments` is a field of its own,
 * so a policy may remove files and keep the text, within the same comment selection.
 */
export const selectsAttachmentsOf = (
  spec: TicketRedactionSpec,
  comment: Comment,
  authors: AuthorRoles,
): boolean => spec.fields.includes("attachments") && inCommentSelection(spec, comment, authors);

/** Whether a comment is within the policy's comment selection (visibility and author roles). */
function inCommentSelection(spec: TicketRedactionSpec, comment: Comment, authors: AuthorRoles): boolean {
  const { visibility, authorRoles } = spec.comments;
  if (visibility === "public" && !comment.public) return false;
  if (visibility === "private" && comment.public) return false;
  if (authorRoles && authorRoles.length > 0) {
    // Unknown authors (deleted users, users the caller could not read) are treated as the people
    // whose data this is: a privacy tool errs on the side of removing.
    const role = authors.get(comment.author_id) ?? "end-user";
    return authorRoles.includes(role);
  }
  return true;
}

/** Compiles tag patterns, naming the pattern (by position) that is not a regular expression. */
export function compileTagPatterns(patterns: readonly string[] = []): RegExp[] {
  return patterns.map((source, index) => {
    try {
      return new RegExp(source, "u");
    } catch {
      throw new Error(
        `tag pattern #${index + 1} is not a valid regular expression; write it in JavaScript syntax, e.g. "^order-"`,
      );
    }
  });
}

/** The tags a spec removes from `tags`. */
export function tagsToRemove(spec: TicketRedactionSpec, tags: readonly string[]): string[] {
  if (!spec.fields.includes("tags")) return [];
  const patterns = compileTagPatterns(spec.tagPatterns);
  return tags.filter((tag) => patterns.some((p) => p.test(tag)));
}

/** Counts findings per detector; every detector is present, with 0 where nothing was found. */
export function emptyFindingCounts(): Record<DetectorName, number> {
  return Object.fromEntries(DETECTOR_NAMES.map((n) => [n, 0])) as Record<DetectorName, number>;
}

export function addFindingCounts(counts: Record<DetectorName, number>, findings: readonly Finding[]): void {
  for (const f of findings) counts[f.detector] += 1;
}

/** Masks one text per the spec; adds what Detected mode found to `counts`. */
export function maskText(
  text: string,
  masking: Masking,
  detection: DetectionOptions,
  counts: Record<DetectorName, number>,
): string {
  if (masking.mode === "Full") return applyMasking(text, [], masking);
  const findings = detect(text, detection);
  addFindingCounts(counts, findings);
  return applyMasking(text, findings, masking);
}

/**
 * The masked value of one custom field. Text is masked; a number that is (or contains) personal
 * data cannot hold ▇ and is cleared; from a multi-select the options with personal data go;
 * booleans carry no personal data. A drop-down's value must be one of its options, so a policy
 * should name text fields only (Zendesk refuses other values with a 422).
 */
export function maskCustomFieldValue(
  value: CustomField["value"],
  masking: Masking,
  detection: DetectionOptions,
  counts: Record<DetectorName, number>,
): CustomField["value"] {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return maskText(value, masking, detection, counts);
  if (typeof value === "number") {
    if (masking.mode === "Full") return null;
    const findings = detect(String(value), detection);
    addFindingCounts(counts, findings);
    return findings.length > 0 ? null : value;
  }
  if (masking.mode === "Full") return [];
  return value.filter((option) => {
    const findings = detect(option, detection);
    addFindingCounts(counts, findings);
    return findings.length === 0;
  });
}

/** The custom fields the spec changes, with their masked values (only those that change). */
export function maskedCustomFields(
  spec: TicketRedactionSpec,
  fields: readonly CustomField[],
  detection: DetectionOptions,
  counts: Record<DetectorName, number>,
): CustomField[] {
  if (!spec.fields.includes("customFields") || !spec.customFieldIds?.length) return [];
  const wanted = new Set(spec.customFieldIds);
  const changed: CustomField[] = [];
  for (const field of fields) {
    if (!wanted.has(field.id)) continue;
    const masked = maskCustomFieldValue(field.value, spec.masking, detection, counts);
    if (JSON.stringify(masked) !== JSON.stringify(field.value)) changed.push({ id: field.id, value: masked });
  }
  return changed;
}
