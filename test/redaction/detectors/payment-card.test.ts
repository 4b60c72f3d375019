import { describe, expect, it } from "vitest";
import { cardNetwork, findPaymentCards, luhnValid } from "../../../src/redaction/detectors/payment-card.js";
import { cardNumber } from "../../../src/simulator/seed/pii.js";
import { Rng } from "../../../src/simulator/seed/rng.js";
import { matched } from "./matched.js";

const cards = (text: string): string[] => matched(text, findPaymentCards(text));

describe("findPaymentCards", () => {
  it("finds cards of the major networks, compact or grouped with spaces or dashes", () => {
    const text =
      "Visa 4111 1111 1111 1111, MC 5555-5555-5555-4444, 2-series 2223003122003222, " +
      "Amex 3782 822463 10005, Discover 6011111111111117, JCB 3530 1113 3330 0000, Dankort 5019 7170 1010 3742";
    expect(cards(text)).toEqual([
      "4111 1111 1111 1111",
      "5555-5555-5555-4444",
      "2223003122003222",
      "3782 822463 10005",
      "6011111111111117",
      "3530 1113 3330 0000",
      "5019 7170 1010 3742",
    ]);
    expect(findPaymentCards(text).map((f) => f.kind)).toEqual([
      "visa",
      "mastercard",
      "mastercard",
      "amex",
      "discover",
      "jcb",
      "dankort",
    ]);
  });

  it("rejects numbers with a wrong check digit", () => {
    expect(cards("4111 1111 1111 1112 and 5555-5555-5555-4445 and 378282246310006")).toEqual([]);
  });

  it("rejects Luhn-valid numbers outside the issuers' prefixes and lengths", () => {
    // Both pass Luhn: 1234 5678 9012 3452 has no issuer, and a 17-digit Visa is never issued.
    expect(luhnValid("1234567890123452")).toBe(true);
    expect(cards("ref 1234 5678 9012 3452 and 41111111111111113")).toEqual([]);
  });

  it("finds a card inside a longer run of digit groups, ending at a group boundary", () => {
    expect(cards("card 4111 1111 1111 1111 1227")).toEqual(["4111 1111 1111 1111"]);
  });

  it("does not take cards from the middle of codes and longer numbers", () => {
    expect(cards("ORD-4111111111111111 X4111111111111111 41111111111111110")).toEqual([]);
  });

  it("leaves order numbers, tracking numbers, dates and prices alone", () => {
    const text =
      "ORD-2024-001234, INV-2024-00042, 1Z999AA10123456784, 9400 1118 9922 3856 9284 99, " +
      "00340434161234567890, 12.03.2024, 1.234.567,89 kr, SKU-10442-BK";
    expect(cards(text)).toEqual([]);
  });

  it("finds every card the simulator seeds", () => {
    for (let i = 0; i < 500; i++) {
      const card = cardNumber(new Rng(3, 1, i));
      expect(cards(`Betalt med kort ${card}.`), card).toEqual([card]);
    }
  });

  it("knows the networks by prefix and length", () => {
    expect(cardNetwork("4111111111111")).toBe("visa");
    expect(cardNetwork("2720991111111113")).toBe("mastercard");
    expect(cardNetwork("2721001111111111")).toBeUndefined();
    expect(cardNetwork("371449635398431")).toBe("amex");
    expect(cardNetwork("3714496353984310")).toBeUndefined();
  });
  it("does not read a card across the end of a phone number and a date", () => {
    expect(cards("+45 24 60 84 30 2029-01-04")).toEqual([]);
    expect(cards("4009 4735 3482 9199 2029-03-18")).toEqual(["4009 4735 3482 9199"]);
  });

  it("reports both of two overlapping valid readings, so no digit of the real card is left", () => {
    const text = "3000 4323 5634 6121 2150";
    const covered = new Set(
      findPaymentCards(text).flatMap((f) => [...Array(f.end - f.start).keys()].map((i) => f.start + i)),
    );
    const digitsAt = [...text].flatMap((ch, i) => (/\d/.test(ch) ? [i] : []));
    expect(digitsAt.filter((i) => !covered.has(i))).toEqual([]);
  });
});
