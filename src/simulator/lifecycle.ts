import type { Account } from "./account.js";

/**
 * When the next soft-deleted ticket is due to be scrubbed, valid while the set of deleted tickets
 * and the scrub delay stay the same. Scrubbed tickets stay in `deletedTickets` for good, so without
 * this every request would walk all of them.
 */
interface ScrubSchedule {
  size: number;
  delayMs: number;
  nextAt: number;
}
const scrubSchedules = new WeakMap<Account, ScrubSchedule>();

/**
 * Zendesk scrubs soft-deleted tickets and users 30 days after deletion (ZENDESK_API.md 5.9, 8.4).
 * Applied lazily before each request, like everything else that time does to an account.
 */
export function expireDeleted(account: Account): void {
  const now = account.clock.now();
  const delayMs = account.settings.autoScrubAfterMs;
  const cutoff = now - delayMs;
  const schedule = scrubSchedules.get(account);
  const unchanged = schedule?.size === account.deletedTickets.size && schedule.delayMs === delayMs;
  if (!unchanged || now >= schedule.nextAt) {
    let nextAt = Number.POSITIVE_INFINITY;
    for (const deleted of account.deletedTickets.values()) {
      if (deleted.scrubbed_at !== null) continue;
      if (deleted.deleted_at <= cutoff) scrubTicket(account, deleted.ticket.id);
      else nextAt = Math.min(nextAt, deleted.deleted_at + delayMs);
    }
    scrubSchedules.set(account, { size: account.deletedTickets.size, delayMs, nextAt });
  }
  for (const id of account.softDeletedUsers) {
    const user = account.users.get(id);
    if (
      user &&
      user.permanently_deleted_at === null &&
      user.deleted_at !== null &&
      user.deleted_at <= cutoff
    ) {
      scrubUser(account, id);
    }
  }
}

/**
 * Permanent ticket deletion: only the reporting skeleton stays (ids, channel, times, status
 * "deleted"); subject, comments and attachments are gone (ZENDESK_API.md 5.9).
 */
export function scrubTicket(account: Account, ticketId: number): void {
  const deleted = account.deletedTickets.get(ticketId);
  if (!deleted || deleted.scrubbed_at !== null) return;
  const t = deleted.ticket;
  t.subject = "";
  t.tags = [];
  t.custom_fields = t.custom_fields.map((f) => ({ id: f.id, value: null }));
  t.external_id = null;
  t.collaborator_ids = [];
  t.follower_ids = [];
  t.email_cc_ids = [];
  t.satisfaction_rating = null;
  t.via = { channel: t.via.channel, source: { from: {}, to: {}, rel: null } };
  t.comment_count = 0;
  account.dropComments(ticketId);
  account.audits.delete(ticketId);
  deleted.scrubbed_at = account.clock.now();
  account.changingTicket(t, { system: true });
}

/** Permanent user deletion: "Permanently Deleted User", no email, phone or identities (8.2, 8.4). */
export function scrubUser(account: Account, userId: number): void {
  const user = account.users.get(userId);
  if (!user || user.permanently_deleted_at !== null) return;
  const now = account.clock.now();
  Object.assign(user, {
    name: "Permanently Deleted User",
    email: null,
    phone: null,
    alias: null,
    details: null,
    notes: null,
    external_id: null,
    photo: null,
    signature: null,
    tags: [],
    user_fields: {},
    organization_id: null,
    active: false,
    deleted_at: user.deleted_at ?? now,
    permanently_deleted_at: now,
    updated_at: now,
  });
  account.identities.delete(userId);
  account.softDeletedUsers.delete(userId);
}
