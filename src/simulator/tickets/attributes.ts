import type { Account } from "../account.js";
import { recordInvalid } from "../errors.js";
import { TICKET_STATUSES, type Ticket, type TicketStatus, type User } from "../model.js";

// Parsing and validation of the writable ticket attributes shared by create, update and import.

/** Keys Zendesk drops from ticket bodies with an X-Zendesk-API-Warn header (ZENDESK_API.md 1.1, 5.1). */
export const READ_ONLY_TICKET_KEYS = [
  "id",
  "url",
  "created_at",
  "updated_at",
  "generated_timestamp",
  "description",
  "raw_subject",
  "is_public",
  "has_incidents",
  "comment_count",
  "satisfaction_rating",
  "sharing_agreement_ids",
  "followup_ids",
  "from_messaging_channel",
  "allow_channelback",
  "allow_attachments",
] as const;

/** The import API may set the timestamps (5.4). */
export const READ_ONLY_IMPORT_KEYS = READ_ONLY_TICKET_KEYS.filter(
  (k) => k !== "created_at" && k !== "updated_at" && k !== "description",
);

const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
const TYPES = ["problem", "incident", "question", "task"] as const;

/** Zendesk tags are lowercase single words: a value with spaces becomes several tags (guess, 5.5). */
export function normalizeTags(value: unknown): string[] {
  const raw = typeof value === "string" ? [value] : Array.isArray(value) ? value : null;
  if (raw === null) throw recordInvalid({ tags: ["Tags: must be a list of strings"] });
  const tags = raw.flatMap((t) => String(t).toLowerCase().trim().split(/\s+/).filter(Boolean));
  return [...new Set(tags)];
}

function enumValue<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | null {
  if (value === null || value === "") return null;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  const label = field[0]!.toUpperCase() + field.slice(1);
  throw recordInvalid({ [field]: [`${label}: ${String(value)} is not valid`] });
}

export function parseStatus(value: unknown): TicketStatus {
  const status = enumValue("status", value, TICKET_STATUSES);
  if (status === null) throw recordInvalid({ status: ["Status: cannot be blank"] });
  return status;
}

function idOrNull(field: string, value: unknown): number | null {
  if (value === null) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw recordInvalid({ [field]: [`${field}: is invalid`] });
  return n;
}

/** An active user by id, or a 422 naming the field. */
export function existingUser(account: Account, field: string, value: unknown): User {
  const id = idOrNull(field, value);
  const user = id === null ? undefined : account.activeUser(id);
  if (!user) throw recordInvalid({ [field]: [`${field}: is invalid`] });
  return user;
}

function assignee(account: Account, value: unknown): number | null {
  if (value === null) return null;
  const user = existingUser(account, "assignee_id", value);
  if (user.role === "end-user") throw recordInvalid({ assignee_id: ["Assignee: is not an agent"] });
  return user.id;
}

/** Merges `custom_fields` (or its alias `fields`) by field id (5.5). */
function mergeCustomFields(current: Ticket["custom_fields"], value: unknown): Ticket["custom_fields"] {
  if (!Array.isArray(value)) throw recordInvalid({ custom_fields: ["Custom fields: must be a list"] });
  const merged = current.map((f) => ({ ...f }));
  for (const entry of value as { id?: unknown; value?: unknown }[]) {
    const id = Number(entry?.id);
    if (!Number.isInteger(id) || id <= 0)
      throw recordInvalid({ custom_fields: ["Custom fields: id missing"] });
    const v = entry.value;
    const fieldValue =
      v === undefined ||
      v === null ||
      typeof v === "string" ||
      typeof v === "number" ||
      typeof v === "boolean"
        ? (v ?? null)
        : JSON.stringify(v);
    const existing = merged.find((f) => f.id === id);
    if (existing) existing.value = fieldValue;
    else merged.push({ id, value: fieldValue });
  }
  return merged;
}

/**
 * Applies the plain writable attributes to a draft ticket, validating each (422 RecordInvalid).
 * Status timestamps are the caller's job; comments are handled separately.
 */
export function applyFields(account: Account, draft: Ticket, attrs: Record<string, unknown>): void {
  const has = (key: string) => attrs[key] !== undefined;
  if (has("subject")) draft.subject = attrs["subject"] === null ? "" : String(attrs["subject"]);
  if (has("priority")) draft.priority = enumValue("priority", attrs["priority"], PRIORITIES);
  if (has("type")) draft.type = enumValue("type", attrs["type"], TYPES);
  if (has("requester_id"))
    draft.requester_id = existingUser(account, "requester_id", attrs["requester_id"]).id;
  if (has("submitter_id"))
    draft.submitter_id = existingUser(account, "submitter_id", attrs["submitter_id"]).id;
  if (has("assignee_id")) draft.assignee_id = assignee(account, attrs["assignee_id"]);
  if (has("group_id")) draft.group_id = idOrNull("group_id", attrs["group_id"]);
  if (has("organization_id")) draft.organization_id = idOrNull("organization_id", attrs["organization_id"]);
  if (has("brand_id")) draft.brand_id = idOrNull("brand_id", attrs["brand_id"]) ?? draft.brand_id;
  if (has("ticket_form_id")) draft.ticket_form_id = idOrNull("ticket_form_id", attrs["ticket_form_id"]);
  if (has("external_id"))
    draft.external_id = attrs["external_id"] === null ? null : String(attrs["external_id"]);
  if (has("tags")) draft.tags = normalizeTags(attrs["tags"]);
  if (has("additional_tags"))
    draft.tags = [...new Set([...draft.tags, ...normalizeTags(attrs["additional_tags"])])];
  if (has("remove_tags")) {
    const removed = new Set(normalizeTags(attrs["remove_tags"]));
    draft.tags = draft.tags.filter((t) => !removed.has(t));
  }
  const fields = attrs["custom_fields"] ?? attrs["fields"];
  if (fields !== undefined) draft.custom_fields = mergeCustomFields(draft.custom_fields, fields);
  if (has("status")) {
    const status = parseStatus(attrs["status"]);
    // A ticket cannot go back to New once it has left it (guess; Zendesk refuses it in the UI).
    if (status === "new" && draft.status !== "new")
      throw recordInvalid({ status: ["Status: new is not valid for this ticket"] });
    draft.status = status;
  }
  // Zendesk opens a New ticket as soon as it has an assignee.
  if (draft.status === "new" && draft.assignee_id !== null && !has("status")) draft.status = "open";
}

/** Sets solved_at / closed_at for a status change made at `now`. */
export function stampStatus(draft: Ticket, previous: TicketStatus | null, now: number): void {
  if (draft.status === previous) return;
  if (draft.status === "solved") draft.solved_at = now;
  else if (draft.status === "closed") {
    draft.solved_at ??= now;
    draft.closed_at = now;
  } else draft.solved_at = null;
}

/** Parses an ISO time given to the import API; times before 1970 are rounded up to 1970 (5.4). */
export function importTime(field: string, value: unknown): number {
  const ms = typeof value === "number" ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(ms)) throw recordInvalid({ [field]: [`${field}: is not a valid time`] });
  return Math.max(0, ms);
}
