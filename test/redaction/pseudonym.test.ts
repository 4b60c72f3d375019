import { describe, expect, it } from "vitest";
import { isPseudonym, normaliseIdentifier, pseudonym } from "../../src/redaction/pseudonym.js";

const key = "account-secret-0123456789";

describe("pseudonym", () => {
  it("gives the same token for the same value and key, and another token under another key", () => {
    expect(pseudonym(key, "anna@example.com")).toBe(pseudonym(key, "anna@example.com"));
    expect(pseudonym(key, "anna@example.com")).not.toBe(pseudonym(`${key}-other`, "anna@example.com"));
    expect(pseudonym(key, "anna@example.com")).not.toBe(pseudonym(key, "bob@example.com"));
  });

  it("matches an address whatever its case and surrounding whitespace", () => {
    expect(pseudonym(key, " Anna@Example.COM ")).toBe(pseudonym(key, "anna@example.com"));
  });

  it("matches a name with and without accents, and with doubled spaces", () => {
    expect(pseudonym(key, "José  García")).toBe(pseudonym(key, "jose garcia"));
    expect(pseudonym(key, "Jose\u0301 Garci\u0301a")).toBe(pseudonym(key, "José García"));
  });

  it("keeps the vowel signs of scripts where they change the name", () => {
    expect(pseudonym(key, "राम")).not.toBe(pseudonym(key, "रम"));
  });

  it("matches a phone number written with spaces, dashes or brackets", () => {
    expect(pseudonym(key, "+45 12 34-56 78")).toBe(pseudonym(key, "+4512345678"));
    expect(pseudonym(key, "(555) 010-0199")).toBe(pseudonym(key, "5550100199"));
  });

  it("is letters only after its prefix, so no number detector can mistake it for a number", () => {
    const token = pseudonym(key, "4111 1111 1111 1111");
    expect(token).toMatch(/^anon-[a-z]{16}$/);
    expect(isPseudonym(token)).toBe(true);
  });

  it("leaves a pseudonym as it is, so pseudonymising twice changes nothing", () => {
    const token = pseudonym(key, "Anna Berg");
    expect(pseudonym(key, token)).toBe(token);
  });

  it("refuses an empty key, which would make tokens guessable", () => {
    expect(() => pseudonym("", "Anna")).toThrow(/pseudonym key is empty/);
  });
});

describe("normaliseIdentifier", () => {
  it("folds compatibility forms such as fullwidth letters", () => {
    expect(normaliseIdentifier("ＡＮＮＡ")).toBe("anna");
  });
});
