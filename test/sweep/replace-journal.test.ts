import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/simulator/clock.js";
import {
  memoryReplaceJournal,
  type ReplaceJournal,
  SEARCH_SETTLE_MS,
} from "../../src/sweep/replace-journal.js";
import { redactTicket } from "../../src/sweep/ticket.js";
import { useSimulator } from "../support/sim.js";
import {
  Crash,
  type Customer,
  crashingClient,
  createCustomer,
  importClosedTicket,
  simTicket,
  ticketSpec,
  ticketsWithExternalId,
  useHush,
} from "./fixtures.js";

// The gap the journal closes: a copy keeps its original's old dates, so Zendesk may archive it
// before search has indexed it; then neither the ticket list (no archived tickets) nor search
// (index lag) shows it. The simulator archives such a copy at once and lags search as set here.

const spec = ticketSpec({ closedTickets: "Replace" });
const link = (id: number) => `hush-replaces-${id}`;
const SEARCH_LAG_MS = 3 * MINUTE;
const IMPORT = "POST /api/v2/imports/tickets";

describe("Replace while search lags behind an archived copy", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const hush = useHush(s);
  beforeEach(async () => {
    await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: SEARCH_LAG_MS });
  });
  afterEach(async () => {
    await s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 0 });
    await s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 0, lostResponseRoutes: [] });
  });

  /** Solved long ago: its copy is archived the moment it is imported. */
  const oldTicket = async (customer?: Customer & { id: number }) =>
    importClosedTicket(s.current, customer ?? (await createCustomer(s.current)), { solvedDaysAgo: 400 });
  const run = (id: number, journal?: ReplaceJournal, permanentlyDeleteOriginals = true) =>
    redactTicket({ client: hush.client, ...(journal ? { replaceJournal: journal } : {}) }, id, spec, {
      permanentlyDeleteOriginals,
    });
  const liveCopies = (id: number) =>
    ticketsWithExternalId(s.current, link(id)).filter((t) => t.state === "live");
  const loseImportAnswers = () =>
    s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 1, lostResponseRoutes: [IMPORT] });
  const answerImports = () =>
    s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 0, lostResponseRoutes: [] });

  it("imports no second copy after a lost import answer, and finishes once search has caught up", async () => {
    const id = await oldTicket();
    const journal = memoryReplaceJournal();
    await loseImportAnswers();
    const first = await run(id, journal);
    await answerImports();
    expect(first).toMatchObject({ result: "failed", step: "FindCopy" });
    expect(liveCopies(id)).toHaveLength(1);

    const tooSoon = await run(id, journal);

    expect(tooSoon).toMatchObject({ result: "failed", error: { kind: "CopyNotYetFindable" }, actions: {} });
    expect(liveCopies(id)).toHaveLength(1);
    expect((await simTicket(s.current, id)).state).toBe("live");

    s.current.sim.clock.advance(SEARCH_LAG_MS);
    const later = await run(id, journal);

    expect(later).toMatchObject({
      result: "acted",
      actions: { DeleteOriginal: 1, PermanentlyDeleteOriginal: 1 },
    });
    expect(liveCopies(id)).toEqual([{ id: later.copyId, state: "live" }]);
    expect((await simTicket(s.current, id)).state).toBe("scrubbed");
    expect(journal.entries.has(id)).toBe(false);
  });

  it("finds the copy by its recorded id after a crash once the import's answer was recorded", async () => {
    const id = await oldTicket();
    const journal = memoryReplaceJournal();
    const crashing = crashingClient(s.current);
    // Request 6 is the import; the crash comes before the copy is read back.
    crashing.crash = { request: 7, when: "before" };
    await expect(
      redactTicket({ client: crashing, replaceJournal: journal }, id, spec, {
        permanentlyDeleteOriginals: true,
      }),
    ).rejects.toBeInstanceOf(Crash);
    await crashing.close();
    expect(crashing.sent.at(-2)).toBe(IMPORT);
    const [copy] = liveCopies(id);

    const outcome = await run(id, journal);

    expect(outcome).toMatchObject({ result: "acted", copyId: copy!.id });
    expect(outcome.actions).not.toHaveProperty("ImportCopy");
    expect(liveCopies(id)).toEqual([{ id: copy!.id, state: "live" }]);
  });

  it("still deletes the original permanently when it was soft-deleted before a crash", async () => {
    const id = await oldTicket();
    const journal = memoryReplaceJournal();
    const first = await run(id, journal, false);
    expect((await simTicket(s.current, id)).state).toBe("soft_deleted");
    // As if that run had died before its last step: the journal still holds the copy.
    await journal.set(id, { importSentAt: s.current.sim.clock.now(), copyId: first.copyId! });

    const outcome = await run(id, journal);

    expect(outcome).toMatchObject({
      result: "acted",
      copyId: first.copyId,
      actions: { PermanentlyDeleteOriginal: 1 },
    });
    expect((await simTicket(s.current, id)).state).toBe("scrubbed");
  });

  // The ten requests of a Replace with permanent deletion (replace-restart.test.ts lists them).
  const crashes = Array.from({ length: 10 }, (_, i) =>
    (["before", "after"] as const).map((when) => ({ request: i + 1, when })),
  ).flat();

  it.each(crashes)(
    "with a journal, a crash $when request $request never leads to a second copy",
    async (crash) => {
      const id = await oldTicket();
      const journal = memoryReplaceJournal();
      const crashing = crashingClient(s.current);
      crashing.crash = crash;
      await expect(
        redactTicket({ client: crashing, replaceJournal: journal }, id, spec, {
          permanentlyDeleteOriginals: true,
        }),
      ).rejects.toBeInstanceOf(Crash);
      await crashing.close();

      const atOnce = await run(id, journal);
      expect(liveCopies(id).length).toBeLessThanOrEqual(1);
      if (atOnce.result === "failed") {
        expect(atOnce.error.kind).toBe("CopyNotYetFindable");
        expect((await simTicket(s.current, id)).state).toBe("live");
      }
      // Search has caught up, and an import that never showed is trusted not to have happened.
      s.current.sim.clock.advance(SEARCH_SETTLE_MS);
      const outcome = atOnce.result === "failed" ? await run(id, journal) : atOnce;

      expect(
        outcome.result === "acted" || (outcome.result === "skipped" && outcome.reason === "AlreadyReplaced"),
      ).toBe(true);
      expect(liveCopies(id)).toEqual([{ id: outcome.copyId, state: "live" }]);
      expect((await simTicket(s.current, outcome.copyId!)).comments).toHaveLength(3);
      expect((await simTicket(s.current, id)).state).toBe("scrubbed");
    },
  );

  it("without a journal, a second copy can appear; the next run that sees both keeps the oldest", async () => {
    // The residual risk replace-ticket.ts documents, and how it heals.
    const id = await oldTicket();
    await loseImportAnswers();
    await run(id);
    await answerImports();
    const second = await run(id, undefined, false);
    expect(liveCopies(id)).toHaveLength(2);
    expect(second).toMatchObject({ result: "acted" });
    s.current.sim.clock.advance(SEARCH_LAG_MS);
    await s.current.api("PUT", `/api/v2/deleted_tickets/${id}/restore`);

    const healed = await run(id);

    const oldest = Math.min(...ticketsWithExternalId(s.current, link(id)).map((t) => t.id));
    expect(healed).toMatchObject({ result: "acted", copyId: oldest, actions: { DeleteDuplicateCopy: 1 } });
    expect(liveCopies(id)).toEqual([{ id: oldest, state: "live" }]);
  });
});

