import type { Account } from "./account.js";
import { isoTime } from "./clock.js";
import type { AttachmentRecord, CommentRecord, Identity, Organization, Ticket, User } from "./model.js";

const time = (ms: number | null): string | null => (ms === null ? null : isoTime(ms));

export function ticketJson(account: Account, ticket: Ticket, baseUrl: string): Record<string, unknown> {
  const comments = account.comments(ticket);
  return {
    url: `${baseUrl}/api/v2/tickets/${ticket.id}.json`,
    id: ticket.id,
    external_id: ticket.external_id,
    via: ticket.via,
    created_at: isoTime(ticket.created_at),
    updated_at: isoTime(ticket.updated_at),
    generated_timestamp: ticket.generated_timestamp,
    type: ticket.type,
    subject: ticket.subject,
    raw_subject: ticket.subject,
    description: comments[0]?.body ?? "",
    priority: ticket.priority,
    status: ticket.status,
    recipient: null,
    requester_id: ticket.requester_id,
    submitter_id: ticket.submitter_id,
    assignee_id: ticket.assignee_id,
    organization_id: ticket.organization_id,
    group_id: ticket.group_id,
    collaborator_ids: ticket.collaborator_ids,
    follower_ids: ticket.follower_ids,
    email_cc_ids: ticket.email_cc_ids,
    forum_topic_id: null,
    problem_id: null,
    has_incidents: false,
    is_public: comments.length === 0 || comments.some((c) => c.public),
    due_at: null,
    tags: ticket.tags,
    custom_fields: ticket.custom_fields,
    fields: ticket.custom_fields,
    satisfaction_rating: ticket.satisfaction_rating,
    sharing_agreement_ids: [],
    custom_status_id: null,
    followup_ids: [],
    ticket_form_id: ticket.ticket_form_id,
    brand_id: ticket.brand_id,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
  };
}

export function attachmentJson(a: AttachmentRecord, baseUrl: string): Record<string, unknown> {
  const contentUrl = `${baseUrl}/attachments/token/att${a.id}/?name=${encodeURIComponent(a.file_name)}`;
  return {
    url: `${baseUrl}/api/v2/attachments/${a.id}.json`,
    id: a.id,
    file_name: a.file_name,
    content_url: contentUrl,
    mapped_content_url: contentUrl,
    content_type: a.content_type,
    size: a.size,
    width: null,
    height: null,
    inline: a.inline,
    deleted: a.deleted,
    malware_access_override: false,
    malware_scan_result: "malware_not_found",
    thumbnails: [],
  };
}

/** Escapes text for HTML content and attribute values, as Zendesk renders comment text. */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Zendesk's rendering of a plain-text comment: paragraphs inside a `zd-comment` div. */
export function htmlFromPlain(body: string): string {
  const paragraphs = body
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
  return `<div class="zd-comment" dir="auto">${paragraphs}</div>`;
}

export function commentJson(comment: CommentRecord, baseUrl: string): Record<string, unknown> {
  return {
    id: comment.id,
    type: comment.type,
    author_id: comment.author_id,
    body: comment.body,
    html_body: comment.html_body ?? htmlFromPlain(comment.body),
    plain_body: comment.body,
    public: comment.public,
    attachments: comment.attachments.map((a) => attachmentJson(a, baseUrl)),
    audit_id: comment.audit_id,
    via: comment.via,
    created_at: isoTime(comment.created_at),
    metadata: comment.metadata,
  };
}

export function userJson(user: User, baseUrl: string): Record<string, unknown> {
  return {
    id: user.id,
    url: `${baseUrl}/api/v2/users/${user.id}.json`,
    name: user.name,
    email: user.email,
    created_at: isoTime(user.created_at),
    updated_at: isoTime(user.updated_at),
    time_zone: user.time_zone,
    iana_time_zone: user.time_zone,
    phone: user.phone,
    shared_phone_number: null,
    photo: user.photo ? attachmentJson(user.photo, baseUrl) : null,
    locale_id: 1,
    locale: user.locale,
    organization_id: user.organization_id,
    role: user.role,
    verified: user.verified,
    external_id: user.external_id,
    tags: user.tags,
    alias: user.alias,
    active: user.active,
    shared: false,
    shared_agent: false,
    last_login_at: time(user.last_login_at),
    two_factor_auth_enabled: false,
    signature: user.signature,
    details: user.details,
    notes: user.notes,
    role_type: null,
    custom_role_id: null,
    moderator: user.role === "admin",
    ticket_restriction: user.role === "end-user" ? "requested" : null,
    only_private_comments: false,
    restricted_agent: false,
    suspended: user.suspended,
    default_group_id: null,
    report_csv: false,
    user_fields: user.user_fields,
  };
}

export function identityJson(identity: Identity, baseUrl: string): Record<string, unknown> {
  return {
    url: `${baseUrl}/api/v2/users/${identity.user_id}/identities/${identity.id}.json`,
    id: identity.id,
    user_id: identity.user_id,
    type: identity.type,
    value: identity.value,
    verified: identity.verified,
    primary: identity.primary,
    created_at: isoTime(identity.created_at),
    updated_at: isoTime(identity.updated_at),
    undeliverable_count: 0,
    deliverable_state: "deliverable",
  };
}

export function organizationJson(org: Organization, baseUrl: string): Record<string, unknown> {
  return {
    url: `${baseUrl}/api/v2/organizations/${org.id}.json`,
    id: org.id,
    name: org.name,
    domain_names: org.domain_names,
    created_at: isoTime(org.created_at),
    updated_at: isoTime(org.updated_at),
    tags: [],
    organization_fields: {},
  };
}
