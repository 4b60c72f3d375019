import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { sweepCommand } from "../../src/cli/sweep.js";
import { type AccountConnection, connectAccount } from "../../src/sweep/connect.js";
import { useSimulator } from "../support/sim.js";
import { virtualClock } from "../support/virtual-clock.js";
import {
  CapturedOutput,
  MARKER,
  readableLeft,
  reopenEveryTicket,
  writeSweepFiles,
} from "./sweep-fixtures.js";

// `hush sweep` on 10,000 matching tickets, at Zendesk's real limits: the Enterprise plan (700
// requests a minute) with Hush's default share of 50%. That takes hours of real time, so the
// command runs in-process on virtual time: its clock is the simulator's, and its rate-limit sleeps
// move that clock instead of waiting (test/support/virtual-clock.ts), while the simulator sees the
// hours pass and enforces its limits on them.
//
// Every ticket is open, so all are redacted in place (subject, comments, attachments, marker tag).
// Replace, for closed tickets, is swept end to end in sweep-cli.test.ts; at this size it takes the
// simulator minutes of CPU, because it looks up each copy with a scan of every ticket.

const TICKETS = 10_000;
const s = useSimulator({ accounts: [{ subdomain: "acme", plan: "enterprise", tickets: TICKETS, seed: 11 }] });

it("redacts every one of 10,000 matching tickets within the plan's limits, and a second run acts on nothing", async () => {
  const sim = s.current.sim;
  const account = sim.account("acme")!;
  reopenEveryTicket(account);
  const ids = [...account.tickets.keys()];
  expect(ids).toHaveLength(TICKETS);
  const files = await writeSweepFiles(sim, {
    query: "type:ticket status<closed",
    mode: "Enforce",
    redact: { masking: "Full" },
    concurrency: 8,
  });

  // Time stands still while a request is in flight (it takes no simulated time), so the clock
  // asks the connection's budget how many are.
  sim.clock.freeze();
  let connection: AccountConnection | undefined;
  const clock = virtualClock(sim.clock, {
    inFlight: () => connection?.budget.snapshot().requestsInFlight ?? 0,
  });
  const connect: typeof connectAccount = (...args) => {
    connection = connectAccount(...args);
    return connection;
  };
  const sweep = async () => {
    const stdout = new CapturedOutput(false);
    const stderr = new CapturedOutput(false);
    const code = await sweepCommand(files.args, { stdout, stderr, env: {}, cwd: files.dir, clock, connect });
    return { code, stderr: stderr.text, summary: JSON.parse(stdout.text.trim().split("\n").at(-1)!) };
  };
  const started = sim.clock.now();

  const first = await sweep();
  expect(first.code, first.stderr).toBe(0);
  expect(first.summary.summary).toMatchObject({
    result: "Succeeded",
    counts: { matched: TICKETS, acted: TICKETS, skipped: 0, failed: 0, residual: 0 },
  });
  // Hours of simulated time at the plan's limit, and Zendesk never had to refuse a request.
  expect(sim.clock.now() - started).toBeGreaterThan(60 * 60_000);
  expect(sim.log.counts().filter((row) => row.status === 429)).toEqual([]);

  // Re-read every ticket as the simulator holds it: no letter or digit left in its subject or
  // comments (Full masking), every attachment gone, and Hush's marker on it.
  const problems: string[] = [];
  for (const id of ids) {
    const ticket = account.tickets.get(id);
    if (!ticket) {
      problems.push(`ticket ${id}: missing`);
      continue;
    }
    const comments = account.comments(ticket);
    if (!ticket.tags.includes(MARKER)) problems.push(`ticket ${id}: no marker`);
    const left = readableLeft(ticket, comments);
    if (left.length > 0) problems.push(`ticket ${id}: readable ${left.join(", ")}`);
    const kept = comments
      .flatMap((c) => c.attachments)
      .filter((a) => !a.deleted && a.file_name !== "redacted.txt");
    if (kept.length > 0) problems.push(`ticket ${id}: ${kept.length} attachments left`);
  }
  expect(problems).toEqual([]);
  const records = (await readFile(files.auditFile, "utf8")).trim().split("\n");
  expect(records).toHaveLength(TICKETS);

  const writesBefore = sim.log.writes();
  const second = await sweep();
  expect(second.code, second.stderr).toBe(0);
  expect(second.summary.summary).toMatchObject({
    result: "Succeeded",
    counts: { matched: 0, acted: 0, skipped: 0, failed: 0 },
  });
  expect(sim.log.writes()).toBe(writesBefore);
}, 240_000);
