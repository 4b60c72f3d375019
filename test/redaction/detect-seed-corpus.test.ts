import { describe, expect, it } from "vitest";
import { detect } from "../../src/redaction/detect.js";
import { DETECTOR_NAMES, type DetectionOptions, type Finding } from "../../src/redaction/types.js";
import { Account } from "../../src/simulator/account.js";
import { SimClock } from "../../src/simulator/clock.js";
import { seedAccount } from "../../src/simulator/seed/index.js";
import { BUSINESS_SLOTS, type CorpusText, PERSONAL_SLOTS, seedCorpus } from "./detectors/seed-corpus.js";

// The detectors against the simulator's seed: every sentence template of every language, filled
// with seeded customers' personal data and business data. Every planted personal value must be
// covered in full; no planted order number, invoice number, product, SKU, date or amount may be
// touched. The account's region is the customer's own, another country's, or none at all.

const covered = (findings: readonly Finding[], i: number): boolean =>
  findings.some((f) => f.start <= i && i < f.end);

function problems(corpus: readonly CorpusText[], region: (c: CorpusText) => string | undefined): string[] {
  const out: string[] = [];
  for (const c of corpus) {
    const options: DetectionOptions = { detectors: DETECTOR_NAMES, known: c.known };
    const r = region(c);
    if (r) options.region = r;
    const findings = detect(c.text, options);
    for (const p of c.planted) {
      const chars = [...Array(p.end - p.start).keys()]
        .map((k) => p.start + k)
        .filter((i) => !/\s/.test(c.text[i] ?? ""));
      if (PERSONAL_SLOTS.has(p.slot) && !chars.every((i) => covered(findings, i)))
        out.push(`${c.label}: ${p.slot} not fully found`);
      if (BUSINESS_SLOTS.has(p.slot) && chars.some((i) => covered(findings, i)))
        out.push(`${c.label}: ${p.slot} touched`);
    }
  }
  return out;
}

describe("detectors on the simulator's seeded texts", () => {
  const corpus = seedCorpus(11, 4);

  it("covers thousands of texts in every language pack", () => {
    expect(corpus.length).toBeGreaterThan(2000);
    expect(new Set(corpus.map((c) => c.profile.language)).size).toBeGreaterThanOrEqual(9);
  });

  it("finds every planted personal value and touches no business value, in the customer's region", () => {
    expect(problems(corpus, (c) => c.profile.country)).toEqual([]);
  });

  it("does the same for an account in another region (Denmark)", () => {
    expect(problems(corpus, () => "DK")).toEqual([]);
  });

  it("does the same for an account without a region", () => {
    expect(problems(corpus, () => undefined)).toEqual([]);
  });
});

describe("detectors on a seeded account's comments", () => {
  it("find every occurrence of the requester's name, email and phone in every comment", () => {
    const account = new Account("acme", new SimClock());
    seedAccount(account, { seed: 17, tickets: 150 });
    let checked = 0;
    for (const ticket of account.tickets.values()) {
      const requester = account.users.get(ticket.requester_id);
      if (!requester?.email) continue;
      const values = [requester.name, requester.email, requester.phone].filter((v): v is string => !!v);
      const known = {
        names: [requester.name],
        emails: [requester.email],
        phones: requester.phone ? [requester.phone] : [],
      };
      for (const comment of account.comments(ticket)) {
        const findings = detect(comment.body, { detectors: DETECTOR_NAMES, known });
        for (const value of values) {
          for (let at = comment.body.indexOf(value); at >= 0; at = comment.body.indexOf(value, at + 1)) {
            checked++;
            for (let i = at; i < at + value.length; i++) {
              if (!/\s/.test(comment.body[i] ?? ""))
                expect(covered(findings, i), `ticket ${ticket.id}`).toBe(true);
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
