import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { beforeEach, describe, expect, it } from "vitest";
import { sweepCommand } from "../../src/cli/sweep.js";
import { verifyAuditFile } from "../../src/observability/index.js";
import type { Account } from "../../src/simulator/account.js";
import { fileSweepState } from "../../src/sweep/file-sweep-state.js";
import { SEARCH_SETTLE_MS } from "../../src/sweep/replace-journal.js";
import { type Clock, systemClock } from "../../src/zendesk/index.js";
import { useSimulator } from "../support/sim.js";
import {
  CapturedOutput,
  killLeftoverSweeps,
  MARKER,
  readableLeft,
  spawnSweep,
  successfulWrites,
  summaryOf,
  writeSweepFiles,
} from "./sweep-fixtures.js";

// The real `hush sweep` (the compiled CLI in a child process) against an in-process simulator.
// The simulator runs as a load-test account (requestsPerMinute, docs/simulator.md) and the account
// resource gives Hush the same limit, so that sweeps run in real time in seconds.

const TICKETS = 200;
const RPM = 100_000;
const s = useSimulator({
  accounts: [{ subdomain: "acme", tickets: TICKETS, seed: 5, settings: { requestsPerMinute: RPM } }],
});
const FAST = { requestsPerMinute: RPM, share: 100 };

beforeEach(() => {
  s.current.sim.reset();
});
killLeftoverSweeps();

const acme = (): Account => s.current.sim.account("acme")!;

/** Every ticket: closed ones are replaced by redacted copies, the others redacted in place. */
const policy = {
  query: "type:ticket",
  mode: "Enforce" as const,
  redact: { masking: "Full" as const, closedTickets: "Replace" as const },
  concurrency: 4,
};

describe("hush sweep --dry-run", () => {
  it("makes no write, as the simulator's request log shows, and reports the preview", async () => {
    const files = await writeSweepFiles(
      s.current.sim,
      { ...policy, query: "type:ticket status:closed" },
      { rateLimit: FAST },
    );
    const closed = [...acme().tickets.values()].filter((t) => t.status === "closed").map((t) => t.id);
    const versions = [...acme().tickets.values()].map((t) => t.version);

    const run = await spawnSweep([...files.args, "--dry-run"], files.dir).finished;

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const summary = summaryOf(run);
    expect(summary).toMatchObject({ dryRun: true, exitCode: 0, summary: { result: "Previewed" } });
    expect(summary.preview.count).toBe(closed.length);
    expect(summary.preview.sampleIds.length).toBeGreaterThan(0);
    expect(summary.preview.sampleIds.length).toBeLessThanOrEqual(20);
    for (const id of summary.preview.sampleIds) expect(closed).toContain(id);
    expect(summary.preview.estimatedRequests).toBeGreaterThan(closed.length);
    expect(summary.preview.estimatedDurationSeconds).toBeGreaterThanOrEqual(0);
    expect(summary.preview.id).toMatch(/^g1-n\d+-[0-9a-f]{8}$/);

    // Only GET requests reached Zendesk; the tickets are as they were; no local state either.
    const log = s.current.sim.log.counts();
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((row) => row.method !== "GET")).toEqual([]);
    expect(s.current.sim.log.writes()).toBe(0);
    expect([...acme().tickets.values()].map((t) => t.version)).toEqual(versions);
    expect(existsSync(join(files.dir, ".hush"))).toBe(false);
  });
});

describe("hush sweep interrupted", () => {
  /** Resolves once the simulator has answered `count` writes. */
  function afterWrites(count: number): Promise<void> {
    const log = s.current.sim.log;
    const record = log.record.bind(log);
    return new Promise((resolve) => {
      log.record = (entry) => {
        record(entry);
        if (log.writes() < count) return;
        log.record = record;
        resolve();
      };
    });
  }

  it("cancels on SIGINT: items in progress finish, exit code 1, and the next run continues the sweep", async () => {
    const files = await writeSweepFiles(s.current.sim, policy, { rateLimit: FAST });
    const run = spawnSweep(files.args, files.dir);
    await afterWrites(20);
    run.child.kill("SIGINT");
    const cancelled = await run.finished;
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr).toContain(
      "hush sweep: SIGINT: finishing the items in progress, then stopping (the next run continues); press Ctrl-C again to stop at once",
    );
    const first = summaryOf(cancelled);
    expect(first.summary.result).toBe("Cancelled");
    expect(first.summary.counts.acted).toBeGreaterThan(0);

    const resumed = await spawnSweep(files.args, files.dir).finished;
    expect(resumed.code).toBe(0);
    expect(summaryOf(resumed)).toMatchObject({
      resumed: true,
      summary: { sweepId: first.summary.sweepId, result: "Succeeded" },
    });
  });

  it("stops at once on a second signal, with exit code 130", async () => {
    const files = await writeSweepFiles(s.current.sim, { ...policy, concurrency: 1 }, { rateLimit: FAST });
    const run = spawnSweep(files.args, files.dir);
    await afterWrites(5);
    run.child.kill("SIGINT");
    // Signals sent together may arrive as one: the second goes once the first was heard.
    while (!run.stderr().includes("press Ctrl-C again")) await new Promise((r) => setTimeout(r, 5));
    run.child.kill("SIGINT");
    const stopped = await run.finished;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toBe("");
    expect(stopped.stderr).toContain(
      "hush sweep: stopped at once by a second SIGINT; the next run continues the sweep",
    );
  });
});

