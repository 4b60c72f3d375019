import { describe, expect, it } from "vitest";
import {
  fold,
  foldWithOrigin,
  isolatedToken,
  isWholeWord,
  toAsciiDigits,
} from "../../../src/redaction/text.js";

describe("fold", () => {
  it("removes case, diacritics and compatibility forms, and writes ligatures and stroked letters out", () => {
    expect(fold("ÆRØ Łódź STRAẞE ﬁne Ｊｏｓé İstanbul")).toBe("aero lodz strasse fine jose istanbul");
  });

  it("unifies Arabic letter variants and drops tashkeel and tatweel", () => {
    expect(fold("أحمد إبراهيم آمنة مُحَمَّد مـحـمـد فاطمة ليلى")).toBe(
      fold("احمد ابراهيم امنه محمد محمد فاطمه ليلي"),
    );
  });

  it("keeps Hangul syllables whole and Greek final sigma equal to sigma", () => {
    expect(fold("김민준")).toBe("김민준");
    expect(fold("ΝΊΚΟΣ")).toBe(fold("νίκοσ"));
  });
});

describe("foldWithOrigin", () => {
  it("maps every folded unit back to the original character that produced it", () => {
    const text = "Æble 😀 Jose\u0301!";
    const { folded, origin } = foldWithOrigin(text);
    expect(folded).toBe("aeble 😀 jose!");
    expect(Array.from(origin.slice(0, 3))).toEqual([0, 0, 1]);
    const bang = folded.indexOf("!");
    expect(text[origin[bang] ?? -1]).toBe("!");
    expect(origin[folded.length]).toBe(text.length);
  });

  it("is the identity map for ASCII text", () => {
    const { folded, origin } = foldWithOrigin("Hello World");
    expect(folded).toBe("hello world");
    expect(Array.from(origin)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});

describe("boundaries", () => {
  it("knows word characters of every script, including combining marks", () => {
    expect(isWholeWord("a Anna b", 2, 6)).toBe(true);
    expect(isWholeWord("Annalise", 0, 4)).toBe(false);
    expect(isWholeWord("محمدعلي", 0, 4)).toBe(false);
    expect(isWholeWord("Jose\u0301", 0, 4)).toBe(false);
    expect(isWholeWord("😀Anna😀", 2, 6)).toBe(true);
  });

  it("treats a number joined to a code by - / . , as part of that code", () => {
    expect(isolatedToken("ORD-2024-001234", 9, 15)).toBe(false);
    expect(isolatedToken("1.234.567", 2, 5)).toBe(false);
    expect(isolatedToken("call 12345678, thanks", 5, 13)).toBe(true);
    expect(isolatedToken("(12345678).", 1, 9)).toBe(true);
  });
});

describe("toAsciiDigits", () => {
  it("replaces Arabic-Indic, Persian, Devanagari and fullwidth digits without moving offsets", () => {
    const text = "٠١٢٣٤٥٦٧٨٩ ۰۱۲ ०१२ ０１２ abc";
    const ascii = toAsciiDigits(text);
    expect(ascii).toBe("0123456789 012 012 012 abc");
    expect(ascii.length).toBe(text.length);
  });

  it("returns ASCII text unchanged", () => {
    const text = "Order 123";
    expect(toAsciiDigits(text)).toBe(text);
  });
});
