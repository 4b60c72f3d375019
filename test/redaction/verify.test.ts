import { describe, expect, it } from "vitest";
import { countResidual, isFullyMasked, residualFindings } from "../../src/redaction/verify.js";

const M = "\u2587";
const detection = { detectors: ["email" as const, "phone" as const], region: "DK" };

describe("residualFindings", () => {
  it("finds nothing in texts whose personal data was masked", () => {
    expect(residualFindings([`Mail ${M.repeat(16)} about order 4411`, "Thanks!"], detection)).toEqual([]);
  });

  it("reports what is left, with the index of the text it is in and without the matched text", () => {
    const residual = residualFindings(["clean", `Mail ${M.repeat(5)} or anna@example.com`], detection);
    expect(residual).toEqual([{ detector: "email", start: 14, end: 30, text: 1 }]);
  });

  it("counts residual findings per detector, every detector present", () => {
    const counts = countResidual(residualFindings(["a@b.dk and c@d.dk"], detection));
    expect(counts.email).toBe(2);
    expect(counts.phone).toBe(0);
    expect(counts.iban).toBe(0);
  });
});

describe("isFullyMasked", () => {
  it("accepts text of ▇ and whitespace only", () => {
    expect(isFullyMasked(`${M}${M} ${M}\n\t${M}`)).toBe(true);
    expect(isFullyMasked("")).toBe(true);
  });

  it("rejects text where any other character is left", () => {
    expect(isFullyMasked(`${M}${M} a`)).toBe(false);
    expect(isFullyMasked(`${M}\u0301`)).toBe(false);
  });
});
