import type { TicketRedactionSpec } from "../../src/redaction/spec.js";
import type { Attachment, Comment, Ticket } from "../../src/zendesk/types.js";

// Zendesk-shaped records for plan tests, built by hand (ZENDESK_API.md 5.1, 6.1).

export const REQUESTER = 1;
export const AGENT = 9;

export function ticket(fields: Partial<Ticket> = {}): Ticket {
  return {
    id: 101,
    external_id: null,
    subject: "Refund for order 4411",
    status: "open",
    priority: "normal",
    type: "question",
    requester_id: REQUESTER,
    submitter_id: REQUESTER,
    assignee_id: AGENT,
    group_id: 5,
    organization_id: 7,
    brand_id: 3,
    ticket_form_id: 2,
    collaborator_ids: [],
    tags: ["refund", "vip"],
    custom_fields: [],
    created_at: "2024-01-02T10:00:00Z",
    updated_at: "2024-01-05T10:00:00Z",
    solved_at: "2024-01-04T10:00:00Z",
    ...fields,
  };
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A comment whose html_body is Zendesk's rendering of its plain body. */
export function comment(id: number, body: string, fields: Partial<Comment> = {}): Comment {
  return {
    id,
    type: "Comment",
    author_id: REQUESTER,
    body,
    html_body: `<div class="zd-comment" dir="auto"><p>${escapeHtml(body).replace(/\n/g, "<br>")}</p></div>`,
    plain_body: body,
    public: true,
    created_at: `2024-01-0${Math.min(9, id % 10)}T12:00:00Z`,
    attachments: [],
    ...fields,
  };
}

export function attachment(id: number, fields: Partial<Attachment> = {}): Attachment {
  return {
    id,
    file_name: "passport.pdf",
    content_url: `https://acme.zendesk.com/attachments/token/att${id}/?name=passport.pdf`,
    content_type: "application/pdf",
    size: 2048,
    inline: false,
    ...fields,
  };
}

export function spec(fields: Partial<TicketRedactionSpec> = {}): TicketRedactionSpec {
  return {
    fields: ["subject", "comments", "customFields", "tags", "attachments"],
    comments: { visibility: "all" },
    customFieldIds: [],
    tagPatterns: [],
    attachments: "remove",
    masking: { mode: "Detected", replacement: { kind: "blocks" } },
    detection: { detectors: ["email", "phone", "knownIdentifiers"], region: "DK" },
    closedTickets: "InPlace",
    markerTag: "hush-redacted",
    ...fields,
  };
}

export const known = { names: ["Anna Berg"], emails: ["anna@example.com"], phones: ["+4523456789"] };
export const noAuthors = new Map<number, "end-user" | "agent" | "admin">();
