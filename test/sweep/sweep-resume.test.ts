import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileSweepState } from "../../src/sweep/file-sweep-state.js";
import { OutcomeBuilder } from "../../src/sweep/outcome.js";
import { recoveredOutcome } from "../../src/sweep/recover.js";
import { SEARCH_SETTLE_MS } from "../../src/sweep/replace-journal.js";
import { runSweep, type SweepRequest } from "../../src/sweep/run-sweep.js";
import { memorySweepState, type SweepStateStore } from "../../src/sweep/sweep-state.js";
import type { ZendeskRequest, ZendeskResponse } from "../../src/zendesk/index.js";
import { type SimHandle, useSimulator } from "../support/sim.js";
import { virtualTime } from "../support/virtual-clock.js";
import {
  createCustomer,
  createOpenTicket,
  importClosedTicket,
  simTicket,
  ticketsWithExternalId,
} from "./fixtures.js";
import {
  accountResource,
  countOf,
  type MemoryAudit,
  memoryAudit,
  type PolicySpecInput,
  policyResource,
  RecordingClient,
  requestLog,
  type SimConnection,
  simConnection,
} from "./sweep-fixtures.js";

// A sweep that stops early (the per-sweep limit, a cancellation, a crash, an audit stream that
// cannot be written) is continued by the next run: nothing finished is asked for again, an item
// in flight is redone idempotently, and in the end every item is done exactly once.

const MARKER = "hush-redacted";
/**
 * From now on search shows changes an hour late: handled tickets keep matching, so only the
 * journal skips them. (Set after the tickets exist: search does not know a ticket created during
 * the lag.)
 */
const staleSearch = (s: { current: SimHandle }) =>
  s.current.inspect("PUT", "/__sim/settings", { searchIndexLagMs: 60 * 60_000 });

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hush-sweep-"));
  dirs.push(dir);
  return dir;
}

function request(
  s: { current: SimHandle },
  spec: PolicySpecInput,
  parts: { connection: SimConnection; state: SweepStateStore; audit: MemoryAudit } & Partial<SweepRequest>,
): SweepRequest {
  return { account: accountResource(s.current), policy: policyResource(spec), ...parts };
}

async function openTickets(s: { current: SimHandle }, n: number): Promise<number[]> {
  const customer = await createCustomer(s.current);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(await createOpenTicket(s.current, customer));
  return ids;
}

describe("the per-sweep limit", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const spec: PolicySpecInput = { query: "type:ticket status<solved", limits: { maxItemsPerSweep: 3 } };

  it("stops at the limit, and the next sweeps go on with the rest", async () => {
    const ids = await openTickets(s, 7);
    const conn = simConnection(s.current);
    const state = memorySweepState();
    const audit = memoryAudit();
    const run = () => runSweep(request(s, spec, { connection: conn, state, audit }));

    const first = await run();
    expect(first.summary).toMatchObject({ result: "LimitReached", counts: { matched: 7, acted: 3 } });
    expect(first.summary.message).toContain("spec.limits.maxItemsPerSweep (3 items");
    const second = await run();
    expect(second.summary).toMatchObject({ result: "LimitReached", counts: { matched: 4, acted: 3 } });
    expect(second.resumed).toBe(true);
    expect(second.identity.sweepId).toBe(first.identity.sweepId);
    const third = await run();
    expect(third.summary).toMatchObject({ result: "Succeeded", counts: { matched: 1, acted: 1 } });
    expect(state.checkpoint).toBeUndefined();

    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await simTicket(s.current, id)).ticket.tags).toContain(MARKER);
    await conn.close();
  });

  it("ends as Succeeded when the last items fill the limit exactly", async () => {
    await openTickets(s, 3);
    const conn = simConnection(s.current);
    const report = await runSweep(
      request(s, spec, { connection: conn, state: memorySweepState(), audit: memoryAudit() }),
    );
    expect(report.summary).toMatchObject({ result: "Succeeded", counts: { matched: 3, acted: 3 } });
    await conn.close();
  });
});

