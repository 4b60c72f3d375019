import { isIP } from "node:net";
import { isValidPhoneNumber, parsePhoneNumber } from "libphonenumber-js";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Account } from "../../src/simulator/account.js";
import { SimClock } from "../../src/simulator/clock.js";
import type { CommentRecord, Ticket } from "../../src/simulator/model.js";
import { type SeedSummary, seedAccount } from "../../src/simulator/seed/index.js";
import { LANGUAGES } from "../../src/simulator/seed/languages/index.js";
import type { NationalIdKind } from "../../src/simulator/seed/national-ids.js";
import { cardBrand, ibanValid, NATIONAL_ID_VALID } from "./pii-checks.js";

const seeded = (seed: number, tickets = 100): { account: Account; summary: SeedSummary } => {
  const account = new Account("acme", new SimClock());
  return { account, summary: seedAccount(account, { seed, tickets }) };
};

/** Seeds at a frozen wall clock, since seeded times are relative to "now". */
const seededAt = (seed: number, tickets = 100): Account => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 5, 1, 12) });
  try {
    return seeded(seed, tickets).account;
  } finally {
    vi.useRealTimers();
  }
};

const snapshot = (account: Account) => ({
  tickets: [...account.tickets.values()],
  users: [...account.users.values()],
  comments: [...account.tickets.values()].map((t) => account.comments(t)),
});

/** Every piece of text the seed produced, with where it came from. */
function texts(account: Account): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const t of account.tickets.values()) {
    out.push({ where: "subject", text: t.subject });
    for (const f of t.custom_fields)
      if (typeof f.value === "string") out.push({ where: "field", text: f.value });
    if (t.satisfaction_rating?.comment) out.push({ where: "rating", text: t.satisfaction_rating.comment });
    for (const c of account.comments(t)) {
      out.push({ where: "comment", text: c.body });
      for (const a of c.attachments) if (a.content) out.push({ where: "attachment", text: a.content });
    }
  }
  for (const u of account.users.values()) {
    for (const value of [u.phone, u.notes, u.details, ...Object.values(u.user_fields)]) {
      if (typeof value === "string") out.push({ where: "user", text: value });
    }
  }
  return out;
}

/** A customer's country and national id kind, from the time zone the seed gives each profile. */
const BY_TIME_ZONE: Record<string, { country: string; ids: NationalIdKind[] }> = {
  "Europe/Copenhagen": { country: "DK", ids: ["DK_CPR"] },
  "Europe/Stockholm": { country: "SE", ids: ["SE_PERSONNUMMER"] },
  "Europe/Oslo": { country: "NO", ids: ["NO_FODSELSNUMMER"] },
  "Europe/Helsinki": { country: "FI", ids: ["FI_HETU"] },
  "Europe/Warsaw": { country: "PL", ids: ["PL_PESEL"] },
  "Europe/Madrid": { country: "ES", ids: ["ES_DNI", "ES_NIE"] },
  "America/Sao_Paulo": { country: "BR", ids: ["BR_CPF"] },
  "America/New_York": { country: "US", ids: ["US_SSN"] },
  "America/Toronto": { country: "CA", ids: ["CA_SIN"] },
  "Europe/London": { country: "GB", ids: ["GB_NINO"] },
  "Europe/Lisbon": { country: "PT", ids: ["PT_NIF"] },
  "Europe/Paris": { country: "FR", ids: ["FR_NIR"] },
  "Asia/Riyadh": { country: "SA", ids: ["SA_NATIONAL_ID"] },
  "Asia/Dubai": { country: "AE", ids: ["AE_EMIRATES_ID"] },
  "Europe/Berlin": { country: "DE", ids: [] },
  "Africa/Cairo": { country: "EG", ids: [] },
};

afterEach(() => vi.useRealTimers());

