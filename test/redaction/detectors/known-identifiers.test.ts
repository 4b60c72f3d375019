import { describe, expect, it } from "vitest";
import { findKnownIdentifiers, phoneForms } from "../../../src/redaction/detectors/known-identifiers.js";
import type { KnownIdentifiers } from "../../../src/redaction/types.js";
import { matched } from "./matched.js";

const people = (names: string[], emails: string[] = [], phones: string[] = []): KnownIdentifiers => ({
  names,
  emails,
  phones,
});
const found = (text: string, known: KnownIdentifiers, region = "DK"): string[] =>
  matched(text, findKnownIdentifiers(text, known, region));

describe("known names", () => {
  it("finds the full name and each part, case- and diacritic-insensitively", () => {
    const known = people(["Søren Østergaard"]);
    expect(found("Hej Søren, SØREN ØSTERGAARD og soren ostergaard. Østergaard ringede.", known)).toEqual([
      "Søren",
      "SØREN ØSTERGAARD",
      "soren ostergaard",
      "Østergaard",
    ]);
  });

  it("matches precomposed and combining accents alike, and compatibility forms", () => {
    const known = people(["José García-López"]);
    expect(found("José, Jose\u0301, JOSÉ GARCÍA-LÓPEZ, garcia lopez, Ｊｏｓｅ", known)).toEqual([
      "José",
      "Jose\u0301",
      "JOSÉ GARCÍA-LÓPEZ",
      "garcia lopez",
      "Ｊｏｓｅ",
    ]);
  });

  it("keeps word boundaries: a name inside a longer word is not found", () => {
    const known = people(["Anna Jensen"]);
    expect(found("Annalise, Jensenius, savannah and Hannah stay", known)).toEqual([]);
  });

  it("ends a name before a genitive s, with or without an apostrophe", () => {
    expect(found("Sørens ordre og Søren's pakke", people(["Søren Jensen"]))).toEqual(["Søren", "Søren"]);
  });

  it("finds Arabic names with or without tashkeel, after the clitics و and ب, and compounds spaced or not", () => {
    const known = people(["محمد عبدالله"]);
    expect(found("مرحباً محمد، ومُحَمَّد وبمحمد. عبد الله وعبدالله", known)).toEqual([
      "محمد",
      "مُحَمَّد",
      "محمد",
      "عبد الله",
      "عبدالله",
    ]);
    expect(found("أحمد وإبراهيم", people(["احمد ابراهيم"]))).toEqual(["أحمد", "إبراهيم"]);
  });

  it("finds Hebrew names after a one-letter prefix, in right-to-left text with direction marks", () => {
    expect(found("שלום \u200fדוד\u200f, ולדוד כהן", people(["דוד כהן"]))).toEqual(["דוד", "דוד כהן"]);
  });

  it("finds CJK names without spaces, and a Chinese given name on its own", () => {
    expect(found("田中さんの注文、田中太郎様", people(["田中 太郎"]))).toEqual(["田中", "田中太郎"]);
    expect(found("王小明你好，小明", people(["王小明"]))).toEqual(["王小明", "小明"]);
  });

  it("finds Korean names followed by particles, and the given name alone", () => {
    expect(found("김민준님 안녕하세요, 민준씨", people(["김민준"]))).toEqual(["김민준", "민준"]);
  });

  it("finds Cyrillic and Greek names in any case", () => {
    expect(found("Привет, Иван! ИВАН ПЕТРОВ", people(["Иван Петров"]))).toEqual(["Иван", "ИВАН ПЕТРОВ"]);
    expect(found("Γεια σου ΝΙΚΟΣ, Νίκος", people(["Νίκος Παπαδόπουλος"]))).toEqual(["ΝΙΚΟΣ", "Νίκος"]);
  });

  it("finds names next to emoji", () => {
    expect(found("🎉Anna🎉 👋🏽Anna", people(["Anna Jensen"]))).toEqual(["Anna", "Anna"]);
  });

  it("finds a part that is also an ordinary word only where it is written as a name", () => {
    const known = people(["Will Smith"]);
    expect(found("Will you call? Hi Will, thanks. I will.\nBest,\nWill", known)).toEqual(["Will", "Will"]);
    expect(found("Hans kone hedder Hans Jensen; hans bil er rød.", people(["Hans Jensen"]))).toEqual([
      "Hans Jensen",
    ]);
    expect(found("أمل سعيد و يوم سعيد", people(["أمل سعيد"]))).toEqual(["أمل سعيد"]);
  });

  it("finds particles, titles and initials only beside another part of the name", () => {
    expect(found("Maria de la Cruz wrote de la casa", people(["María de la Cruz"]))).toEqual([
      "Maria de la Cruz",
    ]);
    expect(found("Dr. Anna Lee and J. Smith, not Dr. Who", people(["Dr. Anna Lee", "J. Smith"]))).toEqual([
      "Dr. Anna Lee",
      "J. Smith",
    ]);
  });

  it("keeps two mentions of one name apart when punctuation stands between them", () => {
    expect(found("Søren, Søren Jensen. Jensen", people(["Søren Jensen"]))).toEqual([
      "Søren",
      "Søren Jensen",
      "Jensen",
    ]);
  });
});

describe("known emails", () => {
  it("finds a person's address in any case, and not inside a longer address", () => {
    const known = people([], ["anna@example.com"]);
    expect(
      found("ANNA@Example.com, anna@example.com.evil.org, xanna@example.com, anna@example.community", known),
    ).toEqual(["ANNA@Example.com"]);
  });
});

describe("known phones", () => {
  it("finds a person's phone in any formatting, by its digits", () => {
    const known = people([], [], ["+4523456789"]);
    expect(
      found("+45 23 45 67 89, 23456789, 0045-23-45-67-89, (+45) 2345 6789 and 123456789", known),
    ).toEqual(["+45 23 45 67 89", "23456789", "0045-23-45-67-89", "+45) 2345 6789"]);
  });

  it("finds the national form with its trunk prefix", () => {
    expect(found("ring 070-123 45 67", people([], [], ["+46 70 123 45 67"]))).toEqual(["070-123 45 67"]);
  });

  it("reads a phone stored without a country code in the account's region", () => {
    expect(phoneForms("23 45 67 89", "DK")).toEqual(
      expect.arrayContaining(["23456789", "4523456789", "004523456789"]),
    );
  });

  it("finds phones written in Arabic-Indic digits", () => {
    expect(found("جوالي ٠٥٠١٢٣٤٥٦٧", people([], [], ["+966501234567"]), "SA")).toEqual(["٠٥٠١٢٣٤٥٦٧"]);
  });
});
