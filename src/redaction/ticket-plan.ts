import type { Attachment, Comment, CustomField, Ticket, Via } from "../zendesk/types.js";
import { detect } from "./detect.js";
import { fullModeRanges, type HtmlElement, readHtmlText, redactMarkup } from "./html.js";
import type { Span } from "./mask.js";
import {
  type AuthorRoles,
  addFindingCounts,
  emptyFindingCounts,
  maskedCustomFields,
  maskText,
  selectsAttachmentsOf,
  selectsComment,
  type TicketRedactionSpec,
  tagsToRemove,
} from "./spec.js";
import type { DetectionOptions, DetectorName, KnownIdentifiers } from "./types.js";

// What to change on one ticket to remove the personal data a policy names, as data for the
// executor: a ticket update (subject, custom fields, tags) and comment redactions. Open tickets
// change in place. A closed ticket refuses every update (ZENDESK_API.md 5.7), so with InPlace
// only comment_redactions run and each field that would have changed is reported in
// `unchangeable`; with Replace the executor imports a redacted copy instead (ticket-copy.ts).

export interface TicketRedactionInput {
  ticket: Ticket;
  /** All comments of the ticket, listed with include_inline_images=true (ZENDESK_API.md 6.1). */
  comments: readonly Comment[];
  /** Roles of comment authors, for `comments.authorRoles`. */
  authors: AuthorRoles;
  /** The requester's, CCs' and followers' names, emails and phones. */
  known: KnownIdentifiers;
  spec: TicketRedactionSpec;
}

export interface CommentRedaction {
  commentId: number;
  /** The html_body with `<redact>` markup; absent when only attachments go. */
  htmlBody?: string;
  /** content_urls of attachments to remove (external_attachment_urls). */
  attachmentUrls: string[];
}

/** A legacy attachment redaction: the file becomes an empty redacted.txt (open tickets only, 6.4). */
export interface AttachmentRedaction {
  commentId: number;
  attachmentId: number;
}

export type PlanField = "subject" | "customFields" | "tags" | "markerTag" | "via";

export interface TicketRedactionPlan {
  ticketId: number;
  /** Replace: a closed ticket whose policy asks for a redacted copy; nothing is changed in place. */
  strategy: "InPlace" | "Replace";
  ticketUpdate?: { subject?: string; custom_fields?: CustomField[]; tags?: string[] };
  commentRedactions: CommentRedaction[];
  attachmentRedactions: AttachmentRedaction[];
  /** What the policy asks to change but Zendesk will not let anyone change here, and why. */
  unchangeable: { field: PlanField; reason: string }[];
  /** Facts about how the plan is carried out that a user should know (no personal data). */
  notes: string[];
  /** Items found by the detectors (Detected mode), per detector. */
  findings: Record<DetectorName, number>;
  /** True when there is something to do: a change in place, or (Replace) a copy to make. */
  changesSomething: boolean;
}

const CLOSED_REASON =
  "Zendesk refuses any update of a closed ticket (ZENDESK_API.md 5.7); the Replace strategy removes it";

/** Plans the redaction of one ticket. */
export function planTicketRedaction(input: TicketRedactionInput): TicketRedactionPlan {
  const { ticket, spec } = input;
  const closed = ticket.status === "closed";
  const strategy = closed && spec.closedTickets === "Replace" ? "Replace" : "InPlace";
  const detection: DetectionOptions = { ...spec.detection, known: input.known };
  const findings = emptyFindingCounts();

  const subject =
    spec.fields.includes("subject") && ticket.subject
      ? maskText(ticket.subject, spec.masking, detection, findings)
      : ticket.subject;
  const subjectChanged = subject !== ticket.subject && subject !== null;
  const customFields = maskedCustomFields(spec, ticket.custom_fields, detection, findings);
  const removedTags = tagsToRemove(spec, ticket.tags);

  const commentRedactions: CommentRedaction[] = [];
  const attachmentRedactions: AttachmentRedaction[] = [];
  for (const comment of input.comments) {
    const selected = {
      text: selectsComment(spec, comment, input.authors),
      attachments: selectsAttachmentsOf(spec, comment, input.authors),
    };
    if (!selected.text && !selected.attachments) continue;
    const planned = planComment(comment, selected, spec, detection, closed, findings);
    if (planned.redaction) commentRedactions.push(planned.redaction);
    attachmentRedactions.push(...planned.attachmentRedactions);
  }
  const personalVia = spec.fields.includes("via") && hasPersonalVia(ticket, input.comments);

  const plan: TicketRedactionPlan = {
    ticketId: ticket.id,
    strategy,
    commentRedactions,
    attachmentRedactions,
    unchangeable: [],
    notes: [],
    findings,
    changesSomething: false,
  };
  const fieldChanges = subjectChanged || customFields.length > 0 || removedTags.length > 0;
  const commentChanges = commentRedactions.length > 0 || attachmentRedactions.length > 0;

  if (strategy === "Replace") {
    plan.commentRedactions = [];
    plan.attachmentRedactions = [];
    plan.changesSomething = fieldChanges || commentChanges || personalVia;
    return plan;
  }
  if (personalVia) {
    plan.unchangeable.push({
      field: "via",
      reason:
        "Zendesk has no API to change the via or metadata (sender addresses, names, IP address, location) of a ticket or its comments; the Replace strategy or deleting the ticket removes them",
    });
  }
  if (closed) {
    if (subjectChanged) plan.unchangeable.push({ field: "subject", reason: CLOSED_REASON });
    if (customFields.length > 0) plan.unchangeable.push({ field: "customFields", reason: CLOSED_REASON });
    if (removedTags.length > 0) plan.unchangeable.push({ field: "tags", reason: CLOSED_REASON });
    if (commentChanges && !ticket.tags.includes(spec.markerTag)) {
      plan.unchangeable.push({
        field: "markerTag",
        reason:
          "Zendesk refuses any update of a closed ticket (ZENDESK_API.md 5.7), so the marker tag cannot be added; Zendesk adds its own redacted_content tag to a redacted ticket (6.6)",
      });
    }
    plan.changesSomething = commentChanges;
  } else {
    const changes = fieldChanges || commentChanges;
    const update: NonNullable<TicketRedactionPlan["ticketUpdate"]> = {};
    if (subjectChanged) update.subject = subject;
    if (customFields.length > 0) update.custom_fields = customFields;
    if (changes && (removedTags.length > 0 || !ticket.tags.includes(spec.markerTag))) {
      const kept = ticket.tags.filter((t) => !removedTags.includes(t));
      update.tags = kept.includes(spec.markerTag) ? kept : [...kept, spec.markerTag];
    }
    if (Object.keys(update).length > 0) plan.ticketUpdate = update;
    plan.changesSomething = changes;
  }
  if (commentRedactions.some((c) => c.htmlBody !== undefined) && spec.masking.replacement.kind !== "blocks") {
    plan.notes.push(
      "Zendesk writes ▇ for redacted comment text whatever the policy's replacement (ZENDESK_API.md 6.2, 6.6); the fixed text or pseudonym applies to the subject and custom fields only, or to comments with the Replace strategy",
    );
  }
  if (closed && spec.attachments === "redact" && commentRedactions.some((c) => c.attachmentUrls.length > 0)) {
    plan.notes.push(
      "Attachments of a closed ticket are removed through comment_redactions: the attachment redact endpoint refuses closed tickets (ZENDESK_API.md 6.4)",
    );
  }
  return plan;
}

