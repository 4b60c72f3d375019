import { describe, expect, it } from "vitest";
import type { ItemOutcome } from "../../src/sweep/outcome.js";
import { redactTicket } from "../../src/sweep/ticket.js";
import { useSimulator } from "../support/sim.js";
import {
  Crash,
  context,
  crashingClient,
  createCustomer,
  INGRID_TRACES,
  importClosedTicket,
  simTicket,
  textsOf,
  ticketSpec,
  ticketsWithExternalId,
  useHush,
} from "./fixtures.js";

// Replace must survive a crash anywhere: before or after any request, and a request that Zendesk
// carried out but whose answer was lost. Each case crashes one run on a fresh ticket, checks that
// the original was not deleted before its copy existed, then runs again and checks the end state:
// exactly one copy, redacted, and the original gone.

const spec = ticketSpec({ closedTickets: "Replace" });
const options = { permanentlyDeleteOriginals: true };
const link = (id: number) => `hush-replaces-${id}`;

/** The requests of one Replace with permanent deletion, in order: the state machine's steps. */
const REPLACE_REQUESTS = [
  "GET /api/v2/tickets/{id}", // the original
  "GET /api/v2/tickets/{id}/comments",
  "GET /api/v2/users/show_many", // the people on it
  "GET /api/v2/tickets", // its copy by external_id (consistent)
  "GET /api/v2/search", // its copy if archived
  "POST /api/v2/imports/tickets", // the copy
  "GET /api/v2/tickets/{id}", // the copy, read back
  "GET /api/v2/tickets/{id}/comments",
  "DELETE /api/v2/tickets/{id}", // the original, soft
  "DELETE /api/v2/deleted_tickets/{id}", // the original, permanently (a job)
];

/** Write routes as the simulator names them, for its lost-response fault. */
const WRITES = [
  "POST /api/v2/imports/tickets",
  "DELETE /api/v2/tickets/:id",
  "DELETE /api/v2/deleted_tickets/:id",
];

describe("a restart at every step of Replace", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const hush = useHush(s);

  const freshTicket = async () => importClosedTicket(s.current, await createCustomer(s.current));

  /** What must hold whenever a run stops: the original is live, or its one complete copy is. */
  async function expectNothingLost(originalId: number): Promise<void> {
    const original = await simTicket(s.current, originalId);
    const copies = ticketsWithExternalId(s.current, link(originalId)).filter((t) => t.state === "live");
    expect(copies.length).toBeLessThanOrEqual(1);
    if (original.state !== "live") {
      expect(copies).toHaveLength(1);
      expect((await simTicket(s.current, copies[0]!.id)).comments).toHaveLength(3);
    }
  }

  /** The end state after a finished run: one redacted copy, the original permanently deleted. */
  async function expectReplaced(originalId: number, outcome: ItemOutcome): Promise<void> {
    expect(
      outcome.result === "acted" || (outcome.result === "skipped" && outcome.reason === "AlreadyReplaced"),
    ).toBe(true);
    const copies = ticketsWithExternalId(s.current, link(originalId));
    expect(copies).toEqual([{ id: outcome.copyId, state: "live" }]);
    const copy = await simTicket(s.current, outcome.copyId!);
    expect(copy.comments).toHaveLength(3);
    for (const trace of INGRID_TRACES) expect(textsOf(copy)).not.toContain(trace);
    expect((await simTicket(s.current, originalId)).state).toBe("scrubbed");
  }

  it("takes these steps when nothing goes wrong", async () => {
    const id = await freshTicket();
    const client = crashingClient(s.current);

    const outcome = await redactTicket(context(client), id, spec, options);

    expect(client.sent).toEqual(REPLACE_REQUESTS);
    await expectReplaced(id, outcome);
    await client.close();
  });

  const crashes = REPLACE_REQUESTS.flatMap((request, i) =>
    (["before", "after"] as const).map((when) => ({ step: i + 1, when, request })),
  );

  it.each(crashes)("finishes after a crash $when request $step ($request)", async ({ step, when }) => {
    const id = await freshTicket();
    const client = crashingClient(s.current);
    client.crash = { request: step, when };

    await expect(redactTicket(context(client), id, spec, options)).rejects.toBeInstanceOf(Crash);
    await client.close();
    await expectNothingLost(id);

    await expectReplaced(id, await redactTicket(context(hush.client), id, spec, options));
  });

  it.each(WRITES)("finishes when Zendesk carried out %s but the answer was lost", async (route) => {
    const id = await freshTicket();
    await s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 1, lostResponseRoutes: [route] });
    try {
      await redactTicket(context(hush.client), id, spec, options);
    } finally {
      await s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 0, lostResponseRoutes: [] });
    }
    await expectNothingLost(id);

    await expectReplaced(id, await redactTicket(context(hush.client), id, spec, options));
  });
});
