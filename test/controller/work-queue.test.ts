import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  WorkQueue,
  type WorkQueueOptions,
  type WorkResult,
} from "../../src/controller/work-queue.js";
import { ManualClock, settle } from "./manual-clock.js";

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A queue on a manual clock whose handler records each call (key and time) and runs `behave`. */
function harness(
  behave: (key: string, call: number) => Promise<{ requeueAfterMs?: number } | undefined> = async () =>
    undefined,
  options: Partial<WorkQueueOptions> = {},
) {
  const clock = new ManualClock();
  const start = clock.now();
  const calls: { key: string; at: number }[] = [];
  const results: { key: string; result: WorkResult; durationMs: number }[] = [];
  const queue = new WorkQueue(
    async (key) => {
      calls.push({ key, at: clock.now() - start });
      return behave(key, calls.filter((c) => c.key === key).length);
    },
    { concurrency: 1, clock, random: () => 1, ...options },
  );
  queue.onResult = (key, result, durationMs) => results.push({ key, result, durationMs });
  return { clock, queue, calls, results, keys: () => calls.map((c) => c.key) };
}

describe("backoffDelay", () => {
  it("doubles from the base with each failure and stops at the maximum", () => {
    const options = { baseMs: 1_000, maxMs: 30_000 };
    const delays = [1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, options, () => 1));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("shortens a delay by at most a fifth at random, so failures together do not retry together", () => {
    const options = { baseMs: 1_000, maxMs: 30_000 };
    expect(backoffDelay(3, options, () => 0)).toBe(3_200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(3_600);
    expect(backoffDelay(10, options, () => 0)).toBe(24_000);
  });
});

describe("WorkQueue", () => {
  it("handles nothing before start, then a key added several times once", async () => {
    const { queue, keys } = harness();
    queue.add("a/x");
    queue.add("a/x");
    queue.add("a/y");
    queue.add("a/x");
    await settle();
    expect(keys()).toEqual([]);
    expect(queue.depth).toBe(2);
    queue.start();
    await settle();
    expect(keys()).toEqual(["a/x", "a/y"]);
    expect(queue.depth).toBe(0);
  });

  it("never handles one key in two workers at once, and handles a key added during its run again after", async () => {
    const gates: Deferred[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const { queue, keys } = harness(
      async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        running -= 1;
        return undefined;
      },
      { concurrency: 4 },
    );
    queue.start();
    queue.add("a/x");
    await settle();
    queue.add("a/x");
    queue.add("a/x");
    await settle();
    expect(keys()).toEqual(["a/x"]);
    gates[0]!.resolve();
    await settle();
    expect(keys()).toEqual(["a/x", "a/x"]);
    gates[1]!.resolve();
    await settle();
    expect(keys()).toEqual(["a/x", "a/x"]);
    expect(mostAtOnce).toBe(1);
  });

  it("handles at most `concurrency` keys at the same time, in the order they were added", async () => {
    const gates = new Map<string, Deferred>();
    let running = 0;
    let mostAtOnce = 0;
    const { queue, keys } = harness(
      async (key) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        const gate = deferred();
        gates.set(key, gate);
        await gate.promise;
        running -= 1;
        return undefined;
      },
      { concurrency: 2 },
    );
    for (const key of ["n/a", "n/b", "n/c", "n/d", "n/e"]) queue.add(key);
    queue.start();
    await settle();
    expect(keys()).toEqual(["n/a", "n/b"]);
    expect(queue.depth).toBe(3);
    gates.get("n/b")!.resolve();
    await settle();
    expect(keys()).toEqual(["n/a", "n/b", "n/c"]);
    for (const key of ["n/a", "n/c", "n/d", "n/e"]) {
      gates.get(key)?.resolve();
      await settle();
    }
    gates.get("n/e")?.resolve();
    await settle();
    expect(keys()).toEqual(["n/a", "n/b", "n/c", "n/d", "n/e"]);
    expect(mostAtOnce).toBe(2);
  });

  it("handles a key added for later only when its time comes", async () => {
    const { clock, queue, calls } = harness();
    queue.start();
    queue.addAfter("a/x", 10_000);
    expect(queue.depth).toBe(0);
    await clock.advance(9_999);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual([{ key: "a/x", at: 10_000 }]);
  });

  it("keeps the earliest of several pending times for one key", async () => {
    const { clock, queue, calls } = harness();
    queue.start();
    queue.addAfter("a/x", 10_000);
    queue.addAfter("a/x", 5_000);
    queue.addAfter("a/x", 20_000);
    queue.addAfter("a/y", 7_000);
    await clock.advance(60_000);
    expect(calls).toEqual([
      { key: "a/x", at: 5_000 },
      { key: "a/y", at: 7_000 },
    ]);
  });

  it("handles a key added now at once and drops its later pending time", async () => {
    const { clock, queue, calls } = harness();
    queue.start();
    queue.addAfter("a/x", 10_000);
    await clock.advance(1_000);
    queue.add("a/x");
    await clock.advance(60_000);
    expect(calls).toEqual([{ key: "a/x", at: 1_000 }]);
  });

  it("counts waiting keys that are due as depth, not those waiting for later or being handled", async () => {
    const gate = deferred();
    const { queue } = harness(async () => {
      await gate.promise;
      return undefined;
    });
    queue.add("a/x");
    queue.add("a/y");
    queue.addAfter("a/z", 5_000);
    expect(queue.depth).toBe(2);
    queue.start();
    await settle();
    expect(queue.depth).toBe(1);
    gate.resolve();
    await settle();
    expect(queue.depth).toBe(0);
  });

  it("retries a failing key with exponential backoff up to the maximum, and resets it after a success", async () => {
    const { clock, queue, calls, results } = harness(
      async (_key, call) => {
        if (call <= 5 || call === 7) throw new Error("boom");
        return undefined;
      },
      { baseDelayMs: 1_000, maxDelayMs: 8_000 },
    );
    queue.start();
    queue.add("a/x");
    await clock.advance(120_000);
    expect(calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 23_000]);
    expect(results.map((r) => r.result)).toEqual(["error", "error", "error", "error", "error", "success"]);
    // After the success the count starts again: the next failure waits the base delay.
    queue.add("a/x");
    await clock.advance(120_000);
    expect(calls.map((c) => c.at).slice(6)).toEqual([120_000, 121_000]);
    expect(results.map((r) => r.result).slice(6)).toEqual(["error", "success"]);
  });

  it("keeps each key's backoff to itself", async () => {
    const { clock, queue, calls } = harness(
      async (key, call) => {
        if (key === "a/bad" && call <= 3) throw new Error("boom");
        return undefined;
      },
      { baseDelayMs: 1_000, concurrency: 2 },
    );
    queue.start();
    queue.add("a/bad");
    queue.add("a/good");
    await clock.advance(2_500);
    queue.add("a/good");
    await clock.advance(60_000);
    expect(calls.filter((c) => c.key === "a/good").map((c) => c.at)).toEqual([0, 2_500]);
    expect(calls.filter((c) => c.key === "a/bad").map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000]);
  });

  it("jitters retries below the exponential delay", async () => {
    const { clock, queue, calls } = harness(
      async () => {
        throw new Error("boom");
      },
      { baseDelayMs: 1_000, random: () => 0 },
    );
    queue.start();
    queue.add("a/x");
    await clock.advance(6_000);
    expect(calls.map((c) => c.at)).toEqual([0, 800, 2_400, 5_600]);
  });

  it("counts a handler that throws before returning a promise as an error and retries it", async () => {
    const clock = new ManualClock();
    const results: WorkResult[] = [];
    let calls = 0;
    const queue = new WorkQueue(
      ((_key: string) => {
        calls += 1;
        if (calls === 1) throw new Error("synchronous");
        return Promise.resolve({});
      }) as (key: string) => Promise<{ requeueAfterMs?: number }>,
      { concurrency: 1, clock, random: () => 1 },
    );
    queue.onResult = (_key, result) => results.push(result);
    queue.start();
    queue.add("a/x");
    await clock.advance(1_000);
    expect(results).toEqual(["error", "success"]);
  });

  it("handles a key again after the requeueAfterMs its handler returned", async () => {
    const { clock, queue, calls, results } = harness(async (_key, call) =>
      call === 1 ? { requeueAfterMs: 30_000 } : undefined,
    );
    queue.start();
    queue.add("a/x");
    await clock.advance(60_000);
    expect(calls.map((c) => c.at)).toEqual([0, 30_000]);
    expect(results.map((r) => r.result)).toEqual(["requeue", "success"]);
  });

  it("handles a key added during a failing run right after it, without waiting for the backoff", async () => {
    const gate = deferred();
    const { clock, queue, calls } = harness(async (_key, call) => {
      if (call === 1) {
        await gate.promise;
        throw new Error("boom");
      }
      return undefined;
    });
    queue.start();
    queue.add("a/x");
    await settle();
    queue.add("a/x");
    gate.resolve();
    await settle();
    expect(calls.map((c) => c.at)).toEqual([0, 0]);
    await clock.advance(60_000);
    expect(calls).toHaveLength(2);
  });

  it("reports each run's result and its duration on the queue's clock", async () => {
    const { clock, queue, results } = harness(async (key) => {
      await clock.sleep(250);
      if (key === "a/bad") throw new Error("boom");
      return key === "a/later" ? { requeueAfterMs: 1_000_000 } : {};
    });
    queue.start();
    queue.add("a/ok");
    queue.add("a/bad");
    queue.add("a/later");
    await clock.advance(750);
    expect(results).toEqual([
      { key: "a/ok", result: "success", durationMs: 250 },
      { key: "a/bad", result: "error", durationMs: 250 },
      { key: "a/later", result: "requeue", durationMs: 250 },
    ]);
  });

  it("keeps working when the result hook throws", async () => {
    const { queue, keys } = harness();
    queue.onResult = () => {
      throw new Error("hook");
    };
    queue.start();
    queue.add("a/x");
    await settle();
    queue.add("a/y");
    await settle();
    expect(keys()).toEqual(["a/x", "a/y"]);
  });

  it("does not run a handler inside add(), so an informer callback never runs a reconcile", () => {
    const { queue, keys } = harness();
    queue.start();
    queue.add("a/x");
    expect(keys()).toEqual([]);
  });

  it("on shutdown stops taking keys and resolves once the runs in flight finished", async () => {
    const gate = deferred();
    const { clock, queue, keys } = harness(async (key) => {
      if (key === "a/slow") await gate.promise;
      return undefined;
    });
    queue.start();
    queue.add("a/slow");
    queue.add("a/waiting");
    queue.addAfter("a/later", 1_000);
    await settle();
    let finished = false;
    const done = queue.shutdown().then(() => {
      finished = true;
    });
    queue.add("a/after-shutdown");
    await settle();
    expect(finished).toBe(false);
    gate.resolve();
    await done;
    await clock.advance(10_000);
    expect(keys()).toEqual(["a/slow"]);
    expect(clock.pendingSleeps).toBe(0);
  });

  it("does not retry a run that fails while shutting down", async () => {
    const gate = deferred();
    const { clock, queue, keys } = harness(async () => {
      await gate.promise;
      throw new Error("cancelled");
    });
    queue.start();
    queue.add("a/x");
    await settle();
    const done = queue.shutdown();
    gate.resolve();
    await done;
    await clock.advance(60_000);
    expect(keys()).toEqual(["a/x"]);
  });

  it("refuses a concurrency below one", () => {
    expect(() => new WorkQueue(async () => ({}), { concurrency: 0 })).toThrow(/concurrency must be/);
  });
});
