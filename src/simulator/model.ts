// The simulator's records. Field names follow Zendesk's JSON so that serialisation stays a thin
// layer (see serialize.ts); times are epoch milliseconds of the simulator's clock.

export type TicketStatus = "new" | "open" | "pending" | "hold" | "solved" | "closed";
export const TICKET_STATUSES: readonly TicketStatus[] = [
  "new",
  "open",
  "pending",
  "hold",
  "solved",
  "closed",
];

export type Role = "end-user" | "agent" | "admin";
export type Plan = "team" | "growth" | "professional" | "enterprise" | "enterprise_plus" | "high_volume";

export interface Via {
  channel: string; // "email" | "web" | "api" | "mobile" | ...
  source: { from: Record<string, unknown>; to: Record<string, unknown>; rel: string | null };
}

export interface CustomFieldValue {
  id: number;
  value: string | number | boolean | null;
}

export interface Ticket {
  id: number;
  external_id: string | null;
  subject: string;
  status: TicketStatus;
  priority: "urgent" | "high" | "normal" | "low" | null;
  type: "problem" | "incident" | "question" | "task" | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  group_id: number | null;
  organization_id: number | null;
  brand_id: number;
  ticket_form_id: number | null;
  collaborator_ids: number[];
  follower_ids: number[];
  email_cc_ids: number[];
  tags: string[];
  custom_fields: CustomFieldValue[];
  via: Via;
  created_at: number;
  updated_at: number;
  solved_at: number | null;
  /** When the ticket reached `closed`; archiving counts from here. */
  closed_at: number | null;
  /** Unix seconds; bumps on every change, including system changes (incremental exports compare against it). */
  generated_timestamp: number;
  /** Imported with `archive_immediately=true`: archived at once instead of 120 days after closing. */
  archive_immediately: boolean;
  satisfaction_rating: { score: "unoffered" | "offered" | "good" | "bad"; comment?: string } | null;
  comment_count: number;
  /** The change counter used for `safe_update` conflicts besides `updated_at`. */
  version: number;
}

export interface AttachmentRecord {
  id: number;
  file_name: string;
  content_type: string;
  /** Text content for text attachments; null for binary ones (their size is still reported). */
  content: string | null;
  size: number;
  inline: boolean;
  deleted: boolean;
}

export interface CommentRecord {
  id: number;
  type: "Comment" | "VoiceComment";
  author_id: number;
  /** Plain-text body; html_body is derived from it unless a rich body was stored. */
  body: string;
  html_body: string | null;
  public: boolean;
  created_at: number;
  audit_id: number;
  attachments: AttachmentRecord[];
  via: Via;
  metadata: {
    system: {
      client?: string;
      ip_address?: string;
      location?: string;
      latitude?: number;
      longitude?: number;
    };
    custom: Record<string, unknown>;
  };
}

export interface AuditEvent {
  id: number;
  type: string; // "Comment" | "Change" | "Create" | "CommentRedactionEvent" | "AttachmentRedactionEvent" | ...
  [key: string]: unknown;
}

export interface Audit {
  id: number;
  ticket_id: number;
  author_id: number;
  created_at: number;
  via: Via;
  events: AuditEvent[];
}

export interface Identity {
  id: number;
  user_id: number;
  type: "email" | "phone_number" | "twitter" | "facebook" | "google" | "messaging";
  value: string;
  primary: boolean;
  verified: boolean;
  created_at: number;
  updated_at: number;
}

export interface User {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  alias: string | null;
  details: string | null;
  notes: string | null;
  external_id: string | null;
  organization_id: number | null;
  role: Role;
  /** Agents only: the "agents can delete tickets" permission (and redaction, which Zendesk ties to it). */
  can_delete_tickets: boolean;
  tags: string[];
  user_fields: Record<string, string | number | boolean | null>;
  photo: AttachmentRecord | null;
  locale: string;
  time_zone: string;
  signature: string | null;
  suspended: boolean;
  verified: boolean;
  active: boolean;
  last_login_at: number | null;
  created_at: number;
  updated_at: number;
  /** Soft-deletion time; null while the user is active. */
  deleted_at: number | null;
  /** Permanent deletion time; the record then keeps only its skeleton. */
  permanently_deleted_at: number | null;
}

export interface Organization {
  id: number;
  name: string;
  domain_names: string[];
  created_at: number;
  updated_at: number;
}

export interface Brand {
  id: number;
  name: string;
  subdomain: string;
}

export interface Group {
  id: number;
  name: string;
}

export interface TicketField {
  id: number;
  type: "text" | "textarea" | "integer" | "decimal" | "checkbox" | "tagger" | "date" | "regexp";
  title: string;
  /** True for fields the seed fills with personal data (so tests know what must be redacted). */
  personal: boolean;
}

/** A soft-deleted ticket: the full record stays until it is scrubbed (permanently deleted). */
export interface DeletedTicket {
  ticket: Ticket;
  deleted_at: number;
  previous_state: TicketStatus;
  actor_id: number;
  /** Set when permanently deleted: only Zendesk's reporting skeleton remains. */
  scrubbed_at: number | null;
}

export type JobStatusState = "queued" | "working" | "completed" | "failed";

export interface JobItemResult {
  [key: string]: unknown;
}

export interface JobRecord {
  id: string;
  job_type: string;
  account: string;
  total: number;
  progress: number;
  status: JobStatusState;
  message: string | null;
  results: JobItemResult[] | { success: boolean } | null;
  created_at: number;
  /** Earliest clock time at which the job may start (queueing delay plus any injected slowness). */
  start_at: number;
  /** Milliseconds the job takes per item once working. */
  ms_per_item: number;
  /** Runs one item; returns its result entry. Executed lazily as the clock passes. */
  runItem: (index: number) => JobItemResult;
  /** Per-item results gathered so far. */
  perItem?: JobItemResult[];
  /** For all-or-nothing jobs (permanent deletion), the result object replaces per-item results. */
  summarize?: (results: JobItemResult[]) => JobRecord["results"];
}
