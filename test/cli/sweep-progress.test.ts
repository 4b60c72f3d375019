import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CounterHistory,
  etaSeconds,
  formatDuration,
  ProgressBar,
  renderProgress,
} from "../../src/cli/progress.js";

// The progress line of `hush sweep` on a terminal: items, rate, budget used and ETA, on one line
// that fits the terminal, redrawn a few times a second.

const START = Date.parse("2026-11-23T10:00:00Z");

describe("the progress line", () => {
  it("shows items done of those matched, acted, failed, rate, budget used and ETA", () => {
    const line = renderProgress(
      { matched: 10_000, processed: 2_500, acted: 2_400, failed: 3 },
      { itemsPerSecond: 12.5, requestsLastMinute: 6_300 },
      { requests: 90_000, allowedPerMinute: 7_000 },
      START,
      200,
    );
    expect(line).toBe(
      "[███████░░░░░░░░░░░░░░░░░░░░░░░] 2,500/10,000 items · 2,400 acted · 3 failed · 12.5/s · budget 6,300/7,000 a min (90%) · ETA 10m 0s",
    );
  });

  it("counts towards the per-sweep limit when fewer items than match will be handled", () => {
    const line = renderProgress(
      { matched: 50_000, limit: 10_000, processed: 5_000, acted: 5_000, failed: 0 },
      { itemsPerSecond: 10, requestsLastMinute: undefined },
      undefined,
      START,
      200,
    );
    expect(line).toContain("5,000/10,000 items");
    expect(line).toContain("ETA 8m 20s");
  });

  it("says it is counting before the matches are known", () => {
    const line = renderProgress(
      { processed: 0, acted: 0, failed: 0 },
      { itemsPerSecond: undefined, requestsLastMinute: 2 },
      { requests: 2, allowedPerMinute: 350 },
      START,
    );
    expect(line).toBe("counting matches… · budget 2/350 a min (1%)");
  });

  it("keeps items, rate, budget used and ETA on an 80-column terminal, the budget as a percentage", () => {
    const line = renderProgress(
      { matched: 10_000, processed: 2_500, acted: 2_400, failed: 3 },
      { itemsPerSecond: 12.5, requestsLastMinute: 6_300 },
      { requests: 1, allowedPerMinute: 7_000 },
      START,
      80,
    );
    expect(line).toBe("2,500/10,000 items · 2,400 acted · 3 failed · 12.5/s · budget 90% · ETA 10m 0s");
  });

  it("drops the bar, then shortens the budget, then drops rate, budget and ETA to fit a narrow terminal, and keeps the counts", () => {
    const state = { matched: 10_000, processed: 2_500, acted: 2_400, failed: 3 };
    const rates = { itemsPerSecond: 12.5, requestsLastMinute: 6_300 };
    const budget = { requests: 1, allowedPerMinute: 7_000 };
    for (const columns of [120, 100, 80, 60, 40]) {
      const line = renderProgress(state, rates, budget, START, columns);
      expect(line.length).toBeLessThan(columns);
      expect(line).toContain("2,500/10,000 items");
    }
    expect(renderProgress(state, rates, budget, START, 100)).toBe(
      "2,500/10,000 items · 2,400 acted · 3 failed · 12.5/s · budget 6,300/7,000 a min (90%) · ETA 10m 0s",
    );
    expect(renderProgress(state, rates, budget, START, 75)).toBe(
      "2,500/10,000 items · 2,400 acted · 3 failed · budget 90% · ETA 10m 0s",
    );
    expect(renderProgress(state, rates, budget, START, 60)).toBe(
      "2,500/10,000 items · 2,400 acted · 3 failed · ETA 10m 0s",
    );
  });

  it("prefers the sweep's own estimate of its end to the recent rate", () => {
    const state = { matched: 100, processed: 50, acted: 50, failed: 0, estimatedEndMs: START + 90_000 };
    expect(etaSeconds(state, { itemsPerSecond: 1, requestsLastMinute: undefined }, START)).toBe(90);
    const { estimatedEndMs: _, ...withoutEstimate } = state;
    expect(etaSeconds(withoutEstimate, { itemsPerSecond: 1, requestsLastMinute: undefined }, START)).toBe(50);
    expect(
      etaSeconds(withoutEstimate, { itemsPerSecond: undefined, requestsLastMinute: undefined }, START),
    ).toBe(undefined);
  });

  it("formats durations for a glance", () => {
    expect([0, 59, 75, 3600, 4000, 90_000].map(formatDuration)).toEqual([
      "0s",
      "59s",
      "1m 15s",
      "1h 0m",
      "1h 6m",
      "1d 1h",
    ]);
  });
});

describe("the budget used in the last minute", () => {
  it("is the increase of the budget's request count over the last 60 s", () => {
    const history = new CounterHistory();
    expect(history.increase(60_000)).toBeUndefined();
    history.add(START, 100);
    history.add(START + 30_000, 400);
    expect(history.increase(60_000)).toEqual({ by: 300, overMs: 30_000 });
    history.add(START + 61_000, 1_000);
    history.add(START + 90_000, 1_300);
    // The baseline is the last sample at least a minute old.
    expect(history.increase(60_000)).toEqual({ by: 900, overMs: 60_000 });
  });
});

describe("the progress bar", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("redraws one line at most every interval and erases it when it stops", () => {
    vi.useFakeTimers();
    let now = START;
    let requests = 0;
    const writes: string[] = [];
    const bar = new ProgressBar({
      stream: { write: (text: string) => writes.push(text), columns: 200 },
      now: () => now,
      budget: () => ({ requests, allowedPerMinute: 350 }),
      intervalMs: 250,
    });
    bar.start();
    expect(writes).toEqual(["\rcounting matches…\x1b[K"]);

    bar.update({
      sweepId: "s1",
      startTime: new Date(START).toISOString(),
      matched: 40,
      processed: 0,
      acted: 0,
      failed: 0,
    });
    for (let i = 0; i < 10; i++) {
      bar.itemDone({
        result: i === 0 ? "failed" : "acted",
        item: { kind: "ticket", id: i + 1 },
      } as Parameters<ProgressBar["itemDone"]>[0]);
    }
    now += 2_000;
    requests = 70;
    vi.advanceTimersByTime(249);
    expect(writes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.startsWith("\r[")).toBe(true);
    expect(writes[1]!.endsWith("\x1b[K")).toBe(true);
    expect(writes[1]).toContain(
      "] 10/40 items · 9 acted · 1 failed · 5.0/s · budget 70/350 a min (20%) · ETA 6s",
    );

    bar.stop();
    expect(writes.at(-1)).toBe("\r\x1b[K");
    vi.advanceTimersByTime(1_000);
    expect(writes.at(-1)).toBe("\r\x1b[K");
  });
});