describe("hush sweep killed at a random moment", () => {
  interface Expected {
    inPlace: number[];
    replaced: number[];
  }

  function expectedWork(): Expected {
    const tickets = [...acme().tickets.values()];
    return {
      inPlace: tickets.filter((t) => t.status !== "closed").map((t) => t.id),
      replaced: tickets.filter((t) => t.status === "closed").map((t) => t.id),
    };
  }

  /** The redacted copy of each original, by the link Replace puts in its external_id. */
  function copiesByOriginal(): Map<number, number[]> {
    const copies = new Map<number, number[]>();
    const all = [...acme().tickets.values(), ...[...acme().deletedTickets.values()].map((d) => d.ticket)];
    for (const ticket of all) {
      const original = /^hush-replaces-(\d+)$/.exec(ticket.external_id ?? "")?.[1];
      if (original) copies.set(Number(original), [...(copies.get(Number(original)) ?? []), ticket.id]);
    }
    return copies;
  }

  /** What keeps the matched tickets from being done: each redacted in place, or replaced by exactly one redacted copy. */
  function notDone(expected: Expected): string[] {
    const account = acme();
    const problems: string[] = [];
    const check = (id: number, what: string): void => {
      const ticket = account.tickets.get(id);
      if (!ticket) return void problems.push(`${what} is missing`);
      if (!ticket.tags.includes(MARKER)) problems.push(`${what} has no marker`);
      const left = readableLeft(ticket, account.comments(ticket));
      if (left.length > 0) problems.push(`${what}: readable ${left.join(", ")}`);
    };
    for (const id of expected.inPlace) check(id, `ticket ${id}`);
    const copies = copiesByOriginal();
    for (const id of expected.replaced) {
      if (account.tickets.has(id)) problems.push(`original ${id} is still there`);
      const ids = copies.get(id) ?? [];
      if (ids.length !== 1) problems.push(`original ${id} has ${ids.length} copies`);
      else check(ids[0]!, `the copy of ${id}`);
    }
    return problems;
  }

  /** The version of every ticket (live or deleted), which every change bumps. */
  function versions(): Map<number, number> {
    const account = acme();
    const all = [...account.tickets.values(), ...[...account.deletedTickets.values()].map((d) => d.ticket)];
    return new Map(all.map((t) => [t.id, t.version]));
  }

  /** The sweep run again in-process, with Hush's clock `laterMs` on (the compiled CLI runs on the system clock). */
  async function sweepLater(
    args: string[],
    cwd: string,
    laterMs: number,
  ): Promise<{ code: number; output: string }> {
    const stdout = new CapturedOutput(false);
    const stderr = new CapturedOutput(false);
    const clock: Clock = { now: () => Date.now() + laterMs, sleep: systemClock.sleep };
    const code = await sweepCommand(args, { stdout, stderr, env: {}, cwd, clock });
    return { code, output: stdout.text + stderr.text };
  }

  async function auditRecords(path: string): Promise<{ item: { id: number } }[]> {
    const text = await readFile(path, "utf8").catch(() => "");
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }

  it("ends with every item done exactly once over both runs, for several seeded moments", async () => {
    // What one uninterrupted sweep changes in Zendesk: the same data swept in two runs must make
    // exactly the same successful writes, each change once.
    const clean = await writeSweepFiles(s.current.sim, policy, { rateLimit: FAST });
    const expected = expectedWork();
    const uninterrupted = await spawnSweep(clean.args, clean.dir).finished;
    expect(summaryOf(uninterrupted).summary.result).toBe("Succeeded");
    expect(notDone(expected)).toEqual([]);
    const baseline = successfulWrites(s.current.sim);
    const baselineWrites = [...baseline.values()].reduce((a, b) => a + b, 0);
    expect(baselineWrites).toBeGreaterThan(TICKETS * 2);
    const items = [...expected.inPlace, ...expected.replaced];

    // Each round's problems, so that one failing moment does not hide what the others show.
    const problems: string[] = [];
    const random = xoroshiro128plus(20261123);
    for (let round = 0; round < 4; round++) {
      s.current.sim.reset();
      const files = await writeSweepFiles(s.current.sim, policy, { rateLimit: FAST });
      // The moment: right after a random write of the first 80% reached Zendesk, plus up to 5 ms.
      const killAfterWrites = uniformInt(random, 1, Math.floor(baselineWrites * 0.8));
      const extraMs = uniformInt(random, 0, 5);
      const moment = `round ${round} (killed after ${killAfterWrites} writes + ${extraMs} ms)`;
      const problem = (text: string): void => void problems.push(`${moment}: ${text}`);
      const first = spawnSweep(files.args, files.dir);
      const log = s.current.sim.log;
      const record = log.record.bind(log);
      let writes = 0;
      log.record = (entry) => {
        record(entry);
        if (entry.method === "GET" || ++writes !== killAfterWrites) return;
        setTimeout(() => first.child.kill("SIGKILL"), extraMs);
      };
      const killed = await first.finished;
      log.record = record;
      expect(killed.signal, moment).toBe("SIGKILL");

      // What the first run recorded as finished: its journal (read as the next run reads it) and
      // its audit records.
      const state = await fileSweepState(files.stateDir, "privacy/retention");
      const unfinished = await state.load();
      await state.close();
      expect(unfinished, moment).toBeDefined();
      const finished = unfinished!.done;
      const firstRecords = await auditRecords(files.auditFile);
      const before = versions();
      const copiesBefore = copiesByOriginal();

      const second = await spawnSweep(files.args, files.dir).finished;
      const report = second.code === 0 || second.code === 1 ? summaryOf(second) : undefined;
      if (report?.resumed !== true) problem(`the second run did not continue the sweep (${second.stderr})`);
      if (second.code !== 0) {
        // A Replace import that the kill may have caught on its way is not sent again until
        // search can be trusted to show its copy (SEARCH_SETTLE_MS): those items fail for now.
        // Only they may, and a run that late (Hush's clock moved on) finishes them.
        const kinds = (report?.failures ?? []).map((f: { kind: string }) => f.kind);
        if (
          report?.summary.result !== "PartiallyFailed" ||
          kinds.some((k: string) => k !== "CopyNotYetFindable")
        ) {
          problem(
            `the second run ended with exit code ${second.code}: ${report?.summary.message ?? second.stderr}`,
          );
        }
        const later = await sweepLater(files.args, files.dir, SEARCH_SETTLE_MS + 60_000);
        if (later.code !== 0)
          problem(`the run after the search settled ended with exit code ${later.code}: ${later.output}`);
      }

      // Every item done, each change made once: the same successful writes as the uninterrupted run.
      for (const text of notDone(expected)) problem(text);
      const writesMade = successfulWrites(s.current.sim);
      for (const route of new Set([...baseline.keys(), ...writesMade.keys()])) {
        const made = writesMade.get(route) ?? 0;
        const once = baseline.get(route) ?? 0;
        if (made !== once)
          problem(`${made} successful ${route} over both runs, ${once} in one uninterrupted run`);
      }

      // Nothing the first run recorded as finished was touched again: no change to it or its copy.
      const after = versions();
      for (const id of finished) {
        for (const ticket of [id, ...(copiesBefore.get(id) ?? [])]) {
          if (after.get(ticket) !== before.get(ticket))
            problem(`ticket ${ticket} finished in the first run was changed again`);
        }
      }

      // Evidence: one intact hash chain across the kill, and exactly one audit record per item
      // over both runs; the second run records none of the items the first journalled as finished.
      const chain = await verifyAuditFile(files.auditFile);
      if (!chain.ok) problem(`the audit chain breaks at line ${chain.brokenAt}`);
      const allRecords = await auditRecords(files.auditFile);
      const recordsOf = new Map<number, number>();
      for (const r of allRecords) recordsOf.set(r.item.id, (recordsOf.get(r.item.id) ?? 0) + 1);
      for (const id of items) {
        const count = recordsOf.get(id) ?? 0;
        if (count !== 1) problem(`ticket ${id} has ${count} audit records`);
      }
      for (const r of allRecords.slice(firstRecords.length)) {
        if (finished.has(r.item.id))
          problem(`ticket ${r.item.id}, finished in the first run, was recorded again`);
      }
    }
    expect(problems).toEqual([]);
  }, 240_000);
});
