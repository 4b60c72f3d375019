import type { Account } from "../account.js";
import { DAY } from "../clock.js";
import { addUser } from "../factory.js";
import type { SeedAgent, SeedContext } from "./context.js";
import { personaOf } from "./context.js";
import { LANGUAGES, type LanguageCode } from "./languages/index.js";
import { PROFILES } from "./locales.js";
import { asciiName } from "./pii.js";
import { Rng } from "./rng.js";

const AGENT = 0x3001;
const CUSTOMER_RECORD = 0x4001;

/** Agents answer in the customers' languages; the i-th agent speaks the i-th language in turn. */
export function seedAgents(account: Account, seed: number, count: number, createdAt: number): SeedAgent[] {
  const codes = Object.keys(LANGUAGES) as LanguageCode[];
  const domain = `${account.subdomain}.example.com`;
  const agents: SeedAgent[] = [];
  for (let i = 0; i < count; i++) {
    const language = codes[i % codes.length]!;
    const pack = LANGUAGES[language];
    const rng = new Rng(seed, AGENT, i);
    const fi = rng.int(pack.firstNames.length);
    const li = rng.int(pack.lastNames.length);
    const firstName = pack.firstNames[fi]!;
    const local = `${asciiName(pack.latinFirstNames?.[fi] ?? firstName)}.${asciiName(pack.latinLastNames?.[li] ?? pack.lastNames[li]!)}.${i + 1}`;
    const profile = PROFILES.find((p) => p.language === language)!;
    const user = addUser(account, {
      name: `${firstName} ${pack.lastNames[li]}`,
      email: `${local}@${domain}`,
      role: "agent",
      can_delete_tickets: i % 4 === 1,
      locale: profile.locale,
      time_zone: profile.timeZone,
      signature: `${pack.signoff}\n${firstName}`,
      last_login_at: createdAt,
      created_at: createdAt,
      updated_at: createdAt,
    });
    agents.push({ id: user.id, firstName, language });
  }
  return agents;
}

const TIERS = ["bronze", "silver", "gold", "platinum"] as const;

/**
 * End users, with personal data in every profile field a desk fills: phone, details (address),
 * notes (what agents jot down) and user fields. First-round customers get every field filled.
 */
export function seedCustomers(account: Account, ctx: SeedContext): void {
  for (let index = 0; index < ctx.customerCount; index++) {
    const userId = ctx.firstCustomerId + index;
    const persona = personaOf(ctx, userId);
    const rng = new Rng(ctx.seed, CUSTOMER_RECORD, userId);
    const full = index < PROFILES.length;
    const createdAt = ctx.now - 3 * 365 * DAY - rng.int(365) * DAY - rng.int(DAY / 1000) * 1000;
    const inOrg = ctx.organizationCount > 0 && index % 5 === 0;
    const nid = persona.nationalId;
    const userFields: Record<string, string | number | boolean | null> = {};
    if (full || rng.chance(0.3)) {
      userFields["customer_number"] = `CUST-${String(userId).padStart(7, "0")}`;
      userFields["loyalty_tier"] = TIERS[rng.int(TIERS.length)]!;
      userFields["national_id"] = nid?.value ?? null;
      userFields["refund_iban"] = persona.iban;
      userFields["newsletter"] = rng.chance(0.4);
    }
    addUser(account, {
      id: userId,
      name: persona.name,
      email: persona.email,
      phone: full || rng.chance(0.6) ? persona.phone.international : null,
      details: full || rng.chance(0.5) ? persona.address : null,
      notes: full || rng.chance(0.35) ? customerNote(index, rng, persona) : null,
      organization_id: inOrg ? ctx.firstOrganizationId + (index % ctx.organizationCount) : null,
      locale: persona.profile.locale,
      time_zone: persona.profile.timeZone,
      user_fields: userFields,
      tags: inOrg ? ["business"] : [],
      last_login_at: ctx.now - rng.int(200) * DAY,
      created_at: createdAt,
      updated_at: createdAt,
    });
  }
  account.reserveIds("user", ctx.firstCustomerId + ctx.customerCount - 1);
}

/** What agents write about customers, personal data included (as real desks do). */
function customerNote(index: number, rng: Rng, persona: ReturnType<typeof personaOf>): string {
  const nid = persona.nationalId;
  const notes = [
    `Prefers a call back on ${persona.phone.national} rather than email.`,
    `Card on file for replacements: ${persona.card}.`,
    persona.iban ? `Refunds go to ${persona.iban}.` : `Refunds go back to card ${persona.card}.`,
    nid ? `Identity verified with ${nid.value}.` : `Second address for deliveries: ${persona.address}.`,
    "VIP customer: offer free express shipping on replacements.",
  ];
  return notes[index < PROFILES.length ? index % notes.length : rng.int(notes.length)]!;
}
