import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detect } from "../../src/redaction/detect.js";
import { DETECTOR_NAMES, type DetectorName, type Finding } from "../../src/redaction/types.js";
import {
  amount,
  formatDate,
  invoiceNumber,
  orderNumber,
  PRODUCTS,
} from "../../src/simulator/seed/business.js";
import { NATIONAL_IDS, type NationalIdKind } from "../../src/simulator/seed/national-ids.js";
import { PHONE_PLANS, type PhoneCountry, phoneNumber } from "../../src/simulator/seed/phones.js";
import {
  cardNumber,
  emailAddress,
  IBAN_LAYOUTS,
  type IbanCountry,
  iban,
  ipv4,
  ipv6,
} from "../../src/simulator/seed/pii.js";
import { Rng } from "../../src/simulator/seed/rng.js";

// Properties over generated text: whatever surrounds a valid item, it is found in full; whatever
// the text, findings are sorted, disjoint and inside it; business data never becomes a finding.

const words = fc.array(
  fc.constantFrom(
    "hej",
    "the",
    "order",
    "please",
    "tak",
    "كلمة",
    "שלום",
    "日本",
    "ok,",
    "(note)",
    "—",
    "🎉",
    "\n",
    "Ünïcode",
  ),
  { maxLength: 8 },
);
/** The item between random words; `lead` stands right before it (digits-only ids count after an id keyword). */
const around = (item: string, lead = "data:") =>
  fc.tuple(words, words).map(([before, after]) => ({
    text: `${before.join(" ")} ${lead} ${item} ${after.join(" ")}`,
    item,
  }));

const seeded = <T>(make: (rng: Rng) => T) =>
  fc.integer({ min: 0, max: 1_000_000 }).map((n) => make(new Rng(n, 77, n)));

const covers = (findings: readonly Finding[], text: string, item: string): boolean => {
  const start = text.indexOf(` ${item} `) + 1;
  for (let i = start; i < start + item.length; i++) {
    if (!/\s/.test(text[i] ?? "") && !findings.some((f) => f.start <= i && i < f.end)) return false;
  }
  return true;
};

const ITEMS: [string, DetectorName, fc.Arbitrary<string>, string?][] = [
  [
    "emails",
    "email",
    seeded((r) => emailAddress(r, "Søren", "Øster", ["example.dk", "mail.example.com"], r.int(1000))),
  ],
  ["payment cards", "paymentCard", seeded((r) => cardNumber(r))],
  [
    "IBANs",
    "iban",
    fc
      .tuple(
        fc.constantFrom(...(Object.keys(IBAN_LAYOUTS) as IbanCountry[])),
        seeded((r) => r),
      )
      .map(([c, r]) => iban(r, c)),
  ],
  ["IPv4 addresses", "ipAddress", seeded(ipv4)],
  ["IPv6 addresses", "ipAddress", seeded(ipv6)],
  [
    "national ids",
    "nationalId",
    fc
      .tuple(
        fc.constantFrom(...(Object.keys(NATIONAL_IDS) as NationalIdKind[])),
        seeded((r) => r),
      )
      .map(([k, r]) => NATIONAL_IDS[k](r)),
    "ID number:",
  ],
  [
    "international phone numbers",
    "phone",
    fc
      .tuple(
        fc.constantFrom(...(Object.keys(PHONE_PLANS) as PhoneCountry[])),
        seeded((r) => r),
      )
      .map(([c, r]) => phoneNumber(r, c).international),
  ],
];

describe("every generated valid item embedded in random text is found", () => {
  it.each(ITEMS)("%s", (_name, detector, items, lead) => {
    fc.assert(
      fc.property(
        items.chain((item) => around(item, lead)),
        ({ text, item }) => {
          const findings = detect(text, { detectors: [detector], region: "DK" });
          expect(covers(findings, text, item), `${item} in ${JSON.stringify(text)}`).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("national phone numbers in the account's region", () => {
    const national = fc
      .tuple(
        fc.constantFrom(...(Object.keys(PHONE_PLANS) as PhoneCountry[])),
        seeded((r) => r),
      )
      .map(([c, r]) => ({ country: c, item: phoneNumber(r, c).national }));
    fc.assert(
      fc.property(
        national.chain(({ country, item }) => around(item).map((a) => ({ ...a, country }))),
        ({ text, item, country }) => {
          expect(covers(detect(text, { detectors: ["phone"], region: country }), text, item)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("known names, in any case", () => {
    const names = fc.constantFrom(
      "Søren Østergaard",
      "Łukasz Wiśniewska",
      "محمد العتيبي",
      "José García",
      "田中 太郎",
      "Иван Петров",
    );
    fc.assert(
      fc.property(names, fc.boolean(), words, words, (name, upper, before, after) => {
        const written = upper ? name.toUpperCase() : name;
        const text = `${before.join(" ")} from ${written} ${after.join(" ")}`;
        const findings = detect(text, {
          detectors: ["knownIdentifiers"],
          known: { names: [name], emails: [], phones: [] },
        });
        expect(covers(findings, text, written)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("findings of any text", () => {
  it("are sorted, disjoint, non-empty and inside the text, for any Unicode input", () => {
    const known = { names: ["Anna Jensen", "محمد"], emails: ["anna@example.com"], phones: ["+4523456789"] };
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.string({ unit: "binary", maxLength: 100 }),
        (a, b) => {
          const text = `${a} anna@example.com ${b} +45 23 45 67 89 ${a}`;
          const findings = detect(text, {
            detectors: DETECTOR_NAMES,
            region: "DK",
            known,
            patterns: [/\d+/],
          });
          let previousEnd = 0;
          for (const f of findings) {
            expect(f.start).toBeGreaterThanOrEqual(previousEnd);
            expect(f.end).toBeGreaterThan(f.start);
            expect(f.end).toBeLessThanOrEqual(text.length);
            previousEnd = f.end;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("business data survives", () => {
  it("order and invoice numbers, products, SKUs, dates and amounts are never findings", () => {
    const business = seeded((r) => {
      const product = r.pick(PRODUCTS);
      const year = r.between(2015, 2026);
      return r.pick([
        orderNumber(r, year),
        invoiceNumber(r, year),
        product.name,
        product.sku,
        formatDate(
          Date.UTC(year, r.int(12), 1 + r.int(28)),
          r.pick(["dmy.", "dmy/", "mdy/", "iso", "dmy-"] as const),
        ),
        amount(
          r.between(100, 999_999),
          r.pick([
            "DKK",
            "SEK",
            "NOK",
            "EUR",
            "PLN",
            "BRL",
            "USD",
            "GBP",
            "CAD",
            "SAR",
            "AED",
            "EGP",
          ] as const),
        ),
      ]);
    });
    const detectors = DETECTOR_NAMES.filter((d) => d !== "custom" && d !== "knownIdentifiers");
    fc.assert(
      fc.property(
        business.chain((item) => around(item)),
        fc.constantFrom("DK", "US", "SE", "BR", "PL", "DE", "SA"),
        ({ text, item }, region) => {
          const start = text.indexOf(` ${item} `) + 1;
          const touched = detect(text, { detectors, region }).filter(
            (f) => f.start < start + item.length && f.end > start,
          );
          expect(touched, `${item} (${region})`).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
