import { describe, expect, it } from "vitest";
import { findIbans } from "../../../src/redaction/detectors/iban.js";
import { IBAN_LAYOUTS, type IbanCountry, iban } from "../../../src/simulator/seed/pii.js";
import { Rng } from "../../../src/simulator/seed/rng.js";
import { matched } from "./matched.js";

const ibans = (text: string): string[] => matched(text, findIbans(text));

describe("findIbans", () => {
  it("finds IBANs printed in groups of four or compact, in either case", () => {
    const text = "Til DK50 0040 0440 1162 43 eller GB82WEST12345698765432, de89 3704 0044 0532 0130 00.";
    expect(ibans(text)).toEqual([
      "DK50 0040 0440 1162 43",
      "GB82WEST12345698765432",
      "de89 3704 0044 0532 0130 00",
    ]);
    expect(findIbans(text).map((f) => f.kind)).toEqual(["DK", "GB", "DE"]);
  });

  it("finds IBANs of every seeded country", () => {
    for (const country of Object.keys(IBAN_LAYOUTS) as IbanCountry[]) {
      for (let i = 0; i < 100; i++) {
        const value = iban(new Rng(9, 3, i), country);
        expect(ibans(`IBAN: ${value}\n`), value).toEqual([value]);
      }
    }
  });

  it("rejects a wrong check digit, a wrong length and an unknown country", () => {
    expect(
      ibans("DK50 0040 0440 1162 44, DK50 0040 0440 1162 4, DK50 0040 0440 1162 431, XX50 0040 0440 1162 43"),
    ).toEqual([]);
  });

  it("rejects IBANs whose national check digits are wrong (Norway's mod 11)", () => {
    // NO93 8601 1117 947 is the registry example; changing the account's last digit breaks the
    // national check while the mod-97 digits are recomputed to pass.
    expect(ibans("NO93 8601 1117 947")).toEqual(["NO93 8601 1117 947"]);
    expect(ibans("NO66 8601 1117 948")).toEqual([]);
  });

  it("does not read an IBAN out of a longer code", () => {
    expect(ibans("XDK5000400440116243 DK50004004401162431")).toEqual([]);
  });

  it("leaves order numbers, postcodes and product codes alone", () => {
    expect(ibans("ORD-2024-001234, SE12 345 Stockholm, AB12 CD34, SKU-10442-BK")).toEqual([]);
  });
});
