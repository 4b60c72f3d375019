import type { Comment, Ticket, TicketImport } from "../zendesk/types.js";
import {
  type AuthorRoles,
  emptyFindingCounts,
  maskedCustomFields,
  maskText,
  selectsComment,
  type TicketRedactionSpec,
  tagsToRemove,
} from "./spec.js";
import { isLiveAttachment } from "./ticket-plan.js";
import type { DetectionOptions, DetectorName, KnownIdentifiers } from "./types.js";

// The Replace strategy for closed tickets: a redacted copy imported with the original's
// statistics (ZENDESK_API.md 5.4), after which the original is deleted. Here, unlike in place,
// Hush writes the comment text itself, so fixed replacement text and pseudonyms work in comments.
// The copy's external_id names its original, so a restart finds an existing copy instead of
// importing a second one, and an original is deleted only once its copy is found. An imported
// closed ticket with old dates is archived at once or soon (5.8), and List Tickets' external_id
// filter skips archived tickets (5.2): look a copy up by id or by search, not by that filter.

const LINK_PREFIX = "hush-replaces-";

/** The external_id of the copy that replaces ticket `originalId`. */
export const replacementExternalId = (originalId: number): string => `${LINK_PREFIX}${originalId}`;

/** The original's id for a copy's external_id, or null when the external_id is not such a link. */
export function originalIdOfCopy(externalId: string | null | undefined): number | null {
  if (!externalId?.startsWith(LINK_PREFIX)) return null;
  const id = externalId.slice(LINK_PREFIX.length);
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : null;
}

export interface TicketCopyInput {
  ticket: Ticket;
  comments: readonly Comment[];
  authors: AuthorRoles;
  known: KnownIdentifiers;
  spec: TicketRedactionSpec;
  /** The external_id linking the copy to its original; replacementExternalId unless given. */
  linkExternalId?: (originalId: number) => string;
}

export interface TicketCopyPlan {
  originalId: number;
  /** The body of POST /api/v2/imports/tickets (under `ticket`). */
  ticket: TicketImport;
  /** Attachments (inline images included) the copy does not carry. */
  droppedAttachments: number;
  findings: Record<DetectorName, number>;
  /** What of the original the copy cannot carry, and why (no personal data). */
  lost: { field: string; reason: string }[];
}

/** Plans the redacted copy of a closed ticket. */
export function planTicketCopy(input: TicketCopyInput): TicketCopyPlan {
  const { ticket, spec } = input;
  if (ticket.status !== "closed") {
    // A closed copy of a live ticket would end a conversation that is still going on.
    throw new Error(
      `ticket ${ticket.id} is ${ticket.status}; the Replace strategy applies to closed tickets only`,
    );
  }
  const detection: DetectionOptions = { ...spec.detection, known: input.known };
  const findings = emptyFindingCounts();

  const subject =
    spec.fields.includes("subject") && ticket.subject
      ? maskText(ticket.subject, spec.masking, detection, findings)
      : ticket.subject;
  const masked = new Map(
    maskedCustomFields(spec, ticket.custom_fields, detection, findings).map((f) => [f.id, f]),
  );
  const removed = tagsToRemove(spec, ticket.tags);
  const tags = [...new Set([...ticket.tags.filter((t) => !removed.includes(t)), spec.markerTag])];

  let droppedAttachments = 0;
  const comments = [...input.comments]
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id)
    .map((comment) => {
      const attachments = comment.attachments.filter(isLiveAttachment).length;
      droppedAttachments += attachments;
      let value = selectsComment(spec, comment, input.authors)
        ? maskText(comment.body, spec.masking, detection, findings)
        : comment.body;
      // The import drops comments without text, which would change the ticket's comment count.
      if (value.trim() === "") value = attachments > 0 ? "[attachments removed]" : "[empty comment]";
      return { author_id: comment.author_id, value, public: comment.public, created_at: comment.created_at };
    });

  const copy: TicketImport = {
    external_id: (input.linkExternalId ?? replacementExternalId)(ticket.id),
    subject,
    status: "closed",
    priority: ticket.priority,
    type: ticket.type,
    requester_id: ticket.requester_id,
    submitter_id: ticket.submitter_id,
    assignee_id: ticket.assignee_id,
    group_id: ticket.group_id,
    organization_id: ticket.organization_id,
    brand_id: ticket.brand_id,
    ticket_form_id: ticket.ticket_form_id,
    tags,
    custom_fields: ticket.custom_fields.map((f) => masked.get(f.id) ?? f),
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    // Ticket JSON usually has no solved_at (it lives in ticket metrics), and the import refuses a
    // null time: without one, Zendesk takes the update time (ZENDESK_API.md 5.4).
    ...(ticket.solved_at ? { solved_at: ticket.solved_at } : {}),
    comments,
  };
  return {
    originalId: ticket.id,
    ticket: copy,
    droppedAttachments,
    findings,
    lost: lostFields(ticket, droppedAttachments),
  };
}

function lostFields(ticket: Ticket, droppedAttachments: number): TicketCopyPlan["lost"] {
  const lost: TicketCopyPlan["lost"] = [];
  if (droppedAttachments > 0) {
    lost.push({
      field: "attachments",
      reason: `${droppedAttachments} attachment(s) are not copied: the import API takes uploads only, and Hush does not re-upload files`,
    });
  }
  if (ticket.external_id) {
    lost.push({ field: "external_id", reason: "the copy's external_id links it to its original" });
  }
  if (ticket.satisfaction_rating) {
    lost.push({ field: "satisfaction_rating", reason: "the import API cannot set a satisfaction rating" });
  }
  if (ticket.collaborator_ids.length > 0 || (ticket.follower_ids?.length ?? 0) > 0) {
    lost.push({
      field: "collaborators",
      reason: "CCs and followers are not imported (they are people on the ticket)",
    });
  }
  lost.push({
    field: "via",
    reason:
      "the copy's channel is the import; the original's via, comment metadata, audits and metrics stay with the original",
  });
  return lost;
}