describe("determinism", () => {
  it("gives identical tickets, users and comments for the same seed", () => {
    expect(snapshot(seededAt(42))).toEqual(snapshot(seededAt(42)));
  });

  it("gives different data for a different seed", () => {
    const a = snapshot(seededAt(1));
    const b = snapshot(seededAt(2));
    expect(a.tickets.map((t) => t.subject)).not.toEqual(b.tickets.map((t) => t.subject));
    expect(a.users.map((u) => u.email)).not.toEqual(b.users.map((u) => u.email));
  });

  it("regenerates a ticket's comments identically on every read, as fresh objects", () => {
    const { account } = seeded(3);
    const ticket = account.tickets.get(7)!;
    const first = account.comments(ticket);
    expect(account.comments(ticket)).toEqual(first);
    expect(account.comments(ticket)).not.toBe(first);
  });

  it("keeps comments stable when the clock moves on after seeding", () => {
    const { account } = seeded(3);
    const ticket = account.tickets.get(12)!;
    const before = account.comments(ticket);
    account.clock.advance(90 * 24 * 3600_000);
    expect(account.comments(ticket)).toEqual(before);
  });

  it("scales with --tickets: the first tickets of a bigger seed are the same customers' tickets", () => {
    const small = seeded(5, 100).summary;
    const big = seeded(5, 1000).summary;
    expect(small.tickets).toBe(100);
    expect(big.tickets).toBe(1000);
    expect(big.users).toBeGreaterThan(small.users);
    expect(big.agents).toBe(5);
  });
});

