import type { Account } from "../account.js";
import { DAY } from "../clock.js";
import { seedBrands, seedGroups, seedOrganizations, seedTicketFields } from "./catalog.js";
import { seededComments } from "./comments.js";
import { IDS_PER_TICKET, type SeedAgent, type SeedContext } from "./context.js";
import type { LanguageCode } from "./languages/index.js";
import { type Staff, seedStaff } from "./staff.js";
import { buildTicket } from "./tickets.js";
import { seedAgents, seedCustomers } from "./users.js";

export interface SeedOptions {
  seed: number;
  tickets: number;
}

export interface SeedSummary {
  credentials: Staff;
  tickets: number;
  users: number;
  /** Agents besides the staff accounts. */
  agents: number;
  organizations: number;
  /** Comments the seeded tickets hold (generated on demand, not stored). */
  comments: number;
}

/** ~1 end user per 4 tickets, ~1 agent per 200 tickets (at least 3), ~1 organization per 40 end users. */
export const seedSizes = (tickets: number) => {
  const customers = Math.max(1, Math.ceil(tickets / 4));
  return {
    customers,
    agents: Math.max(3, Math.ceil(tickets / 200)),
    organizations: Math.max(2, Math.ceil(customers / 40)),
  };
};

/**
 * Fills an account with deterministic, realistic data: staff, then brands, groups and fields,
 * agents, organizations, customers and tickets. The same seed gives the same data, at any size.
 */
export function seedAccount(account: Account, options: SeedOptions): SeedSummary {
  const now = account.clock.now();
  const start = now - 3 * 365 * DAY;
  const credentials = seedStaff(account, options.seed, start);
  const brandIds = seedBrands(account);
  const groupIds = seedGroups(account);
  const fields = seedTicketFields(account);
  const sizes = seedSizes(options.tickets);
  const agents = seedAgents(account, options.seed, sizes.agents, start);
  const agentsByLanguage = new Map<LanguageCode, SeedAgent[]>();
  for (const agent of agents)
    agentsByLanguage.set(agent.language, [...(agentsByLanguage.get(agent.language) ?? []), agent]);
  const firstOrganizationId = seedOrganizations(account, sizes.organizations, start);
  const ctx: SeedContext = {
    seed: options.seed,
    now,
    ticketCount: options.tickets,
    firstCustomerId: account.nextId("user"),
    customerCount: sizes.customers,
    firstOrganizationId,
    organizationCount: sizes.organizations,
    agents,
    agentsByLanguage,
    brandIds,
    groupIds,
    fields,
    personas: new Map(),
  };
  seedCustomers(account, ctx);

  let comments = 0;
  for (let id = 1; id <= options.tickets; id++) {
    const ticket = buildTicket(account, ctx, id);
    comments += ticket.comment_count;
    account.tickets.set(id, ticket);
  }
  ctx.personas = undefined;
  account.reserveIds("ticket", options.tickets);
  const lastSeededId = options.tickets * IDS_PER_TICKET;
  account.reserveIds("comment", lastSeededId);
  account.reserveIds("audit", lastSeededId);
  account.reserveIds("attachment", lastSeededId);
  account.useCommentSource((ticket) => seededComments(ctx, ticket));

  return {
    credentials,
    tickets: options.tickets,
    users: account.users.size,
    agents: agents.length,
    organizations: sizes.organizations,
    comments,
  };
}