describe("cancellation", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const spec: PolicySpecInput = { query: "type:ticket status<solved", concurrency: 2 };

  it("stops mid-sweep, and the next run skips finished items without a request and finishes the rest", async () => {
    const ids = await openTickets(s, 8);
    await staleSearch(s);
    const state = memorySweepState();
    const audit = memoryAudit();
    const cancel = new AbortController();
    const firstConn = simConnection(s.current);
    const write = audit.write;
    audit.write = async (record) => {
      await write(record);
      if (audit.records.length === 3) cancel.abort(new Error("policy suspended"));
    };

    const first = await runSweep(
      request(s, spec, { connection: firstConn, state, audit, signal: cancel.signal }),
    );
    expect(first.summary.result).toBe("Cancelled");
    expect(first.summary.message).toContain("the next sweep continues where it stopped");
    const finished = audit.records.map((r) => r.item.id);
    expect(finished.length).toBeGreaterThanOrEqual(3);
    expect(finished.length).toBeLessThan(ids.length);
    expect(state.checkpoint?.sweepId).toBe(first.identity.sweepId);
    await firstConn.close();

    audit.write = write;
    const secondConn = simConnection(s.current);
    const second = await runSweep(request(s, spec, { connection: secondConn, state, audit }));
    expect(second).toMatchObject({ resumed: true, identity: { sweepId: first.identity.sweepId } });
    expect(second.summary).toMatchObject({
      result: "Succeeded",
      counts: { acted: ids.length - finished.length },
    });
    // Search still shows every ticket unchanged, yet nothing finished was asked for again.
    expect(second.summary.counts.matched).toBe(ids.length);
    for (const id of finished) expect(secondConn.client.requestsFor("tickets", id)).toEqual([]);
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await simTicket(s.current, id)).ticket.tags).toContain(MARKER);
    await secondConn.close();
  });
});

/** A client that dies (the process ends) right after Zendesk answered its `nth` request of `route`. */
class DyingClient extends RecordingClient {
  private seen = 0;
  constructor(
    options: ConstructorParameters<typeof RecordingClient>[0],
    private readonly death: { route: string; nth: number },
  ) {
    super(options);
  }

  override async request<T>(req: ZendeskRequest): Promise<ZendeskResponse<T>> {
    const response = await super.request<T>(req);
    if (`${req.method} ${req.route}` === this.death.route && ++this.seen === this.death.nth) {
      throw new ProcessDied();
    }
    return response;
  }
}

class ProcessDied extends Error {
  constructor() {
    super("the process died");
    this.name = "ProcessDied";
  }
}

function dyingConnection(s: { current: SimHandle }, death: { route: string; nth: number }): SimConnection {
  const time = virtualTime(s.current.sim.clock, { share: 50 });
  const admin = s.current.sim.describe()[0]!.credentials.admin;
  const client = new DyingClient(
    {
      baseUrl: s.current.url,
      credentials: { kind: "apiToken", email: admin.email, token: admin.token },
      budget: time.budget,
      clock: time.clock,
      logger: time.logger,
    },
    death,
  );
  return { client, budget: time.budget, clock: time.clock, close: () => client.close() };
}

