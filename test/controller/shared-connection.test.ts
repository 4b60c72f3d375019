import { describe, expect, it } from "vitest";
import { SharedConnection } from "../../src/controller/shared-connection.js";
import type { AccountConnection } from "../../src/sweep/connect.js";

function connection(): AccountConnection & { closes: number } {
  const conn = {
    closes: 0,
    close: async () => {
      conn.closes += 1;
    },
  };
  return conn as unknown as AccountConnection & { closes: number };
}

describe("a connection shared by an account's sweeps", () => {
  it("keeps serving the sweeps that borrowed it after it is retired, and closes once the last gives it back", async () => {
    const conn = connection();
    let unwatched = 0;
    const shared = new SharedConnection(conn, () => {
      unwatched += 1;
    });
    const first = shared.borrow();
    const second = shared.borrow();
    await shared.retire();
    expect(unwatched).toBe(1);
    expect(conn.closes).toBe(0);
    await first.release();
    await first.release();
    expect(conn.closes).toBe(0);
    await second.release();
    expect(conn.closes).toBe(1);
    await shared.retire();
    expect(conn.closes).toBe(1);
    expect(unwatched).toBe(1);
  });

  it("closes at once when retired with no sweep using it, and never while it is still current", async () => {
    const conn = connection();
    const shared = new SharedConnection(conn);
    await shared.borrow().release();
    expect(conn.closes).toBe(0);
    await shared.retire();
    expect(conn.closes).toBe(1);
  });
});
