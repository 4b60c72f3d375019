import { describe, expect, it } from "vitest";
import { redactTicket } from "../../src/sweep/ticket.js";
import { useSimulator } from "../support/sim.js";
import {
  AGENT_ID,
  attachFile,
  context,
  createCustomer,
  INGRID_TRACES,
  importClosedTicket,
  simTicket,
  textsOf,
  ticketSpec,
  ticketsWithExternalId,
  useHush,
} from "./fixtures.js";

const replaceSpec = ticketSpec({ closedTickets: "Replace" });
const link = (id: number) => `hush-replaces-${id}`;
const seconds = (ms: unknown) => Math.floor(Number(ms) / 1000) * 1000;

describe("replacing closed tickets by redacted copies", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const hush = useHush(s);
  const replace = (id: number, permanentlyDeleteOriginals = false, spec = replaceSpec) =>
    redactTicket(context(hush.client), id, spec, { permanentlyDeleteOriginals });
  const writes = async (): Promise<number> => (await s.current.inspect("GET", "/__sim/requests")).writes;

  it("imports a redacted copy that keeps the original's statistics, then soft-deletes the original", async () => {
    const ingrid = await createCustomer(s.current);
    const id = await importClosedTicket(s.current, ingrid);
    const original = await simTicket(s.current, id);

    const outcome = await replace(id);

    expect(outcome).toMatchObject({
      result: "acted",
      residual: 0,
      actions: { ImportCopy: 1, DeleteOriginal: 1 },
    });
    expect((await simTicket(s.current, id)).state).toBe("soft_deleted");
    const copy = await simTicket(s.current, outcome.copyId!);
    for (const trace of [...INGRID_TRACES, ingrid.email]) expect(textsOf(copy)).not.toContain(trace);
    expect(copy.ticket).toMatchObject({
      external_id: link(id),
      status: "closed",
      requester_id: ingrid.id,
      assignee_id: AGENT_ID,
      priority: "normal",
      // Zendesk's timestamps have whole seconds.
      created_at: seconds(original.ticket.created_at),
      updated_at: seconds(original.ticket.updated_at),
    });
    expect(copy.ticket.tags).toEqual(expect.arrayContaining(["billing", "refund", "hush-redacted"]));
    expect(copy.comments.map((c) => c.body)).toHaveLength(original.comments.length);
    expect(copy.comments[2]!.body).toBe("Great, thank you! Best regards");
  });

  it("deletes the original permanently once its copy is confirmed, when the policy asks", async () => {
    const id = await importClosedTicket(s.current, await createCustomer(s.current));

    const outcome = await replace(id, true);

    expect(outcome.actions).toEqual({ ImportCopy: 1, DeleteOriginal: 1, PermanentlyDeleteOriginal: 1 });
    const gone = await simTicket(s.current, id);
    expect(gone.state).toBe("scrubbed");
    expect(gone.comments).toEqual([]);
    expect(ticketsWithExternalId(s.current, link(id))).toEqual([{ id: outcome.copyId, state: "live" }]);
  });

  it("does nothing the second time: the original is gone and its copy stands", async () => {
    const id = await importClosedTicket(s.current, await createCustomer(s.current));
    const first = await replace(id, true);
    await s.current.inspect("DELETE", "/__sim/requests");

    const again = await replace(id, true);

    expect(again).toMatchObject({
      result: "skipped",
      reason: "AlreadyReplaced",
      copyId: first.copyId,
      actions: {},
    });
    // Only the permanent deletion is asked again, and Zendesk answers that it is done (404).
    expect(await writes()).toBe(1);
    expect(ticketsWithExternalId(s.current, link(id))).toHaveLength(1);
  });

  it("finds an archived copy through search and does not import a second one", async () => {
    // Solved long ago: the copy, which keeps the solved date, is archived at once and not listed.
    const id = await importClosedTicket(s.current, await createCustomer(s.current), { solvedDaysAgo: 400 });
    const first = await replace(id);
    expect((await simTicket(s.current, first.copyId!)).archived).toBe(true);
    await s.current.api("PUT", `/api/v2/deleted_tickets/${id}/restore`);

    const again = await replace(id);

    expect(again).toMatchObject({ result: "acted", copyId: first.copyId, actions: { DeleteOriginal: 1 } });
    expect(ticketsWithExternalId(s.current, link(id))).toHaveLength(1);
  });

  it("never takes a copy for an original", async () => {
    const id = await importClosedTicket(s.current, await createCustomer(s.current));
    const { copyId } = await replace(id);

    const outcome = await replace(copyId!);

    expect(outcome).toMatchObject({ result: "skipped", reason: "IsReplacementCopy", actions: {} });
    expect((await simTicket(s.current, copyId!)).state).toBe("live");
  });

  it("refuses to replace a ticket whose attachments the policy keeps, rather than drop them", async () => {
    const id = await importClosedTicket(s.current, await createCustomer(s.current));
    attachFile(s.current, id);
    const keepsFiles = ticketSpec({ closedTickets: "Replace", fields: ["subject", "comments"] });

    const outcome = await replace(id, true, keepsFiles);

    expect(outcome).toMatchObject({
      result: "failed",
      error: { kind: "Refused", code: "ReplaceWouldLoseAttachments" },
      actions: {},
    });
    expect(outcome.result === "failed" && outcome.error.message).toMatch(/attachments/);
    expect((await simTicket(s.current, id)).state).toBe("live");
    expect(ticketsWithExternalId(s.current, link(id))).toEqual([]);
  });

  it("refuses to delete an original before its copy is complete", async () => {
    const ingrid = await createCustomer(s.current);
    const id = await importClosedTicket(s.current, ingrid);
    // A copy with the link but not every comment (as a half-done import would leave).
    await s.current.api("POST", "/api/v2/imports/tickets", {
      ticket: {
        external_id: link(id),
        requester_id: ingrid.id,
        status: "closed",
        comments: [{ author_id: ingrid.id, value: "▇▇▇", public: true }],
      },
    });

    const outcome = await replace(id, true);

    expect(outcome).toMatchObject({
      result: "failed",
      step: "ConfirmCopy",
      error: { kind: "CopyIncomplete" },
    });
    expect((await simTicket(s.current, id)).state).toBe("live");
  });

  it("does not import twice when the import's answer is lost on the way back", async () => {
    const id = await importClosedTicket(s.current, await createCustomer(s.current));
    await s.current.inspect("PUT", "/__sim/faults", {
      lostResponseRate: 1,
      lostResponseRoutes: ["POST /api/v2/imports/tickets"],
    });
    try {
      const outcome = await replace(id, true);

      // The import happened; looking again found the copy, and the run went on.
      expect(outcome).toMatchObject({ result: "acted", actions: { ImportCopy: 1, DeleteOriginal: 1 } });
      expect(ticketsWithExternalId(s.current, link(id))).toEqual([{ id: outcome.copyId, state: "live" }]);
      expect((await simTicket(s.current, id)).state).toBe("scrubbed");
    } finally {
      await s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 0, lostResponseRoutes: [] });
    }
  });

  it("leaves a closed ticket without personal data alone", async () => {
    const ingrid = await createCustomer(s.current);
    const res = await s.current.api("POST", "/api/v2/imports/tickets", {
      ticket: {
        requester_id: ingrid.id,
        subject: "Order 4711",
        status: "closed",
        comments: [{ author_id: ingrid.id, value: "Where is order 4711?", public: true }],
      },
    });
    const id: number = res.body.ticket.id;

    expect(await replace(id)).toMatchObject({ result: "skipped", reason: "NothingToRedact", actions: {} });
    expect(ticketsWithExternalId(s.current, link(id))).toEqual([]);
  });
});
