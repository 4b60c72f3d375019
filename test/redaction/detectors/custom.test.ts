import { describe, expect, it } from "vitest";
import {
  compileCustomPattern,
  customPatternProblem,
  findCustomPatterns,
  hasNestedRepetition,
  MAX_CUSTOM_MATCHES,
} from "../../../src/redaction/detectors/custom.js";
import { matched } from "./matched.js";

describe("findCustomPatterns", () => {
  it("finds every match of every pattern, whatever flags the pattern came with", () => {
    const text = "Member M-1234 and member m-5678; loyalty LY99";
    const found = findCustomPatterns(text, [/M-\d{4}/i, /LY\d+/]);
    expect(matched(text, found)).toEqual(["M-1234", "m-5678", "LY99"]);
    expect(found.every((f) => f.detector === "custom")).toBe(true);
  });

  it("skips zero-length matches instead of looping on them", () => {
    const text = "abc 123 def";
    expect(matched(text, findCustomPatterns(text, [/\d*/]))).toEqual(["123"]);
    expect(findCustomPatterns(text, [/(?=x)/])).toEqual([]);
  });

  it("matches whole code points, so an emoji or astral letter is never split", () => {
    const text = "ticket 😀😀 𝒜𝒷";
    expect(matched(text, findCustomPatterns(text, [/😀+/, /\p{L}+$/u]))).toEqual(["😀😀", "𝒜𝒷"]);
  });

  it("caps the matches of one pattern in one text", () => {
    const text = "x ".repeat(MAX_CUSTOM_MATCHES + 50);
    expect(findCustomPatterns(text, [/x/])).toHaveLength(MAX_CUSTOM_MATCHES);
  });

  it("does not depend on the state of a global pattern passed in", () => {
    const pattern = /\d+/g;
    pattern.lastIndex = 5;
    expect(matched("1 22 333", findCustomPatterns("1 22 333", [pattern]))).toEqual(["1", "22", "333"]);
    expect(matched("4 55", findCustomPatterns("4 55", [pattern]))).toEqual(["4", "55"]);
  });
});

describe("compileCustomPattern", () => {
  it("compiles a policy pattern in Unicode mode, case-insensitive by default", () => {
    const re = compileCustomPattern("kunde-\\d+");
    expect(re.unicode || re.unicodeSets).toBe(true);
    expect(matched("KUNDE-12", findCustomPatterns("KUNDE-12", [re]))).toEqual(["KUNDE-12"]);
  });

  it("refuses nested repetition, the shape of catastrophic backtracking", () => {
    for (const source of ["(a+)+", "(\\w+\\s?)*$", "(?:x*y)+", "((ab)*c)*", "(a|b+){2,}", "((a+))+"]) {
      expect(customPatternProblem(source), source).toMatch(/repeats a group/);
      expect(() => compileCustomPattern(source)).toThrow(/Custom pattern rejected/);
    }
  });

  it("accepts ordinary patterns, including lookbehind, classes and bounded groups", () => {
    for (const source of [
      "(?<=ID )\\d{6}",
      "[A-Z]{2}\\d{6}",
      "(ab){2}",
      "(?:\\d{3}-){2}\\d{4}",
      "\\p{L}+",
      "(a+)?",
    ]) {
      expect(customPatternProblem(source), source).toBeUndefined();
    }
    expect(hasNestedRepetition("[(a+)+]")).toBe(false);
    expect(hasNestedRepetition("\\(a+\\)+")).toBe(false);
  });

  it("says what is wrong with an empty or invalid pattern", () => {
    expect(customPatternProblem("")).toMatch(/empty/);
    expect(customPatternProblem("(unclosed")).toMatch(/not a valid regular expression/);
  });
});
