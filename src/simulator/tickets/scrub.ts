import type { Account } from "../account.js";
import { scrubTicket } from "../lifecycle.js";

/**
 * Permanently deletes a soft-deleted ticket (ZENDESK_API.md 5.9), leaving only the skeleton.
 * Returns false when it is no longer soft-deleted (restored or already scrubbed meanwhile).
 */
export function lifecycleScrub(account: Account, id: number): boolean {
  const deleted = account.deletedTickets.get(id);
  if (!deleted || deleted.scrubbed_at !== null) return false;
  scrubTicket(account, id);
  return true;
}
