// Zendesk's JSON records as the client reads them (ZENDESK_API.md sections 5-9). Only the fields
// Hush reads or writes are typed; Zendesk adds fields over time and the client keeps them.

export type TicketStatus = "new" | "open" | "pending" | "hold" | "solved" | "closed" | "deleted";
export type UserRole = "end-user" | "agent" | "admin";

export interface Via {
  channel: string;
  source?: { from?: Record<string, unknown>; to?: Record<string, unknown>; rel?: string | null };
}

export interface CustomField {
  id: number;
  value: string | number | boolean | string[] | null;
}

export interface Ticket {
  id: number;
  url?: string;
  external_id: string | null;
  subject: string | null;
  raw_subject?: string | null;
  description?: string | null;
  status: TicketStatus;
  priority: string | null;
  type: string | null;
  requester_id: number;
  submitter_id: number | null;
  assignee_id: number | null;
  group_id: number | null;
  organization_id: number | null;
  brand_id: number | null;
  ticket_form_id: number | null;
  collaborator_ids: number[];
  follower_ids?: number[];
  email_cc_ids?: number[];
  tags: string[];
  custom_fields: CustomField[];
  via?: Via;
  satisfaction_rating?: { score: string; comment?: string } | null;
  created_at: string;
  updated_at: string;
  /** Not in Zendesk's ticket JSON for every account; Hush reads it where present. */
  solved_at?: string | null;
  generated_timestamp?: number;
  [extra: string]: unknown;
}

export interface Attachment {
  id: number;
  file_name: string;
  content_url: string;
  content_type: string;
  size: number;
  inline: boolean;
  deleted?: boolean;
  [extra: string]: unknown;
}

export interface Comment {
  id: number;
  type: "Comment" | "VoiceComment" | string;
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
  audit_id?: number;
  attachments: Attachment[];
  via?: Via;
  metadata?: { system?: Record<string, unknown>; via?: Via; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface User {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  alias: string | null;
  details: string | null;
  notes: string | null;
  signature: string | null;
  external_id: string | null;
  role: UserRole;
  active: boolean;
  suspended?: boolean;
  verified?: boolean;
  organization_id: number | null;
  tags: string[];
  user_fields: Record<string, string | number | boolean | null>;
  photo: { id: number; content_url: string; [extra: string]: unknown } | null;
  locale?: string;
  time_zone?: string;
  created_at: string;
  updated_at: string;
  [extra: string]: unknown;
}

export type IdentityType =
  | "email"
  | "twitter"
  | "facebook"
  | "google"
  | "phone_number"
  | "agent_forwarding"
  | "any_channel"
  | "foreign"
  | "sdk"
  | "messaging"
  | string;

export interface Identity {
  id: number;
  user_id: number;
  type: IdentityType;
  value: string;
  primary: boolean;
  verified: boolean;
  [extra: string]: unknown;
}

export type JobState = "queued" | "working" | "failed" | "completed" | "killed";

export interface JobResult {
  /** A number, or the raw key asked for (a string) where a bulk user job reports a missing user. */
  id?: number | string;
  index?: number;
  action?: string;
  success?: boolean;
  status?: string;
  error?: string;
  details?: string;
  [extra: string]: unknown;
}

export interface JobStatus {
  id: string;
  job_type?: string;
  url?: string;
  total: number | null;
  progress: number | null;
  status: JobState;
  message: string | null;
  /** An array for most jobs; an object `{success}` for permanent ticket deletion (ZENDESK_API.md 7). */
  results: JobResult[] | { success?: boolean; [extra: string]: unknown } | null;
}

/** A ticket for `POST /api/v2/imports/tickets` (ZENDESK_API.md 5.4). */
export interface TicketImport {
  external_id?: string | null;
  subject?: string | null;
  status: TicketStatus;
  priority?: string | null;
  type?: string | null;
  requester_id: number;
  submitter_id?: number | null;
  assignee_id?: number | null;
  group_id?: number | null;
  organization_id?: number | null;
  brand_id?: number | null;
  ticket_form_id?: number | null;
  tags?: string[];
  custom_fields?: CustomField[];
  created_at?: string;
  updated_at?: string;
  solved_at?: string | null;
  comments: { author_id: number; value?: string; html_body?: string; public: boolean; created_at?: string }[];
}
