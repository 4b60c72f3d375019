import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runConcurrently } from "../../src/sweep/workers.js";

describe("runConcurrently", () => {
  it("works on every item with at most the given number in flight, and keeps the items' order", async () => {
    let running = 0;
    let most = 0;
    const results = await runConcurrently([5, 1, 4, 2, 3, 0, 6], 3, async (n, index) => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await nextTurn();
      running -= 1;
      return `${index}:${n}`;
    });

    expect(results).toEqual(["0:5", "1:1", "2:4", "3:2", "4:3", "5:0", "6:6"]);
    expect(most).toBe(3);
  });

  it("refuses a concurrency that is not a positive integer", async () => {
    await expect(runConcurrently([1], 0, async (n) => n)).rejects.toThrow(/concurrency/);
  });

  it("passes a failure on", async () => {
    await expect(
      runConcurrently([1, 2], 2, async (n) => {
        if (n === 2) throw new Error("item 2 failed");
        return n;
      }),
    ).rejects.toThrow("item 2 failed");
  });
});
