import { amount, formatDate, invoiceNumber } from "./business.js";
import type { SeedContext } from "./context.js";
import { ipAddress } from "./pii.js";
import type { TicketPlan } from "./plan.js";
import { Rng } from "./rng.js";

// Fills a language pack's sentence templates with one ticket's data: the requester's personal data
// next to the order, product, date and amount the conversation is about.

const INVOICE = 0x6001;
const SLOT = /\{(\w+)\}/g;

export class TicketSlots {
  private invoice: string | null = null;

  constructor(
    private readonly ctx: SeedContext,
    private readonly plan: TicketPlan,
  ) {}

  /** False for templates that need a value the requester does not have (no IBAN or national id). */
  usable(template: string): boolean {
    const p = this.plan.requester;
    if (template.includes("{iban}") && p.iban === null) return false;
    if (template.includes("{nid}") && p.nationalId === null) return false;
    return true;
  }

  /** A usable template from `templates`, starting at a random one. */
  choose(templates: readonly string[], rng: Rng): string {
    const start = rng.int(templates.length);
    for (let i = 0; i < templates.length; i++) {
      const t = templates[(start + i) % templates.length]!;
      if (this.usable(t)) return t;
    }
    return templates[start]!;
  }

  fill(template: string, rng: Rng): string {
    return template.replace(SLOT, (_, key: string) => this.value(key, rng));
  }

  value(key: string, rng: Rng): string {
    const { plan } = this;
    const p = plan.requester;
    switch (key) {
      case "first":
        return p.firstName;
      case "name":
        return p.name;
      case "agent":
        return plan.responder.firstName;
      case "email":
        return p.email;
      case "phone":
        return rng.chance(0.6) ? p.phone.national : p.phone.international;
      case "address":
        return p.address;
      case "card":
        return p.card;
      case "iban":
        return p.iban ?? p.card;
      case "nid":
        return p.nationalId?.value ?? p.phone.international;
      case "ip":
        return ipAddress(rng);
      case "order":
        return plan.order;
      case "product":
        return plan.product.name;
      case "sku":
        return plan.product.sku;
      case "date":
        return formatDate(plan.purchasedAt, p.profile.dateStyle);
      case "amount":
        return amount(plan.product.price, p.profile.currency);
      case "invoice":
        this.invoice ??= invoiceNumber(
          new Rng(this.ctx.seed, INVOICE, plan.id),
          new Date(plan.purchasedAt).getUTCFullYear(),
        );
        return this.invoice;
      default:
        return `{${key}}`;
    }
  }
}