describe("shape of the data", () => {
  let account: Account;
  let summary: SeedSummary;
  let tickets: Ticket[];
  let comments: Map<number, readonly CommentRecord[]>;
  beforeAll(() => {
    ({ account, summary } = seeded(1));
    tickets = [...account.tickets.values()];
    comments = new Map(tickets.map((t) => [t.id, account.comments(t)]));
  });

  it("numbers tickets from 1 and keeps every id unique per kind", () => {
    expect(tickets.map((t) => t.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const commentIds = [...comments.values()].flat().map((c) => c.id);
    expect(new Set(commentIds).size).toBe(commentIds.length);
    const attachmentIds = [...comments.values()].flat().flatMap((c) => c.attachments.map((a) => a.id));
    expect(new Set(attachmentIds).size).toBe(attachmentIds.length);
    expect(
      Math.min(account.nextId("comment"), account.nextId("attachment"), account.nextId("audit")),
    ).toBeGreaterThan(Math.max(...commentIds));
    expect(account.nextId("ticket")).toBe(101);
    const emails = [...account.users.values()].map((u) => u.email);
    expect(new Set(emails).size).toBe(emails.length);
  });

  it("stores as many comments as comment_count says, oldest first, within the ticket's lifetime", () => {
    let total = 0;
    for (const t of tickets) {
      const list = comments.get(t.id)!;
      total += list.length;
      expect(list.length).toBe(t.comment_count);
      const times = list.map((c) => c.created_at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times[0]).toBe(t.created_at);
      expect(Math.max(...times)).toBeLessThanOrEqual(t.updated_at);
    }
    expect(summary.comments).toBe(total);
  });

  it("mixes statuses and ages: archived closed tickets, solved, and open work", () => {
    const byStatus = (s: string) => tickets.filter((t) => t.status === s);
    const archived = tickets.filter((t) => account.isArchived(t));
    expect(archived.length).toBeGreaterThan(20);
    expect(byStatus("closed").length).toBeGreaterThan(archived.length - 1);
    for (const s of ["solved", "open", "pending", "new"]) expect(byStatus(s).length, s).toBeGreaterThan(0);
    const now = account.clock.now();
    const ages = tickets.map((t) => (now - t.created_at) / 86_400_000);
    expect(Math.max(...ages)).toBeGreaterThan(700);
    expect(Math.min(...ages)).toBeLessThan(30);
    expect(Math.max(...ages)).toBeLessThan(3 * 366);
    for (const t of byStatus("closed")) expect(t.closed_at).not.toBeNull();
  });

  it("has a few long threads of 20-60 comments", () => {
    const long = tickets.filter((t) => t.comment_count >= 20);
    expect(long.length).toBeGreaterThan(0);
    for (const t of long) expect(t.comment_count).toBeLessThanOrEqual(60);
    expect(tickets.filter((t) => t.comment_count >= 2).length).toBeGreaterThan(50);
  });

  it("has brands, groups, organizations, ticket fields (personal and not), CCs, followers, ratings and channels", () => {
    expect(account.brands.size).toBe(3);
    expect(new Set(tickets.map((t) => t.brand_id)).size).toBe(3);
    expect(new Set(tickets.map((t) => t.group_id)).size).toBe(4);
    const fields = [...account.ticketFields.values()];
    expect(fields.filter((f) => f.personal).map((f) => f.title)).toEqual([
      "Customer phone",
      "Shipping address",
    ]);
    expect(fields.filter((f) => !f.personal).map((f) => f.title)).toContain("Order number");
    expect(tickets.some((t) => t.organization_id !== null)).toBe(true);
    expect(tickets.some((t) => t.email_cc_ids.length > 0)).toBe(true);
    for (const t of tickets) expect(t.collaborator_ids).toEqual(expect.arrayContaining(t.email_cc_ids));
    const scores = new Set(tickets.map((t) => t.satisfaction_rating?.score));
    expect([...scores]).toEqual(expect.arrayContaining(["good", "bad", "offered", "unoffered", undefined]));
    expect(new Set(tickets.map((t) => t.via.channel))).toEqual(new Set(["email", "web", "api", "mobile"]));
  });

  it("creates ~1 agent per 200 tickets (at least 3), some allowed to delete tickets, and assigns them", () => {
    const agents = [...account.users.values()].filter((u) => u.role === "agent" && u.email?.includes("."));
    expect(summary.agents).toBe(3);
    expect(agents.some((a) => a.can_delete_tickets)).toBe(true);
    const agentIds = new Set(agents.map((a) => a.id));
    expect(tickets.filter((t) => t.assignee_id !== null).every((t) => agentIds.has(t.assignee_id!))).toBe(
      true,
    );
  });

  it("writes in every language, with agents answering in the customer's language", () => {
    for (const pack of Object.values(LANGUAGES)) {
      const ofLanguage = tickets.filter((t) =>
        t.tags.includes(`lang_${pack.code.toLowerCase().replace("-", "_")}`),
      );
      expect(ofLanguage.length, pack.code).toBeGreaterThan(0);
      const replies = ofLanguage
        .flatMap((t) => comments.get(t.id)!)
        .filter((c) => c.body.includes(pack.signoff));
      expect(replies.length, pack.code).toBeGreaterThan(0);
    }
    const users = [...account.users.values()];
    expect(users.some((u) => /[\u0600-\u06FF]/.test(u.name))).toBe(true);
    expect(users.some((u) => /[ąćęłńóśźż]/i.test(u.name))).toBe(true);
  });
});

describe("personal data", () => {
  let account: Account;
  let all: { where: string; text: string }[];
  beforeAll(() => {
    account = seeded(1).account;
    all = texts(account);
  });
  const customers = () => [...account.users.values()].filter((u) => u.role === "end-user");

  it("gives every customer a valid email, and phones valid for their country", () => {
    const codes = new Set<string>();
    for (const u of customers()) {
      expect(u.email).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}$/);
      if (u.phone) {
        expect(isValidPhoneNumber(u.phone), u.phone).toBe(true);
        codes.add(parsePhoneNumber(u.phone).countryCallingCode);
      }
    }
    expect([...codes]).toEqual(
      expect.arrayContaining(["45", "46", "47", "48", "49", "34", "55", "1", "44", "966", "971", "20"]),
    );
  });

  it("fills the Customer phone field with numbers valid in the requester's country, in national formats too", () => {
    const phoneField = [...account.ticketFields.values()].find((f) => f.title === "Customer phone")!;
    let national = 0;
    for (const t of account.tickets.values()) {
      const value = t.custom_fields.find((f) => f.id === phoneField.id)?.value;
      if (typeof value !== "string") continue;
      const country = BY_TIME_ZONE[account.users.get(t.requester_id)!.time_zone]!.country;
      expect(isValidPhoneNumber(value, country as never), `${value} (${country})`).toBe(true);
      if (!value.startsWith("+")) national++;
    }
    expect(national).toBeGreaterThan(0);
  });

  it("holds a national id of every kind in user fields, each with a valid checksum", () => {
    const kinds = new Set<NationalIdKind>();
    for (const u of customers()) {
      const id = u.user_fields["national_id"];
      if (typeof id !== "string") continue;
      const expected = BY_TIME_ZONE[u.time_zone]!.ids;
      const kind = expected.find((k) => NATIONAL_ID_VALID[k](id));
      expect(kind, `${id} in ${u.time_zone}`).toBeDefined();
      kinds.add(kind!);
    }
    expect(kinds).toEqual(new Set(Object.keys(NATIONAL_ID_VALID)));
  });

  it("mentions valid payment cards of every brand", () => {
    const brands = new Set<string>();
    // Cards are grouped 4-4-4-4 (Amex 4-6-5) or compact; IBANs are removed first, they share the look.
    const card = /(?<![\w-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}|3[47]\d{2}([ -]?)\d{6}\2\d{5})(?![\w-])/g;
    const ibanish = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
    for (const { text } of all) {
      for (const m of text.replace(ibanish, "IBAN").matchAll(card)) {
        const brand = cardBrand(m[0]);
        expect(brand, m[0]).not.toBeNull();
        brands.add(brand!);
      }
    }
    expect(brands).toEqual(new Set(["visa", "mastercard", "amex"]));
  });

  it("mentions valid IBANs of every required country", () => {
    const countries = new Set<string>();
    for (const { text } of all) {
      for (const m of text.matchAll(/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,6}(?: ?[A-Z0-9]{1,4})?\b/g)) {
        expect(ibanValid(m[0]), m[0]).toBe(true);
        countries.add(m[0].slice(0, 2));
      }
    }
    expect([...countries]).toEqual(
      expect.arrayContaining(["DK", "SE", "NO", "FI", "PL", "ES", "DE", "GB", "BR", "PT", "FR"]),
    );
  });

  it("records IPv4 and IPv6 addresses in comment metadata and bodies", () => {
    const versions = new Set<number>();
    for (const t of account.tickets.values()) {
      for (const c of account.comments(t)) versions.add(isIP(c.metadata.system.ip_address ?? ""));
    }
    expect(versions).toEqual(new Set([4, 6]));
    expect(all.some(({ text }) => /\b(?:\d{1,3}\.){3}\d{1,3}\b/.test(text))).toBe(true);
  });

  it("puts personal data in subjects, comments, custom fields, profiles and text attachments", () => {
    const hasPersonal = (text: string): boolean =>
      /@|\+\d{1,3} \d|\b[A-Z]{2}\d{2} ?[A-Z0-9]{4}|(?:\d{1,3}\.){3}\d{1,3}|\d{4}[ -]\d{4}[ -]\d{4}/.test(
        text,
      ) || customers().some((u) => (u.details !== null && text.includes(u.details)) || text.includes(u.name));
    for (const where of ["subject", "comment", "field", "user", "attachment"]) {
      expect(
        all.filter((t) => t.where === where).some((t) => hasPersonal(t.text)),
        where,
      ).toBe(true);
    }
    const attachments = [...account.tickets.values()].flatMap((t) =>
      account.comments(t).flatMap((c) => c.attachments),
    );
    const text = attachments.filter((a) => a.content !== null);
    expect(text.length).toBeGreaterThan(0);
    for (const a of text) expect(a.size).toBe(Buffer.byteLength(a.content!));
    expect(customers().some((u) => u.notes && u.details && Object.keys(u.user_fields).length > 0)).toBe(true);
  });

  it("keeps non-personal business data next to it: orders, invoices, SKUs, products, dates, amounts", () => {
    const joined = all.map((t) => t.text).join("\n");
    expect(joined).toMatch(/\bORD-20\d\d-\d{6}\b/);
    expect(joined).toMatch(/\bINV-20\d\d-\d{5}\b/);
    expect(joined).toMatch(/\bSKU-\d{5}-[A-Z]{2}\b/);
    expect(joined).toMatch(
      /AeroBrew Coffee Grinder|Nordlys Down Jacket|TrailLite Backpack 28L|Pulse Wireless Earbuds/,
    );
    expect(joined).toMatch(/\b\d{2}[./]\d{2}[./]20\d\d\b/);
    expect(joined).toMatch(/\d+[,.]\d{2} (?:kr|€|zł)|[$£] ?\d/);
    const orderField = [...account.ticketFields.values()].find((f) => f.title === "Order number")!;
    expect(
      [...account.tickets.values()].every((t) =>
        /^ORD-\d{4}-\d{6}$/.test(String(t.custom_fields.find((f) => f.id === orderField.id)?.value)),
      ),
    ).toBe(true);
  });
});
