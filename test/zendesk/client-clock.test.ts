import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/zendesk/clock.js";

describe("systemClock", () => {
  it("ends a sleep early with the abort signal's own reason", async () => {
    const abort = new AbortController();
    const sleeping = systemClock.sleep(60_000, abort.signal).catch((e: unknown) => e);
    abort.abort(new Error("sweep cancelled"));
    expect(await sleeping).toEqual(new Error("sweep cancelled"));
  });

  it("refuses to start a sleep when already aborted", async () => {
    await expect(systemClock.sleep(0, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
  });
});
