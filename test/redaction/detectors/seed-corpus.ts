import type { KnownIdentifiers } from "../../../src/redaction/types.js";
import {
  amount,
  formatDate,
  invoiceNumber,
  orderNumber,
  PRODUCTS,
} from "../../../src/simulator/seed/business.js";
import { PROFILES, type Profile } from "../../../src/simulator/seed/locales.js";
import { Persona } from "../../../src/simulator/seed/personas.js";
import { ipAddress } from "../../../src/simulator/seed/pii.js";
import { Rng } from "../../../src/simulator/seed/rng.js";

// A corpus built from the simulator's seed: every sentence template of every language pack, filled
// with a seeded customer's personal data and with order numbers, SKUs, dates, amounts and invoice
// numbers, remembering where each value was planted. Tests check that every planted personal
// value is found and that no planted business value is touched.

export type Slot =
  | "name"
  | "first"
  | "email"
  | "phone"
  | "address"
  | "card"
  | "iban"
  | "nid"
  | "ip"
  | "order"
  | "invoice"
  | "product"
  | "sku"
  | "date"
  | "amount"
  | "agent";

export const PERSONAL_SLOTS: ReadonlySet<Slot> = new Set([
  "name",
  "first",
  "email",
  "phone",
  "address",
  "card",
  "iban",
  "nid",
  "ip",
]);
export const BUSINESS_SLOTS: ReadonlySet<Slot> = new Set([
  "order",
  "invoice",
  "product",
  "sku",
  "date",
  "amount",
]);

export interface Planted {
  slot: Slot;
  start: number;
  end: number;
}

export interface CorpusText {
  text: string;
  planted: Planted[];
  profile: Profile;
  known: KnownIdentifiers;
  /** A short label for failure messages (language, customer index, template index). */
  label: string;
}

function templatesOf(profile: Profile): string[] {
  const p = profile.pack;
  return [
    ...Object.values(p.subjects).flat(),
    ...Object.values(p.openings).flat(),
    ...p.followUps,
    ...p.replies,
    ...p.internalNotes,
    ...p.closings,
    ...p.ratingBad,
    ...p.ratingGood,
    `${p.greeting}\n\n{address}\n\n${p.signoff}\n{agent}`,
  ];
}

/** Fills one template, planting values and recording their spans. */
function fill(template: string, values: (slot: Slot) => string): { text: string; planted: Planted[] } {
  let text = "";
  const planted: Planted[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    text += template.slice(last, m.index);
    const slot = m[1] as Slot;
    const value = values(slot);
    planted.push({ slot, start: text.length, end: text.length + value.length });
    text += value;
    last = m.index + m[0].length;
  }
  return { text: text + template.slice(last), planted };
}

/** Texts for `customers` seeded customers per profile (the first customers cover every profile). */
export function seedCorpus(seed: number, customersPerProfile: number): CorpusText[] {
  const out: CorpusText[] = [];
  for (let round = 0; round < customersPerProfile; round++) {
    PROFILES.forEach((profile, index) => {
      // Persona index < PROFILES.length picks PROFILES[index]; later rounds reuse it by constructing with that index.
      const persona = new Persona(seed + round, 1000 + round * 100 + index, index);
      const rng = new Rng(seed + round, 0x51ed, index);
      const product = PRODUCTS[index % PRODUCTS.length]!;
      const year = 2020 + (index % 5);
      const values = (slot: Slot): string => {
        switch (slot) {
          case "name":
            return persona.name;
          case "first":
            return persona.firstName;
          case "email":
            return persona.email;
          case "phone":
            return rng.chance(0.5) ? persona.phone.national : persona.phone.international;
          case "address":
            return persona.address;
          case "card":
            return persona.card;
          case "iban":
            return persona.iban ?? persona.card;
          case "nid":
            return persona.nationalId?.value ?? persona.phone.international;
          case "ip":
            return ipAddress(rng);
          case "order":
            return orderNumber(rng, year);
          case "invoice":
            return invoiceNumber(rng, year);
          case "product":
            return product.name;
          case "sku":
            return product.sku;
          case "date":
            return formatDate(Date.UTC(year, rng.int(12), 1 + rng.int(28)), profile.dateStyle);
          case "amount":
            return amount(product.price + rng.int(100_000), profile.currency);
          case "agent":
            return "Kim";
        }
      };
      templatesOf(profile).forEach((template, t) => {
        const filled = fill(template, values);
        out.push({
          ...filled,
          profile,
          known: { names: [persona.name], emails: [persona.email], phones: [persona.phone.international] },
          label: `${profile.language}/${profile.country} customer ${round} template ${t}`,
        });
      });
    });
  }
  return out;
}
