import { describe, expect, it } from "vitest";
import { type ExecuteInput, type ExecuteResult, execute } from "../../src/sweep/execute.js";
import type { ItemOutcome } from "../../src/sweep/outcome.js";
import { ManualClock, settle } from "../controller/manual-clock.js";

// The sweep's work loop on its own, with items the test holds in flight: a cancellation lets
// items in flight finish within the grace (a shutdown), a stop "now" aborts them at once (a
// replica that lost its leader Lease), and an item whose claim was still being written when the
// loop was stopped is not begun.

interface Held {
  id: number;
  signal: AbortSignal;
  finish(): void;
}

/** A loop over `ids` whose acts wait until the test finishes them (or their signal aborts). */
function loop(ids: number[], options: { graceMs?: number; claim?: () => Promise<void> } = {}) {
  const clock = new ManualClock();
  const cancel = new AbortController();
  const stopNow = new AbortController();
  const inFlight: Held[] = [];
  const acted: number[] = [];
  const recorded: number[] = [];
  const input: ExecuteInput = {
    source: async function* () {
      yield* ids;
    },
    seen: new Set(),
    limit: ids.length,
    concurrency: 1,
    batchSize: 1,
    claim: options.claim ?? (async () => undefined),
    act: (batch, signal) => {
      acted.push(...batch);
      return new Promise<ItemOutcome[]>((resolve, reject) => {
        const id = batch[0]!;
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        inFlight.push({ id, signal, finish: () => resolve([{ item: { id } } as unknown as ItemOutcome]) });
      });
    },
    record: async (outcomes) => {
      for (const outcome of outcomes) recorded.push(outcome.item.id);
    },
    signal: cancel.signal,
    stopNow: stopNow.signal,
    clock,
    ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
  };
  let result: ExecuteResult | undefined;
  const running = execute(input).then((r) => {
    result = r;
    return r;
  });
  return {
    clock,
    cancel,
    stopNow,
    inFlight,
    acted,
    recorded,
    running,
    get result() {
      return result;
    },
  };
}

describe("the sweep's work loop", () => {
  it("lets an item in flight finish within the grace after a cancellation, records it, and takes no more", async () => {
    const run = loop([1, 2, 3], { graceMs: 20_000 });
    await settle();
    expect(run.acted).toEqual([1]);

    run.cancel.abort(new Error("the operator is shutting down"));
    await run.clock.advance(10_000);
    expect(run.inFlight[0]!.signal.aborted).toBe(false);
    run.inFlight[0]!.finish();
    expect(await run.running).toEqual({ ended: "cancelled" });
    expect(run.recorded).toEqual([1]);
    expect(run.acted).toEqual([1]);
  });

  it("aborts an item still in flight when the cancellation's grace runs out, and does not record it", async () => {
    const run = loop([1, 2], { graceMs: 20_000 });
    await settle();
    run.cancel.abort(new Error("the operator is shutting down"));
    await run.clock.advance(19_999);
    expect(run.result).toBeUndefined();
    await run.clock.advance(1);
    expect(await run.running).toEqual({ ended: "cancelled" });
    expect(run.inFlight[0]!.signal.aborted).toBe(true);
    expect(run.recorded).toEqual([]);
  });

  it("aborts items in flight at once on stopNow, without waiting for the grace", async () => {
    const run = loop([1, 2, 3], { graceMs: 20_000 });
    await settle();
    run.stopNow.abort(new Error("this replica lost its leader Lease"));
    run.cancel.abort(new Error("this replica lost its leader Lease"));
    // No time passes.
    expect(await run.running).toEqual({ ended: "cancelled" });
    expect(run.inFlight[0]!.signal.aborted).toBe(true);
    expect(run.recorded).toEqual([]);
    expect(run.acted).toEqual([1]);
  });

  it("cuts a cancellation's grace short when stopNow follows it", async () => {
    const run = loop([1, 2], { graceMs: 20_000 });
    await settle();
    run.cancel.abort(new Error("the operator is shutting down"));
    await run.clock.advance(5_000);
    expect(run.inFlight[0]!.signal.aborted).toBe(false);
    run.stopNow.abort(new Error("this replica lost its leader Lease"));
    expect(await run.running).toEqual({ ended: "cancelled" });
    expect(run.inFlight[0]!.signal.aborted).toBe(true);
    expect(run.recorded).toEqual([]);
  });

  it("does not begin an item whose claim was still being written when the loop was stopped", async () => {
    let claimed = (): void => undefined;
    const run = loop([1, 2], {
      graceMs: 1_000,
      claim: () =>
        new Promise<void>((resolve) => {
          claimed = resolve;
        }),
    });
    await settle();
    // The journal write of item 1's claim is slow; meanwhile the sweep is cancelled and its grace
    // runs out.
    run.cancel.abort(new Error("the operator is shutting down"));
    await run.clock.advance(1_000);
    claimed();
    expect(await run.running).toEqual({ ended: "cancelled" });
    expect(run.acted).toEqual([]);
  });
});
