import { describe, expect, it } from "vitest";
import { detect, mergeOverlapping } from "../../src/redaction/detect.js";
import { DETECTOR_NAMES, type Finding } from "../../src/redaction/types.js";

const f = (detector: Finding["detector"], start: number, end: number, kind?: string): Finding =>
  kind === undefined ? { detector, start, end } : { detector, start, end, kind };

describe("detect", () => {
  it("runs only the selected detectors", () => {
    const text = "Mail anna@example.com or call +45 23 45 67 89";
    expect(detect(text, { detectors: ["email"] }).map((x) => x.detector)).toEqual(["email"]);
    expect(detect(text, { detectors: ["phone"] }).map((x) => x.detector)).toEqual(["phone"]);
    expect(detect(text, { detectors: [] })).toEqual([]);
  });

  it("returns findings sorted, within the text and without overlaps", () => {
    const text =
      "Anna Jensen (anna@example.com, +45 23 45 67 89) paid with 4111 1111 1111 1111 from 81.161.2.33; " +
      "IBAN DK50 0040 0440 1162 43, CPR 211062-5629, Vesterbrogade 12, 1620 København V.";
    const found = detect(text, {
      detectors: DETECTOR_NAMES,
      region: "DK",
      known: { names: ["Anna Jensen"], emails: ["anna@example.com"], phones: ["+4523456789"] },
      patterns: [/CPR/],
    });
    expect(found.map((x) => x.detector)).toEqual(
      expect.arrayContaining([
        "knownIdentifiers",
        "paymentCard",
        "ipAddress",
        "iban",
        "custom",
        "nationalId",
        "postalAddress",
      ]),
    );
    for (let i = 0; i < found.length; i++) {
      const x = found[i]!;
      expect(x.start).toBeGreaterThanOrEqual(0);
      expect(x.end).toBeLessThanOrEqual(text.length);
      expect(x.end).toBeGreaterThan(x.start);
      if (i > 0) expect(x.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
    }
  });

  it("covers the union of overlapping findings, so no part of either item stays visible", () => {
    // The known email and the email detector find the same span; the custom pattern overlaps it.
    const text = "write to anna@example.com now";
    const found = detect(text, {
      detectors: ["email", "knownIdentifiers", "custom"],
      known: { names: [], emails: ["anna@example.com"], phones: [] },
      patterns: [/to anna/],
    });
    expect(found).toHaveLength(1);
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe("to anna@example.com");
  });

  it("reads numbers written in Arabic-Indic digits", () => {
    const text = "رقم البطاقة ٤١١١ ١١١١ ١١١١ ١١١١";
    const found = detect(text, { detectors: ["paymentCard"] });
    expect(found.map((x) => text.slice(x.start, x.end))).toEqual(["٤١١١ ١١١١ ١١١١ ١١١١"]);
  });

  it("finds nothing in an empty text", () => {
    expect(detect("", { detectors: DETECTOR_NAMES })).toEqual([]);
  });
});

describe("mergeOverlapping", () => {
  it("sorts findings and keeps touching ones apart", () => {
    expect(mergeOverlapping([f("email", 5, 9), f("phone", 0, 5)])).toEqual([
      f("phone", 0, 5),
      f("email", 5, 9),
    ]);
  });

  it("merges a chain of overlaps into one finding named after its longest member", () => {
    expect(mergeOverlapping([f("custom", 0, 4), f("iban", 2, 20, "DK"), f("phone", 18, 25)])).toEqual([
      f("iban", 0, 25, "DK"),
    ]);
  });

  it("drops empty findings", () => {
    expect(mergeOverlapping([f("custom", 3, 3)])).toEqual([]);
  });
});
