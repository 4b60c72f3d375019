import type { Account } from "./account.js";
import type { CommentRecord, Identity, Ticket, User, Via } from "./model.js";

// Record constructors with Zendesk's defaults, shared by the seed, the create/import endpoints
// and tests, so that every record has every field.

export const viaChannel = (channel: string, from: Record<string, unknown> = {}): Via => ({
  channel,
  source: { from, to: {}, rel: null },
});

/** Builds a ticket (not stored). `id` defaults to the account's next ticket id. */
export function makeTicket(account: Account, fields: Partial<Ticket> & { requester_id: number }): Ticket {
  const now = account.clock.now();
  const createdAt = fields.created_at ?? now;
  return {
    id: fields.id ?? account.nextId("ticket"),
    external_id: null,
    subject: "",
    status: "new",
    priority: null,
    type: null,
    submitter_id: fields.requester_id,
    assignee_id: null,
    group_id: null,
    organization_id: null,
    brand_id: account.brands.keys().next().value ?? 1,
    ticket_form_id: null,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    tags: [],
    custom_fields: [],
    via: viaChannel("api"),
    updated_at: createdAt,
    solved_at: null,
    closed_at: null,
    generated_timestamp: Math.floor((fields.updated_at ?? createdAt) / 1000),
    archive_immediately: false,
    satisfaction_rating: null,
    comment_count: 0,
    version: 0,
    ...fields,
    created_at: createdAt,
  };
}

/** Builds a comment (not stored). */
export function makeComment(
  account: Account,
  fields: Partial<CommentRecord> & { author_id: number; body: string },
): CommentRecord {
  return {
    id: fields.id ?? account.nextId("comment"),
    type: "Comment",
    html_body: null,
    public: true,
    created_at: account.clock.now(),
    audit_id: fields.audit_id ?? account.nextId("audit"),
    attachments: [],
    via: viaChannel("api"),
    metadata: { system: {}, custom: {} },
    ...fields,
  };
}

/** Builds and stores a ticket with its comments, as a test fixture or an import would. */
export function addTicket(
  account: Account,
  fields: Partial<Ticket> & { requester_id: number },
  comments: (Partial<CommentRecord> & { body: string })[] = [],
): Ticket {
  const ticket = makeTicket(account, fields);
  const records = comments.map((c) =>
    makeComment(account, { author_id: ticket.requester_id, created_at: ticket.created_at, ...c }),
  );
  ticket.comment_count = records.length;
  if (ticket.status === "closed" && ticket.closed_at === null) ticket.closed_at = ticket.updated_at;
  account.tickets.set(ticket.id, ticket);
  account.setComments(ticket.id, records);
  return ticket;
}

/** Builds and stores a user with a primary email identity (when it has an email). */
export function addUser(account: Account, fields: Partial<User> & { name: string }): User {
  const now = account.clock.now();
  const user: User = {
    id: fields.id ?? account.nextId("user"),
    email: null,
    phone: null,
    alias: null,
    details: null,
    notes: null,
    external_id: null,
    organization_id: null,
    role: "end-user",
    can_delete_tickets: false,
    tags: [],
    user_fields: {},
    photo: null,
    locale: "en-US",
    time_zone: "UTC",
    signature: null,
    suspended: false,
    verified: true,
    active: true,
    last_login_at: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    permanently_deleted_at: null,
    ...fields,
  };
  account.users.set(user.id, user);
  const identities: Identity[] = [];
  const identity = (type: Identity["type"], value: string, primary: boolean): Identity => ({
    id: account.nextId("identity"),
    user_id: user.id,
    type,
    value,
    primary,
    verified: true,
    created_at: user.created_at,
    updated_at: user.created_at,
  });
  if (user.email) identities.push(identity("email", user.email, true));
  if (user.phone) identities.push(identity("phone_number", user.phone, !user.email));
  account.identities.set(user.id, identities);
  return user;
}
