// Which keywords each result type understands (ZENDESK_API.md 4.4) and which take `<`/`>`.

export type ResultType = "ticket" | "user" | "organization" | "group";
export const RESULT_TYPES: readonly ResultType[] = ["ticket", "user", "organization", "group"];

const TICKET = [
  "status",
  "priority",
  "ticket_type",
  "tags",
  "created",
  "updated",
  "solved",
  "due_date",
  "requester",
  "assignee",
  "submitter",
  "cc",
  "commenter",
  "group",
  "organization",
  "brand",
  "subject",
  "description",
  "comment",
  "has_attachment",
  "via",
  "external_id",
] as const;
const USER = ["email", "name", "role", "tags", "organization", "external_id", "phone", "created", "updated"];
const ORGANIZATION = ["name", "tags", "created", "updated"];
const GROUP = ["name"];

export const KEYWORDS: Record<ResultType, ReadonlySet<string>> = {
  ticket: new Set(TICKET),
  user: new Set(USER),
  organization: new Set(ORGANIZATION),
  group: new Set(GROUP),
};

/** Keywords that control the search itself rather than match records. */
export const CONTROL_KEYWORDS = new Set(["type", "order_by", "sort"]);

/**
 * Keywords Zendesk documents (ZENDESK_API.md 4.4 and the search reference) that the simulator does
 * not implement: searched as text they would silently match nothing, so the query is refused.
 */
export const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  "form",
  "recipient",
  "fieldvalue",
  "satisfaction",
  "user",
  "notes",
  "details",
  "is_verified",
  "is_suspended",
  "custom_status_id",
]);

/** Alternative spellings Zendesk accepts. */
export const ALIASES: Record<string, string> = { tag: "tags" };

const CUSTOM_FIELD = /^custom_field_(\d+)$/;

export const customFieldId = (keyword: string): number | null => {
  const m = CUSTOM_FIELD.exec(keyword);
  return m ? Number(m[1]) : null;
};

/** Whether a keyword means something to some result type (others are searched as text). */
export const isKnownKeyword = (keyword: string): boolean =>
  CONTROL_KEYWORDS.has(keyword) ||
  customFieldId(keyword) !== null ||
  RESULT_TYPES.some((t) => KEYWORDS[t].has(keyword));

export const appliesTo = (keyword: string, type: ResultType): boolean =>
  KEYWORDS[type].has(keyword) || (type === "ticket" && customFieldId(keyword) !== null);

const ORDERABLE = new Set(["status", "priority", "created", "updated", "solved", "due_date"]);

export const isOrderable = (keyword: string): boolean =>
  ORDERABLE.has(keyword) || customFieldId(keyword) !== null;

export type SortField = "created_at" | "updated_at" | "priority" | "status" | "ticket_type";
export const SORT_FIELDS: readonly SortField[] = [
  "created_at",
  "updated_at",
  "priority",
  "status",
  "ticket_type",
];

/** `order_by:` values: Zendesk's short names and the `sort_by` names. */
export const ORDER_BY: Record<string, SortField> = {
  created: "created_at",
  created_at: "created_at",
  updated: "updated_at",
  updated_at: "updated_at",
  priority: "priority",
  status: "status",
  ticket_type: "ticket_type",
};
