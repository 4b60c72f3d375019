import { describe, expect, it } from "vitest";
import { findPhones } from "../../../src/redaction/detectors/phone.js";
import { PHONE_PLANS, type PhoneCountry, phoneNumber } from "../../../src/simulator/seed/phones.js";
import { Rng } from "../../../src/simulator/seed/rng.js";
import { matched } from "./matched.js";

const phones = (text: string, region?: string): string[] => matched(text, findPhones(text, region));

describe("findPhones", () => {
  it("finds national numbers in the account's region, however they are grouped", () => {
    expect(phones("Ring på 23 45 67 89 eller 23456789.", "DK")).toEqual(["23 45 67 89", "23456789"]);
    expect(phones("Call (212) 555-0123 or 212-555-0199 or 212.555.0142", "US")).toEqual([
      "(212) 555-0123",
      "212-555-0199",
      "212.555.0142",
    ]);
    expect(phones("Ring mig på 070-123 45 67", "SE")).toEqual(["070-123 45 67"]);
  });

  it("finds international numbers with + or 00 whatever the region", () => {
    expect(phones("+45 23 45 67 89, 0046 70 123 45 67 and +1 (212) 555-0123", "DE")).toEqual([
      "+45 23 45 67 89",
      "0046 70 123 45 67",
      "+1 (212) 555-0123",
    ]);
  });

  it("finds a number of another country after a phone word, as customers write their own format", () => {
    expect(phones("Mitt telefonnummer är 070-123 45 67", "DK")).toEqual(["070-123 45 67"]);
    expect(phones("رقم جوالي 050 123 4567", "DK")).toEqual(["050 123 4567"]);
    expect(phones("Order 070-123 45 67", "DK")).toEqual([]);
  });

  it("rejects numbers that are not valid in the numbering plan", () => {
    expect(phones("Numbers 12 34 56 78 and 1234 5678", "DK")).toEqual([]);
    expect(phones("Ticket (212) 155-0123", "US")).toEqual([]);
  });

  it("finds two numbers written one after the other", () => {
    expect(phones("23 45 67 89 / 87 65 43 21", "DK")).toEqual(["23 45 67 89", "87 65 43 21"]);
  });

  it("leaves dates, times, prices, order numbers and card numbers alone", () => {
    const text =
      "On 24.03.2024, 2024-03-24 or 03/24/2024 at 14:30:15 we charged 1.234.567,89 kr and $23,456,789.00 " +
      "for ORD-2024-001234 (INV-2024-00042, ref 20240324) to card 4111 1111 1111 1112 from 81.161.2.33.";
    for (const region of ["DK", "US", "SE", "DE", "BR", "PL"])
      expect(phones(text, region), region).toEqual([]);
  });

  it("does not read a number out of a code or an IBAN", () => {
    expect(phones("ORD-23456789, X23456789, DK50 0040 0440 1162 43, 23456789-12", "DK")).toEqual([]);
  });

  it("reads a date after an opening bracket as a date, also once the text before it is masked", () => {
    for (const text of [
      "(2015-01-01",
      "\u2587\u2587\u2587 (2015-01-01",
      "(2015-01-01)",
      "(24.03.2024) ok",
      "(20240324",
    ])
      expect(phones(text, "DK"), text).toEqual([]);
  });

  it("leaves an opening bracket the number does not close outside the finding", () => {
    expect(phones("Ring mig (23 45 67 89", "DK")).toEqual(["23 45 67 89"]);
    expect(phones("Call (212) 555-0123", "US")).toEqual(["(212) 555-0123"]);
  });

  it("finds a number followed by an order code, and reads the code as no currency", () => {
    expect(phones("+45 21 34 56 78 ORD-2024-001234", "DK")).toEqual(["+45 21 34 56 78"]);
    expect(phones("Ring 23 45 67 89 ORD-2024-001234", "DK")).toEqual(["23 45 67 89"]);
    expect(phones("ORD 23 45 67 89", "DK")).toEqual(["23 45 67 89"]);
  });

  it("still reads a number next to an ISO 4217 currency code as an amount", () => {
    expect(phones("Pris 23 45 67 89 DKK, EUR 23 45 67 89, 23 45 67 89 NOK.", "DK")).toEqual([]);
  });

  it("ends a number at the end of a sentence or a closing bracket, so what follows cannot hide it", () => {
    expect(phones("+45 20 00 00 00. 11.0.0.1 is the router", "DK")).toEqual(["+45 20 00 00 00"]);
    expect(phones("+45 20 00 00 00. 2015-01-01", "DK")).toEqual(["+45 20 00 00 00"]);
    expect(phones("+45 20 00 00 00) 4111 1111 1111 1111", "DK")).toEqual(["+45 20 00 00 00"]);
    expect(phones("(sent 2015-01-01) 23 45 67 89", "DK")).toEqual(["23 45 67 89"]);
  });

  it("finds a number written right before a card number, a date or an IP address", () => {
    expect(phones("+45 22 78 72 83 4111 1111 1111 1111", "DK")).toEqual(["+45 22 78 72 83"]);
    expect(phones("+45 22 78 72 83 4400 4475 2000 0002", "DK")).toEqual(["+45 22 78 72 83"]);
    expect(phones("Ring 23 45 67 89 4111 1111 1111 1111", "DK")).toEqual(["23 45 67 89"]);
    expect(phones("+45 24 60 84 30 2029-01-04", "DK")).toEqual(["+45 24 60 84 30"]);
    expect(phones("+45 21 34 56 78 81.161.2.33", "DK")).toEqual(["+45 21 34 56 78"]);
  });

  it("reads no number out of a card after a bracket or a product number", () => {
    expect(phones("Acme Widget 3000 (4952 1995 8591 9616)", "DK")).toEqual([]);
    expect(phones("Acme Widget 3000 4952 1995 8591 9616", "DK")).toEqual([]);
  });

  it("reads Arabic-Indic digits once detect() has made them ASCII, without moving offsets", () => {
    const text = "اتصلوا على +٩٦٦ ٥٠ ١٢٣ ٤٥٦٧";
    const ascii = text.replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));
    expect(matched(text, findPhones(ascii))).toEqual(["+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧"]);
  });

  it.each(Object.keys(PHONE_PLANS) as PhoneCountry[])(
    "finds every %s number the simulator seeds",
    (country) => {
      for (let i = 0; i < 200; i++) {
        const { national, international } = phoneNumber(new Rng(31, 2, i), country);
        expect(phones(`You can reach me on ${national}.`, country), national).toEqual([national]);
        expect(phones(`Tel: ${international}, thanks`, "DK"), international).toEqual([international]);
        expect(phones(`Ring gerne på ${national}.`, undefined), national).toEqual([national]);
      }
    },
  );
});
