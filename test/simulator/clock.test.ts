import { setTimeout as wait } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { MINUTE, SimClock } from "../../src/simulator/clock.js";

describe("the simulator's clock", () => {
  it("follows real time, moved forward by advance and set", async () => {
    const clock = new SimClock();
    const start = clock.now();
    clock.advance(MINUTE);
    expect(clock.now() - start).toBeGreaterThanOrEqual(MINUTE);
    clock.set(start + 2 * MINUTE);
    expect(clock.now()).toBeGreaterThanOrEqual(start + 2 * MINUTE);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    await wait(5);
    expect(clock.now()).toBeGreaterThan(start + 2 * MINUTE);
  });

  it("stands still once frozen, so only advance and set move it", async () => {
    const clock = new SimClock();
    clock.freeze();
    const frozen = clock.now();
    await wait(5);
    expect(clock.now()).toBe(frozen);
    clock.advance(1500);
    expect(clock.now()).toBe(frozen + 1500);
    clock.set(frozen + MINUTE);
    expect(clock.now()).toBe(frozen + MINUTE);
    clock.set(frozen); // never backwards
    expect(clock.now()).toBe(frozen + MINUTE);
  });
});