describe("cleaning up duplicate copies", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const hush = useHush(s);
  const run = (id: number) =>
    redactTicket({ client: hush.client }, id, spec, { permanentlyDeleteOriginals: false });
  const liveCopies = (id: number) =>
    ticketsWithExternalId(s.current, link(id)).filter((t) => t.state === "live");

  /** A ticket that claims to be a copy of `originalId`, with as many comments as asked. */
  async function linkedTicket(
    originalId: number,
    customer: { id: number },
    comments: number,
    tags = [spec.markerTag],
  ): Promise<number> {
    const res = await s.current.api("POST", "/api/v2/imports/tickets", {
      ticket: {
        external_id: link(originalId),
        requester_id: customer.id,
        status: "closed",
        tags,
        comments: Array.from({ length: comments }, () => ({
          author_id: customer.id,
          value: "▇▇▇",
          public: true,
        })),
      },
    });
    return res.body.ticket.id;
  }

  it("never keeps an incomplete copy over a complete one, nor deletes anything before one is confirmed", async () => {
    const customer = await createCustomer(s.current);
    const id = await importClosedTicket(s.current, customer);
    const partial = await linkedTicket(id, customer, 1);

    const refused = await run(id);

    // No complete copy yet: the original stays, and so does the partial copy.
    expect(refused).toMatchObject({ result: "failed", error: { kind: "CopyIncomplete" }, actions: {} });
    expect(liveCopies(id).map((c) => c.id)).toEqual([partial]);
    expect((await simTicket(s.current, id)).state).toBe("live");
  });

  it("keeps the fullest copy once the original is gone, and leaves tickets without the marker alone", async () => {
    const customer = await createCustomer(s.current);
    const id = await importClosedTicket(s.current, customer);
    const partial = await linkedTicket(id, customer, 1);
    const unmarked = await linkedTicket(id, customer, 1, ["billing"]);
    const full = await linkedTicket(id, customer, 3);
    await s.current.api("DELETE", `/api/v2/tickets/${id}`);

    const outcome = await run(id);

    expect(outcome).toMatchObject({ result: "acted", copyId: full, actions: { DeleteDuplicateCopy: 1 } });
    expect(liveCopies(id).map((c) => c.id)).toEqual([unmarked, full]);
    expect(liveCopies(id).map((c) => c.id)).not.toContain(partial);
  });
});
