import { describe, expect, it } from "vitest";
import { applyMasking, graphemes, maskableSpans, maskFull } from "../../src/redaction/mask.js";
import { isPseudonym } from "../../src/redaction/pseudonym.js";
import type { Finding, Masking } from "../../src/redaction/types.js";

const M = "\u2587";
const blocks: Masking = { mode: "Detected", replacement: { kind: "blocks" } };
const full: Masking = { mode: "Full", replacement: { kind: "blocks" } };
const at = (text: string, part: string, detector: Finding["detector"] = "email"): Finding => {
  const start = text.indexOf(part);
  if (start < 0) throw new Error("part not in text");
  return { detector, start, end: start + part.length };
};

describe("maskFull", () => {
  it("writes one ▇ per character and keeps spaces, tabs and line breaks", () => {
    expect(maskFull("Hi Anna,\n\tcall me\r\nBye")).toBe(
      `${M}${M} ${M}${M}${M}${M}${M}\n\t${M}${M}${M}${M} ${M}${M}\r\n${M}${M}${M}`,
    );
  });

  it("writes one ▇ for a letter with combining accents", () => {
    expect(maskFull("Jose\u0301 Zoe\u0308\u0301")).toBe(`${M}${M}${M}${M} ${M}${M}${M}`);
  });

  it("writes one ▇ for an emoji ZWJ sequence, a flag and a skin-tone emoji", () => {
    expect(maskFull("👨‍👩‍👧‍👦 🇩🇰 👍🏽")).toBe(`${M} ${M} ${M}`);
  });

  it("masks Arabic with its vowel marks one ▇ per letter and keeps the spaces between words", () => {
    const arabic = "مُحَمَّد عَلِي";
    expect(maskFull(arabic)).toBe(`${M}${M}${M}${M} ${M}${M}${M}`);
  });

  it("masks Devanagari syllables one ▇ per grapheme cluster", () => {
    expect(maskFull("नमस्ते")).toBe(M.repeat(graphemes("नमस्ते").length));
  });

  it("keeps non-breaking and ideographic spaces", () => {
    expect(maskFull("a\u00a0b\u3000c")).toBe(`${M}\u00a0${M}\u3000${M}`);
  });

  it("changes nothing when the text is already masked", () => {
    const once = maskFull("Anna Berg 👩🏽‍💻\nمرحبا");
    expect(maskFull(once)).toBe(once);
  });
});

describe("applyMasking in Detected mode", () => {
  it("masks only the findings and leaves the rest as written", () => {
    const text = "Order 4411 from anna@example.com, shipped 2024-05-01.";
    expect(applyMasking(text, [at(text, "anna@example.com")], blocks)).toBe(
      `Order 4411 from ${M.repeat(16)}, shipped 2024-05-01.`,
    );
  });

  it("widens a finding that stops before a combining accent, so no accent is left dangling", () => {
    const text = "Dear Jose\u0301, thanks";
    const finding = at(text, "Jose", "knownIdentifiers");
    expect(applyMasking(text, [finding], blocks)).toBe(`Dear ${M}${M}${M}${M}, thanks`);
  });

  it("widens a finding that cuts an emoji sequence in half", () => {
    const text = "x 👨‍👩‍👧 y";
    const start = text.indexOf("👨");
    expect(applyMasking(text, [{ detector: "custom", start, end: start + 2 }], blocks)).toBe(`x ${M} y`);
  });

  it("masks overlapping and touching findings once, as their union", () => {
    const text = "call +45 12 34 56 78 now";
    const findings: Finding[] = [
      { detector: "phone", start: 5, end: 14 },
      { detector: "custom", start: 9, end: 20 },
    ];
    expect(applyMasking(text, findings, blocks)).toBe(
      `call ${M}${M}${M} ${M}${M} ${M}${M} ${M}${M} ${M}${M} now`,
    );
  });

  it("ignores findings outside the text instead of throwing", () => {
    expect(applyMasking("abc", [{ detector: "custom", start: 2, end: 50 }], blocks)).toBe(`ab${M}`);
    expect(applyMasking("abc", [{ detector: "custom", start: 10, end: 50 }], blocks)).toBe("abc");
  });

  it("writes a fixed text in place of each finding", () => {
    const text = "a@x.io and b@y.io";
    const masking: Masking = { mode: "Detected", replacement: { kind: "text", text: "[email]" } };
    expect(applyMasking(text, [at(text, "a@x.io"), at(text, "b@y.io")], masking)).toBe("[email] and [email]");
  });

  it("writes the same pseudonym for the same person however the address is capitalised", () => {
    const text = "From Anna@Example.com, cc anna@example.com";
    const masking: Masking = { mode: "Detected", replacement: { kind: "pseudonym", key: "k".repeat(32) } };
    const findings = [at(text, "Anna@Example.com"), at(text, "anna@example.com")];
    const masked = applyMasking(text, findings, masking);
    const [first, second] = masked.match(/anon-[a-z]+/g)!;
    expect(first).toBe(second);
    expect(isPseudonym(first!)).toBe(true);
    expect(masked).not.toContain("xample");
  });
});

describe("applyMasking in Full mode", () => {
  it("masks the whole text with blocks whatever the findings", () => {
    expect(applyMasking("Anna Berg", [], full)).toBe(`${M.repeat(4)} ${M.repeat(4)}`);
  });

  it("replaces the whole text by a fixed text, and leaves it alone the second time", () => {
    const masking: Masking = { mode: "Full", replacement: { kind: "text", text: "[removed]" } };
    const once = applyMasking("Anna\nBerg", [], masking);
    expect(once).toBe("[removed]");
    expect(applyMasking(once, [], masking)).toBe(once);
  });

  it("leaves empty and whitespace-only text as it is", () => {
    const masking: Masking = { mode: "Full", replacement: { kind: "text", text: "[removed]" } };
    expect(applyMasking("", [], masking)).toBe("");
    expect(applyMasking(" \n ", [], masking)).toBe(" \n ");
  });

  it("replaces the whole text by one pseudonym that stays when masked again", () => {
    const masking: Masking = { mode: "Full", replacement: { kind: "pseudonym", key: "secret-key-123456" } };
    const once = applyMasking("Anna Berg", [], masking);
    expect(isPseudonym(once)).toBe(true);
    expect(applyMasking(once, [], masking)).toBe(once);
  });
});

describe("maskableSpans", () => {
  it("sorts, merges and widens spans to whole grapheme clusters", () => {
    const text = "e\u0301e\u0301 x";
    expect(
      maskableSpans(text, [
        { start: 5, end: 6 },
        { start: 0, end: 1 },
        { start: 2, end: 3 },
      ]),
    ).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 6 },
    ]);
  });
});
