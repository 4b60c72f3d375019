import type { Account } from "../account.js";
import type { TicketField } from "../model.js";
import type { FieldIds } from "./context.js";
import type { Topic } from "./languages/index.js";

// The account's configuration records: brands, groups and ticket fields. They exist before any
// ticket, because tickets refer to them (and makeTicket defaults brand_id to the first brand).

export function seedBrands(account: Account): number[] {
  const brands = [
    { name: "Nordlys Outdoor", subdomain: account.subdomain },
    { name: "AeroBrew Home", subdomain: `${account.subdomain}-aerobrew` },
    { name: "Pulse Electronics", subdomain: `${account.subdomain}-pulse` },
  ];
  return brands.map((b) => {
    const id = account.nextId("other");
    account.brands.set(id, { id, ...b });
    return id;
  });
}

export function seedGroups(account: Account): Record<Topic, number> {
  const group = (name: string): number => {
    const id = account.nextId("other");
    account.groups.set(id, { id, name });
    return id;
  };
  return {
    delivery: group("Logistics"),
    refund: group("Returns & Refunds"),
    access: group("Account Security"),
    invoice: group("Billing"),
  };
}

export function seedTicketFields(account: Account): FieldIds {
  const field = (title: string, type: TicketField["type"], personal: boolean): number => {
    const id = account.nextId("other");
    account.ticketFields.set(id, { id, title, type, personal });
    return id;
  };
  return {
    orderNumber: field("Order number", "text", false),
    product: field("Product", "tagger", false),
    purchaseDate: field("Purchase date", "date", false),
    refundAmount: field("Refund amount", "decimal", false),
    customerPhone: field("Customer phone", "text", true),
    shippingAddress: field("Shipping address", "textarea", true),
  };
}

const ORG_WORDS = [
  "Nordic",
  "Atlas",
  "Blue Harbor",
  "Kestrel",
  "Solvang",
  "Meridian",
  "Birchwood",
  "Oriente",
  "Vistula",
  "Alpen",
  "Sol Nascente",
  "Al Noor",
];
const ORG_KINDS = ["Trading", "Logistics", "Consulting", "Retail", "Hotels", "Studio", "Systems", "Foods"];
const ORG_SUFFIXES = ["ApS", "AB", "Sp. z o.o.", "GmbH", "S.L.", "Ltda.", "Ltd", "Inc.", "LLC"];

/** Business customers' organizations; names are deterministic from the index. */
export function seedOrganizations(account: Account, count: number, createdAt: number): number {
  let first = 0;
  for (let i = 0; i < count; i++) {
    const id = account.nextId("organization");
    if (i === 0) first = id;
    const word = ORG_WORDS[i % ORG_WORDS.length]!;
    const kind = ORG_KINDS[Math.floor(i / ORG_WORDS.length) % ORG_KINDS.length]!;
    const round = Math.floor(i / (ORG_WORDS.length * ORG_KINDS.length));
    const name = `${word} ${kind}${round > 0 ? ` ${round + 1}` : ""} ${ORG_SUFFIXES[i % ORG_SUFFIXES.length]}`;
    const slug = `${word}-${kind}${round > 0 ? `-${round + 1}` : ""}`
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-");
    account.organizations.set(id, {
      id,
      name,
      domain_names: [`${slug}.example.com`],
      created_at: createdAt,
      updated_at: createdAt,
    });
  }
  return first;
}
