import { isIP } from "node:net";
import { isValidIBAN } from "ibantools";
import { isValidPhoneNumber, parsePhoneNumber } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { postalAddress } from "../../src/simulator/seed/addresses.js";
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
import { BIRTH_DATE, cardBrand, ibanValid, luhnValid, NATIONAL_ID_VALID } from "./pii-checks.js";

const rngs = (n: number, stream: number): Rng[] => Array.from({ length: n }, (_, i) => new Rng(7, stream, i));

describe("payment cards", () => {
  it("pass Luhn, carry real issuer prefixes and the brand's usual grouping", () => {
    const seen = new Set<string>();
    for (const rng of rngs(2000, 1)) {
      const card = cardNumber(rng);
      const brand = cardBrand(card);
      expect(brand, card).not.toBeNull();
      seen.add(brand!);
    }
    expect([...seen].sort()).toEqual(["amex", "mastercard", "visa"]);
  });

  it("include Mastercard's 2-series range", () => {
    const twoSeries = rngs(2000, 2)
      .map((r) => cardNumber(r, "mastercard").replace(/\D/g, ""))
      .filter((d) => d.startsWith("2"));
    expect(twoSeries.length).toBeGreaterThan(0);
  });
});

describe("IBANs", () => {
  it.each(Object.keys(IBAN_LAYOUTS))(
    "%s IBANs have correct mod-97 check digits and national length",
    (country) => {
      for (const rng of rngs(300, 3)) {
        const value = iban(rng, country as IbanCountry);
        expect(value.startsWith(country)).toBe(true);
        expect(ibanValid(value), value).toBe(true);
      }
    },
  );

  // ibantools also checks the national check digits inside the BBAN (NO, PL, ES, PT, FR among others),
  // as a strict detector would.
  it.each(Object.keys(IBAN_LAYOUTS))("%s IBANs pass a strict validator's national checks", (country) => {
    for (const rng of rngs(300, 5)) {
      const value = iban(rng, country as IbanCountry);
      expect(isValidIBAN(value.replace(/ /g, "")), value).toBe(true);
    }
  });
});

describe("national id numbers", () => {
  it.each(Object.keys(NATIONAL_IDS) as NationalIdKind[])("%s numbers have valid checksums", (kind) => {
    for (const rng of rngs(500, 4)) {
      const value = NATIONAL_IDS[kind](rng);
      expect(NATIONAL_ID_VALID[kind](value), value).toBe(true);
    }
  });

  it.each(Object.keys(BIRTH_DATE) as NationalIdKind[])(
    "%s numbers encode a real past birth date in the century their markers say, 2000s births included where the scheme has them",
    (kind) => {
      const years = new Set<number>();
      for (const rng of rngs(500, 5)) {
        const value = NATIONAL_IDS[kind](rng);
        const born = BIRTH_DATE[kind]!(value);
        expect(born, value).not.toBeNull();
        expect(born!.getTime(), value).toBeLessThan(Date.now());
        years.add(Math.floor(born!.getUTCFullYear() / 100));
      }
      expect(years.has(19)).toBe(true);
      if (kind === "FI_HETU" || kind === "PL_PESEL") expect(years.has(20)).toBe(true);
    },
  );

  it("the birth-date decoders follow the century rules", () => {
    expect(BIRTH_DATE.DK_CPR!("010105-4000")?.getUTCFullYear()).toBe(2005);
    expect(BIRTH_DATE.DK_CPR!("010170-4000")?.getUTCFullYear()).toBe(1970);
    expect(BIRTH_DATE.NO_FODSELSNUMMER!("01010550000")?.getUTCFullYear()).toBe(2005);
    expect(BIRTH_DATE.FI_HETU!("131052-308T")?.getUTCFullYear()).toBe(1952);
    expect(BIRTH_DATE.FI_HETU!("010105A123X")?.getUTCFullYear()).toBe(2005);
    expect(BIRTH_DATE.PL_PESEL!("05222812345")?.getUTCFullYear()).toBe(2005);
    expect(BIRTH_DATE.PL_PESEL!("05332812345")).toBeNull();
  });

  it("the validators reject a number with a wrong check digit", () => {
    expect(NATIONAL_ID_VALID.DK_CPR("010190-1234")).toBe(false);
    expect(NATIONAL_ID_VALID.PL_PESEL("44051401359")).toBe(true);
    expect(NATIONAL_ID_VALID.PL_PESEL("44051401358")).toBe(false);
    expect(NATIONAL_ID_VALID.BR_CPF("111.444.777-35")).toBe(true);
    expect(NATIONAL_ID_VALID.BR_CPF("111.444.777-36")).toBe(false);
    expect(NATIONAL_ID_VALID.FI_HETU("131052-308T")).toBe(true);
    expect(NATIONAL_ID_VALID.ES_DNI("12345678Z")).toBe(true);
    expect(luhnValid("4111 1111 1111 1111")).toBe(true);
    expect(ibanValid("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ibanValid("GB82 WEST 1234 5698 7654 33")).toBe(false);
  });
});

describe("phone numbers", () => {
  it.each(Object.keys(PHONE_PLANS) as PhoneCountry[])(
    "%s numbers are valid nationally and internationally",
    (country) => {
      const plan = PHONE_PLANS[country];
      for (const rng of rngs(200, 5)) {
        const phone = phoneNumber(rng, country);
        expect(isValidPhoneNumber(phone.national, country), phone.national).toBe(true);
        expect(isValidPhoneNumber(phone.international), phone.international).toBe(true);
        expect(phone.international.startsWith(`+${plan.code} `)).toBe(true);
        expect(parsePhoneNumber(phone.international).countryCallingCode).toBe(plan.code);
      }
    },
  );
});

describe("addresses, emails and IP addresses", () => {
  it("IPv4 and IPv6 addresses parse", () => {
    for (const rng of rngs(300, 6)) {
      expect(isIP(ipv4(rng))).toBe(4);
      expect(isIP(ipv6(rng))).toBe(6);
    }
  });

  it("email addresses are plain ASCII, even for Polish and Arabic-transliterated names", () => {
    const rng = new Rng(1, 7, 1);
    expect(emailAddress(rng, "Łukasz", "Wiśniewska", ["wp.pl"], 42)).toMatch(/^[a-z._]+42@wp\.pl$/);
    expect(emailAddress(rng, "Søren", "Østergaard", ["mail.dk"], 7)).toMatch(/^[a-z._]+7@mail\.dk$/);
  });

  it("addresses follow the country's format", () => {
    const rng = new Rng(1, 8, 1);
    expect(postalAddress(rng, "PL")).toMatch(/^ul\. .+, \d{2}-\d{3} \S+/);
    expect(postalAddress(rng, "DK")).toMatch(/, \d{4} \S+/);
    expect(postalAddress(rng, "SE")).toMatch(/, \d{3} \d{2} \S+/);
    expect(postalAddress(rng, "BR")).toMatch(/ - [A-Z]{2}, \d{5}-\d{3}$/);
    expect(postalAddress(rng, "US")).toMatch(/, [A-Z]{2} \d{5}$/);
    expect(postalAddress(rng, "SA")).toMatch(/[\u0600-\u06FF]/);
  });
});
