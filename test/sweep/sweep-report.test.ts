import { describe, expect, it } from "vitest";
import type { SweepIdentity } from "../../src/sweep/evidence.js";
import { counted, SweepEnding } from "../../src/sweep/sweep-report.js";
import { emptyTally } from "../../src/sweep/sweep-state.js";

// The sentences a sweep ends with go to status, logs and the demo's output: people read them, so
// one item is "1 ticket", not "1 tickets".

const START = new Date("2026-11-23T10:00:00Z");
const identity: SweepIdentity = {
  sweepId: "20261123T100000Z-00000000",
  account: { namespace: "privacy", name: "acme" },
  policy: { namespace: "privacy", name: "retention", generation: 1 },
};
const clock = { now: () => START.getTime() + 1_000, sleep: async () => undefined };

function ending(noun: "tickets" | "users", matched: number): SweepEnding {
  const end = new SweepEnding(identity, noun, START, clock, undefined, undefined);
  end.started(matched);
  return end;
}

describe("a sweep's closing sentence", () => {
  it("says 1 ticket and 1 user, and the plural for any other count", () => {
    const one = { ...emptyTally(), acted: 1 };
    expect(ending("tickets", 1).ran({ ended: "exhausted" }, one, 100).summary.message).toBe(
      "1 ticket handled: 1 acted on, 0 needed no change, 0 failed.",
    );
    expect(ending("users", 1).ran({ ended: "cancelled" }, emptyTally(), 100).summary.message).toBe(
      "The sweep was cancelled after 0 of 1 user (0 acted on, 0 needed no change, 0 failed); the next sweep continues where it stopped.",
    );
    const two = { ...emptyTally(), acted: 1, failed: 1, failures: { Validation: 1 } };
    expect(ending("users", 2).ran({ ended: "exhausted" }, two, 100).summary.message).toBe(
      "2 users handled: 1 acted on, 0 needed no change, 1 failed (Validation 1); the next sweep tries the failed ones again.",
    );
  });

  it("counts any noun given in the plural", () => {
    expect([0, 1, 2].map((n) => counted(n, "API requests"))).toEqual([
      "0 API requests",
      "1 API request",
      "2 API requests",
    ]);
  });
});
