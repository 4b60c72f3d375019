import type { LanguageCode, Topic } from "./languages/index.js";
import { Persona } from "./personas.js";

/** Ticket field ids by purpose; `personal` ones carry personal data. */
export interface FieldIds {
  orderNumber: number;
  product: number;
  purchaseDate: number;
  refundAmount: number;
  customerPhone: number;
  shippingAddress: number;
}

export interface SeedAgent {
  id: number;
  firstName: string;
  language: LanguageCode;
}

/**
 * Everything a ticket's generator needs besides (seed, ticket id). Built once while seeding and kept
 * by the comment source, so comments regenerate identically however far the clock has moved since.
 */
export interface SeedContext {
  seed: number;
  /** The clock at seeding time; ages and archive state are relative to it. */
  now: number;
  ticketCount: number;
  firstCustomerId: number;
  customerCount: number;
  firstOrganizationId: number;
  organizationCount: number;
  agents: readonly SeedAgent[];
  agentsByLanguage: ReadonlyMap<LanguageCode, readonly SeedAgent[]>;
  brandIds: readonly number[];
  groupIds: Readonly<Record<Topic, number>>;
  fields: FieldIds;
  /** Customers' personas while seeding, so tickets share their strings; dropped afterwards. */
  personas?: Map<number, Persona> | undefined;
}

/** Comments of seeded ticket T have ids (T-1)*64+1 .. (T-1)*64+60; the same for audits and attachments. */
export const IDS_PER_TICKET = 64;
export const MAX_COMMENTS = 60;

export const commentId = (ticketId: number, index: number): number =>
  (ticketId - 1) * IDS_PER_TICKET + index + 1;

export function personaOf(ctx: SeedContext, userId: number): Persona {
  const cached = ctx.personas?.get(userId);
  if (cached) return cached;
  const persona = new Persona(ctx.seed, userId, userId - ctx.firstCustomerId);
  ctx.personas?.set(userId, persona);
  return persona;
}
