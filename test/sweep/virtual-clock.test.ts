import { describe, expect, it } from "vitest";
import { MINUTE, SimClock } from "../../src/simulator/clock.js";
import { virtualClock } from "../support/virtual-clock.js";

// The clock the sweep tests and the benchmark run on; its behaviour decides what they measure.

describe("the virtual clock", () => {
  const frozen = () => {
    const sim = new SimClock();
    sim.freeze();
    return sim;
  };

  it("moves the simulator's clock instead of waiting", async () => {
    const sim = frozen();
    const clock = virtualClock(sim);
    const start = clock.now();

    await clock.sleep(10 * MINUTE);

    expect(clock.now()).toBe(start + 10 * MINUTE);
    expect(sim.now()).toBe(clock.now());
    expect(clock.skippedMs).toBe(10 * MINUTE);
  });

  it("lets overlapping sleeps share one timeline: each wakes at its own time, in order", async () => {
    const sim = frozen();
    const clock = virtualClock(sim);
    const start = clock.now();
    const woke: [string, number][] = [];

    await Promise.all([
      clock.sleep(30_000).then(() => woke.push(["long", clock.now() - start])),
      clock.sleep(10_000).then(() => woke.push(["short", clock.now() - start])),
    ]);

    expect(woke).toEqual([
      ["short", 10_000],
      ["long", 30_000],
    ]);
  });

  it("stands still while requests are in flight", async () => {
    const sim = frozen();
    let inFlight = 1;
    const clock = virtualClock(sim, { inFlight: () => inFlight });
    const start = clock.now();
    let awake = false;
    const sleeping = clock.sleep(MINUTE).then(() => {
      awake = true;
    });

    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(awake).toBe(false);
    expect(clock.now()).toBe(start);

    inFlight = 0;
    await sleeping;
    expect(clock.now()).toBe(start + MINUTE);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const clock = virtualClock(frozen(), { inFlight: () => 1 });
    const controller = new AbortController();
    const sleeping = clock.sleep(MINUTE, controller.signal);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
  });
});
