import { describe, expect, it } from "vitest";
import type { RedactionPolicyStatus } from "../../src/api/redaction-policy.js";
import type { PolicyRuntime } from "../../src/local/policy-runtime.js";
import { sweepsAtStart } from "../../src/local/policy-set.js";
import { emptyTally, type UnfinishedSweep } from "../../src/sweep/sweep-state.js";

// Whether a policy found when hush run starts sweeps at once, whatever its schedule.

const lastSweep = (result: "Cancelled" | "LimitReached" | "AwaitingApproval" | "Succeeded") => ({
  sweepId: "s",
  startTime: "2026-05-01T09:00:00.000Z",
  completionTime: "2026-05-01T09:10:00.000Z",
  result,
  counts: { matched: 5, acted: 0, skipped: 0, failed: 0, residual: 0 },
});

const runtime = (status: RedactionPolicyStatus | undefined, extra: Partial<PolicyRuntime> = {}) =>
  ({ generation: 2, status, approval: undefined, ...extra }) as PolicyRuntime;

const unfinished = (generation: number): UnfinishedSweep => ({
  checkpoint: {
    sweepId: "s",
    startTime: "2026-05-01T09:00:00.000Z",
    policy: { generation },
    planKey: "k",
    released: 5,
    reported: emptyTally(),
  },
  done: new Set(),
  tally: emptyTally(),
  owed: [],
  inFlight: [],
});

describe("sweepsAtStart", () => {
  it("resumes a sweep of the same generation that a crash or a shutdown cut short", () => {
    const cancelled = { conditions: [], observedGeneration: 2, lastSweep: lastSweep("Cancelled") };
    expect(sweepsAtStart(runtime(cancelled), unfinished(2))).toBe(true);
    const crashed = {
      conditions: [],
      observedGeneration: 2,
      currentSweep: {
        sweepId: "s",
        startTime: "2026-05-01T09:00:00Z",
        matched: 5,
        processed: 1,
        acted: 1,
        failed: 0,
      },
    };
    expect(sweepsAtStart(runtime(crashed), undefined)).toBe(true);
  });

  it("leaves an unfinished sweep of an older generation to the schedule", () => {
    const cancelled = { conditions: [], observedGeneration: 1, lastSweep: lastSweep("Cancelled") };
    expect(sweepsAtStart(runtime(cancelled), unfinished(1))).toBe(false);
  });

  it("leaves the rest of a sweep stopped by maxItemsPerSweep to the schedule", () => {
    const limited = { conditions: [], observedGeneration: 2, lastSweep: lastSweep("LimitReached") };
    expect(sweepsAtStart(runtime(limited), unfinished(2))).toBe(false);
  });

  it("runs a waiting sweep whose preview the annotation approves, and only that one", () => {
    const waiting = {
      conditions: [],
      observedGeneration: 2,
      lastSweep: lastSweep("AwaitingApproval"),
      preview: {
        id: "g2-n5-0123abcd",
        generation: 2,
        time: "2026-05-01T09:10:00Z",
        count: 5,
        sampleIds: [1],
        estimatedRequests: 10,
        estimatedDurationSeconds: 2,
      },
    };
    expect(sweepsAtStart(runtime(waiting, { approval: "g2-n5-0123abcd" }), undefined)).toBe(true);
    expect(sweepsAtStart(runtime(waiting, { approval: "g1-n5-0123abcd" }), undefined)).toBe(false);
    expect(sweepsAtStart(runtime(waiting), undefined)).toBe(false);
  });

  it("waits for the schedule after a sweep that ended", () => {
    const done = { conditions: [], observedGeneration: 2, lastSweep: lastSweep("Succeeded") };
    expect(sweepsAtStart(runtime(done), undefined)).toBe(false);
    expect(sweepsAtStart(runtime(undefined), undefined)).toBe(false);
  });
});