/** A file that is still there: not deleted and not already replaced by Zendesk's redacted.txt. */
export const isLiveAttachment = (a: Attachment): boolean =>
  a.deleted !== true && !(a.file_name === "redacted.txt" && a.size === 0);

function planComment(
  comment: Comment,
  selected: { text: boolean; attachments: boolean },
  spec: TicketRedactionSpec,
  detection: DetectionOptions,
  closed: boolean,
  findings: Record<DetectorName, number>,
): { redaction?: CommentRedaction; attachmentRedactions: AttachmentRedaction[] } {
  const attachmentUrls: string[] = [];
  const attachmentRedactions: AttachmentRedaction[] = [];
  const imageUrls = new Set<string>();
  if (selected.attachments) {
    for (const attachment of comment.attachments.filter(isLiveAttachment)) {
      // Inline images go with their <img> through comment_redactions; the legacy attachment
      // redact endpoint works only on open tickets (6.4).
      if (attachment.inline || closed || spec.attachments === "remove") {
        attachmentUrls.push(attachment.content_url);
        imageUrls.add(attachment.content_url);
        if (typeof attachment["mapped_content_url"] === "string")
          imageUrls.add(attachment["mapped_content_url"]);
      } else {
        attachmentRedactions.push({ commentId: comment.id, attachmentId: attachment.id });
      }
    }
  }

  const html = comment.html_body ?? "";
  const parsed = readHtmlText(html);
  let ranges: Span[];
  if (!selected.text) ranges = [];
  else if (spec.masking.mode === "Full") ranges = fullModeRanges(parsed.text);
  else {
    const found = detect(parsed.text, detection);
    addFindingCounts(findings, found);
    ranges = found;
  }
  const removeElement = (element: HtmlElement): boolean => {
    if (element.name === "img" && imageUrls.has(element.attributes["src"] ?? "")) return true;
    if (!selected.text) return false;
    if (spec.masking.mode === "Full" && element.name === "a") return true;
    return attributesHold(element, detection, findings);
  };
  const markup = redactMarkup(parsed, { ranges, removeElement });
  if (!markup.changed && attachmentUrls.length === 0) return { attachmentRedactions };
  const redaction: CommentRedaction = { commentId: comment.id, attachmentUrls };
  if (markup.changed) redaction.htmlBody = markup.html;
  return { redaction, attachmentRedactions };
}

/** Whether an element's attributes (a mailto: link, an image's alt text) hold personal data. */
function attributesHold(
  element: HtmlElement,
  detection: DetectionOptions,
  findings: Record<DetectorName, number>,
): boolean {
  let found = false;
  for (const [name, value] of Object.entries(element.attributes)) {
    if (value === "" || name === "class" || name === "dir") continue;
    const inValue = detect(value, detection);
    addFindingCounts(findings, inValue);
    if (inValue.length > 0) found = true;
  }
  return found;
}

const PERSONAL_VIA_KEYS = ["address", "email", "name", "phone", "formatted_phone", "username", "profile_url"];
const PERSONAL_METADATA_KEYS = ["ip_address", "location", "latitude", "longitude"];

const hasValue = (record: Record<string, unknown> | undefined, keys: readonly string[]): boolean =>
  record !== undefined && keys.some((k) => record[k] !== undefined && record[k] !== null && record[k] !== "");

const viaHolds = (via: Via | undefined): boolean =>
  hasValue(via?.source?.from, PERSONAL_VIA_KEYS) || hasValue(via?.source?.to, PERSONAL_VIA_KEYS);

/** Whether the ticket's or a comment's via or metadata names a sender, recipient, IP or place. */
export function hasPersonalVia(ticket: Ticket, comments: readonly Comment[]): boolean {
  if (viaHolds(ticket.via)) return true;
  return comments.some(
    (c) =>
      viaHolds(c.via) || viaHolds(c.metadata?.via) || hasValue(c.metadata?.system, PERSONAL_METADATA_KEYS),
  );
}