describe("a crash", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const spec: PolicySpecInput = {
    query: "type:ticket status:closed",
    concurrency: 3,
    redact: { closedTickets: "Replace", permanentlyDeleteOriginals: true },
  };

  it("is continued from the files it left: every original replaced exactly once", async () => {
    const customer = await createCustomer(s.current);
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) ids.push(await importClosedTicket(s.current, customer));
    await staleSearch(s);
    await s.current.inspect("DELETE", "/__sim/requests");
    const dir = await stateDir();
    const audit = memoryAudit();

    // The fourth import is carried out, and the process dies before it hears the answer.
    const dying = dyingConnection(s, { route: "POST /api/v2/imports/tickets", nth: 4 });
    const firstState = await fileSweepState(dir, "privacy/retention");
    await expect(
      runSweep(request(s, spec, { connection: dying, state: firstState, audit })),
    ).rejects.toBeInstanceOf(ProcessDied);
    await dying.close();
    const finished = audit.records.map((r) => r.item.id);
    expect(finished.length).toBeLessThan(ids.length);
    expect(await readdir(join(dir, "privacy", "retention"))).toContain("sweep.json");

    // A new process: nothing in memory, only the files.
    const conn = simConnection(s.current);
    const resumed = async () =>
      runSweep(
        request(s, spec, { connection: conn, state: await fileSweepState(dir, "privacy/retention"), audit }),
      );
    const report = await resumed();
    expect(report.resumed).toBe(true);
    for (const id of finished) expect(conn.client.requestsFor("tickets", id)).toEqual([]);
    // Imports that were on their way when the process died may or may not have happened: Hush
    // waits until search would show their copies before it imports again (replace-journal.ts).
    expect(report.summary.counts.failed).toBeLessThan(3);
    expect(report.failures.filter((f) => f.kind !== "CopyNotYetFindable")).toEqual([]);
    await s.current.inspect("POST", "/__sim/clock", { advance: SEARCH_SETTLE_MS + 60_000 });
    const last = await resumed();
    expect(last.summary).toMatchObject({
      result: "Succeeded",
      counts: { acted: report.summary.counts.failed },
    });

    const log = await requestLog(s.current);
    expect(countOf(log, "POST", "/api/v2/imports/tickets")).toBe(ids.length);
    for (const id of ids) {
      expect((await simTicket(s.current, id)).state).toBe("scrubbed");
      const copies = ticketsWithExternalId(s.current, `hush-replaces-${id}`);
      expect(copies).toHaveLength(1);
      expect(copies[0]!.state).toBe("live");
    }
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    // A finished sweep leaves nothing to resume, and no Replace entry behind.
    expect(await readdir(join(dir, "privacy", "retention"))).toEqual(["replace"]);
    expect(await readdir(join(dir, "privacy", "retention", "replace"))).toEqual([]);
    await conn.close();
  });
});

describe("an audit stream that cannot be written", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const spec: PolicySpecInput = { query: "type:ticket status<solved", concurrency: 1 };

  it("stops the sweep before anything goes unrecorded, and the next run finishes it", async () => {
    const ids = await openTickets(s, 5);
    await staleSearch(s);
    const state = memorySweepState();
    const audit = memoryAudit();
    const write = audit.write;
    audit.write = async (record) => {
      if (audit.records.length === 2) audit.failing = true;
      await write(record);
    };
    const conn = simConnection(s.current);

    const first = await runSweep(request(s, spec, { connection: conn, state, audit }));
    expect(first.summary.result).toBe("Failed");
    expect(first.summary.message).toContain("the audit stream could not be written (ENOSPC)");
    expect(audit.records).toHaveLength(2);
    // The third ticket was changed but has no record yet: it is not journalled as done.
    expect(state.doneLines.map((d) => d.id)).toEqual(audit.records.map((r) => r.item.id));

    audit.failing = false;
    audit.write = write;
    const second = await runSweep(request(s, spec, { connection: conn, state, audit }));
    expect(second).toMatchObject({ resumed: true, summary: { result: "Succeeded" } });
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    await conn.close();
  });
});

describe("records owed by a sweep whose policy changed", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const spec: PolicySpecInput = { query: "type:ticket status<solved", concurrency: 1 };

  it("are written before the new generation's sweep begins", async () => {
    const ids = await openTickets(s, 3);
    await staleSearch(s);
    const state = memorySweepState();
    const audit = memoryAudit();
    const write = audit.write;
    audit.write = async (record) => {
      if (audit.records.length === 1) audit.failing = true;
      await write(record);
    };
    const conn = simConnection(s.current);
    const first = await runSweep(request(s, spec, { connection: conn, state, audit }));
    expect(first.summary.result).toBe("Failed");
    expect(audit.records).toHaveLength(1);

    audit.failing = false;
    audit.write = write;
    const edited = {
      ...request(s, spec, { connection: conn, state, audit }),
      policy: policyResource(spec, { generation: 2 }),
    };
    const second = await runSweep(edited);
    expect(second).toMatchObject({ resumed: false, summary: { result: "Succeeded" } });
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    // The owed record keeps the sweep and generation it was made in.
    expect(audit.records[1]).toMatchObject({ sweepId: first.identity.sweepId, generation: 1 });
    await conn.close();
  });
});

describe("a crash between an item's last change and its audit record", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const spec: PolicySpecInput = { query: "type:ticket status<solved", concurrency: 1 };

  it("leaves one record for every item changed: the redo that finds the work done writes a recovered record", async () => {
    const ids = await openTickets(s, 4);
    await staleSearch(s);
    const state = memorySweepState();
    const audit = memoryAudit();

    // The marker is an in-place redaction's last change: the second ticket gets it, and the
    // process dies before it hears the answer, so before the ticket's audit record.
    const dying = dyingConnection(s, { route: "PUT /api/v2/tickets/{id}/tags", nth: 2 });
    await expect(runSweep(request(s, spec, { connection: dying, state, audit }))).rejects.toBeInstanceOf(
      ProcessDied,
    );
    await dying.close();
    const [crashed] = (await state.load())?.inFlight ?? [];
    expect(crashed).toBeDefined();
    expect((await simTicket(s.current, crashed!)).ticket.tags).toContain(MARKER);
    expect(audit.records.map((r) => r.item.id)).not.toContain(crashed);

    const conn = simConnection(s.current);
    const report = await runSweep(request(s, spec, { connection: conn, state, audit }));
    expect(report).toMatchObject({ resumed: true, summary: { result: "Succeeded" } });
    // The crashed run never reported: its items, the crashed one too, count as acted on here.
    expect(report.summary.counts).toMatchObject({ acted: ids.length, skipped: 0 });
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    const recovered = audit.records.filter((r) => r.recovered);
    expect(recovered).toEqual([
      expect.objectContaining({
        item: { kind: "ticket", id: crashed },
        action: "Redact",
        changes: {},
        fieldsChanged: [],
        recovered: true,
      }),
    ]);
    await conn.close();
  });
});

describe("a crash between an item's audit record and its journal line", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const spec: PolicySpecInput = { query: "type:ticket status<solved", concurrency: 1 };

  it("leaves the item done with its one record, without a request", async () => {
    const ids = await openTickets(s, 4);
    await staleSearch(s);
    const state = memorySweepState();
    const audit = memoryAudit();
    // The second item's record is written; the process dies before its journal line.
    const markDone = state.markDone;
    let dones = 0;
    state.markDone = async (item) => {
      if (++dones === 2) throw new ProcessDied();
      await markDone(item);
    };
    const first = simConnection(s.current);
    const stopped = await runSweep(request(s, spec, { connection: first, state, audit }));
    expect(stopped.summary.result).toBe("Failed");
    expect(stopped.summary.message).toContain("the sweep's journal could not be written");
    await first.close();
    state.markDone = markDone;
    const [crashed] = (await state.load())?.inFlight ?? [];
    expect(audit.records.map((r) => r.item.id)).toContain(crashed);

    const conn = simConnection(s.current);
    const report = await runSweep(request(s, spec, { connection: conn, state, audit }));
    expect(report.summary).toMatchObject({ result: "Succeeded", counts: { acted: ids.length - 1 } });
    // The audit stream holds its record: the item is done, without a request.
    expect(conn.client.requestsFor("tickets", crashed!)).toEqual([]);
    expect(audit.records.map((r) => r.item.id).sort()).toEqual([...ids].sort());
    expect(audit.records.filter((r) => r.recovered)).toEqual([]);
    await conn.close();
  });
});

describe("the redo of an item an earlier run left in flight", () => {
  const ticket = () => new OutcomeBuilder({ kind: "ticket", id: 7 }, "ReadTicket");

  it("counts work found done as acted on, with no changes of its own", () => {
    for (const reason of ["NothingToRedact", "AlreadyReplaced", "AlreadyDeleted", "NotFound"] as const) {
      expect(recoveredOutcome(ticket().skipped(reason))).toMatchObject({ result: "acted", actions: {} });
    }
  });

  it("keeps skips that leave the item alone, and failures, as they are", () => {
    for (const outcome of [
      ticket().skipped("Exempt"),
      ticket().skipped("IsReplacementCopy"),
      ticket().failed({ kind: "Unavailable", status: 503, message: "Zendesk is unavailable." }),
    ]) {
      expect(recoveredOutcome(outcome)).toBe(outcome);
    }
  });
});
