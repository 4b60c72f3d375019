import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { sweepCommand } from "../../src/cli/sweep.js";
import { fileSweepState } from "../../src/sweep/file-sweep-state.js";
import { useSimulator } from "../support/sim.js";
import { CapturedOutput, type FileOptions, MARKER, writeSweepFiles } from "./sweep-fixtures.js";

// `hush sweep` run in-process (its inner function, with the process' streams replaced) against an
// in-process simulator: how it reads its files and credentials, what it prints, and its exit codes.

const TICKETS = 40;
// A load-test account (docs/simulator.md), so that sweeps run in real time without waiting.
const FAST = { requestsPerMinute: 100_000, share: 100 };
const s = useSimulator({
  accounts: [{ subdomain: "acme", tickets: TICKETS, seed: 3, settings: { requestsPerMinute: 100_000 } }],
});

beforeEach(() => {
  s.current.sim.reset();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON summary, when stdout was not a terminal. */
  json: any;
}

async function sweep(
  args: string[],
  cwd: string,
  options: { tty?: boolean; env?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Run> {
  const stdout = new CapturedOutput(options.tty ?? false);
  const stderr = new CapturedOutput(options.tty ?? false);
  const code = await sweepCommand(args, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const last = stdout.text.trim().split("\n").at(-1) ?? "";
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch {
    json = undefined;
  }
  return { code, stdout: stdout.text, stderr: stderr.text, json };
}

const enforce = {
  query: "type:ticket status<closed",
  mode: "Enforce" as const,
  redact: { masking: "Full" as const },
};
const files = (spec: Parameters<typeof writeSweepFiles>[1] = enforce, options: FileOptions = {}) =>
  writeSweepFiles(s.current.sim, spec, { rateLimit: FAST, ...options });

const openTickets = () =>
  [...s.current.sim.account("acme")!.tickets.values()].filter((t) => t.status !== "closed").length;

describe("hush sweep (in-process)", () => {
  it("sweeps, writes one audit record per item acted on, keeps no state once done, and prints a JSON summary", async () => {
    const f = await files();
    const run = await sweep(f.args, f.dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.json).toMatchObject({
      policy: "privacy/retention",
      account: "privacy/acme",
      dryRun: false,
      resumed: false,
      exitCode: 0,
      failures: [],
      audit: f.auditFile,
      summary: { result: "Succeeded", counts: { matched: openTickets(), acted: openTickets(), failed: 0 } },
    });
    const records = (await readFile(f.auditFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(openTickets());
    expect(new Set(records.map((r) => r.item.id)).size).toBe(openTickets());
    expect(records.every((r) => r.sweepId === run.json.summary.sweepId)).toBe(true);
    for (const ticket of s.current.sim.account("acme")!.tickets.values()) {
      if (ticket.status !== "closed") expect(ticket.tags).toContain(MARKER);
    }
    const state = await fileSweepState(f.stateDir, "privacy/retention");
    expect(await state.load()).toBeUndefined();
    await state.close();
  });

  it("prints a few lines for people on a terminal, with a progress line on stderr", async () => {
    const f = await files();
    const run = await sweep(f.args, f.dir, { tty: true });
    expect(run.code).toBe(0);
    expect(run.json).toBeUndefined();
    const n = openTickets();
    expect(run.stdout).toContain(`privacy/retention on privacy/acme: Succeeded — ${n} tickets handled`);
    expect(run.stdout).toContain(`matched ${n} · acted ${n} · skipped 0 · failed 0 · residual 0`);
    expect(run.stdout).toContain(`audit records: ${f.auditFile}`);
    expect(run.stderr).toContain("\rcounting matches…");
    // The line is erased before the summary, so that the terminal shows the summary alone.
    expect(run.stderr.endsWith("\r\x1b[K")).toBe(true);
  });

  it("writes audit records to stdout with --audit -, the summary last", async () => {
    const f = await files();
    const run = await sweep([...f.args, "--audit", "-"], f.dir);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(openTickets() + 1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, action: "Redact", item: { kind: "ticket" } });
    expect(run.json.audit).toBe("stdout");
    expect(existsSync(f.auditFile)).toBe(false);
  });

  it("prints every problem of invalid files as hush validate does, and sends nothing to Zendesk", async () => {
    const f = await files({ ...enforce, action: "Redcat" as never });
    const run = await sweep(f.args, f.dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^policy\.yaml:1 RedactionPolicy privacy\/retention: spec\.action: .*Redact.*\n/,
    );
    expect(run.stderr).toContain(
      "hush sweep: 1 problem in 1 file; fix it and run again (hush validate -f FILE checks files without sweeping)",
    );
    expect(s.current.sim.log.counts()).toEqual([]);
  });

  it("takes credentials from the environment when no Secret is among the files, and says which to set when there are none", async () => {
    const f = await files({ ...enforce, mode: "DryRun" }, { secret: false });
    const admin = s.current.sim.describe()[0]!.credentials.admin;
    const withEnv = await sweep(f.args, f.dir, {
      env: { ZENDESK_EMAIL: admin.email, ZENDESK_API_TOKEN: admin.token },
    });
    expect(withEnv.code).toBe(0);
    expect(withEnv.json.summary.result).toBe("Previewed");

    const without = await sweep(f.args, f.dir);
    expect(without.code).toBe(2);
    expect(without.stderr).toBe(
      "hush sweep: no credentials: set ZENDESK_EMAIL and ZENDESK_API_TOKEN (an API token) or ZENDESK_OAUTH_TOKEN, or add the account's Secret manifest with -f\n",
    );
  });

  it("previews a policy in DryRun mode without --dry-run, and creates no state or audit file", async () => {
    const f = await files({ ...enforce, mode: "DryRun" });
    const run = await sweep(f.args, f.dir);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      dryRun: true,
      summary: { result: "Previewed" },
      preview: { count: openTickets() },
    });
    expect(run.json.audit).toBeUndefined();
    expect(existsSync(join(f.dir, ".hush"))).toBe(false);
    expect(s.current.sim.log.writes()).toBe(0);
  });

  it("waits for approval above limits.approvalAbove with exit code 3 and the exact command, and sweeps once approved", async () => {
    const f = await files({ ...enforce, limits: { approvalAbove: 5 } });
    const waiting = await sweep(f.args, f.dir, { tty: true });
    expect(waiting.code).toBe(3);
    const id = /--approve (g1-n\d+-[0-9a-f]{8})/.exec(waiting.stdout)?.[1];
    expect(id).toBeDefined();
    expect(waiting.stdout).toContain("AwaitingApproval");
    expect(waiting.stdout).toContain("(limits.approvalAbove is 5); to run it, approve this preview:");
    expect(waiting.stdout).toContain(
      `    hush sweep -f account.yaml -f policy.yaml -f secret.yaml --approve ${id}`,
    );
    expect(s.current.sim.log.writes()).toBe(0);

    const json = await sweep(f.args, f.dir);
    expect(json.code).toBe(3);
    expect(json.json.approveCommand).toBe(
      `hush sweep -f account.yaml -f policy.yaml -f secret.yaml --approve ${id}`,
    );
    expect(json.json.preview.id).toBe(id);

    const approved = await sweep([...f.args, "--approve", id!], f.dir);
    expect(approved.code).toBe(0);
    expect(approved.json.summary).toMatchObject({ result: "Succeeded", counts: { acted: openTickets() } });
  });

  it("asks which policy to run when the files hold several, and runs the one --policy names", async () => {
    const f = await files();
    const other = {
      apiVersion: "hush.dev/v1alpha1",
      kind: "RedactionPolicy",
      metadata: { name: "spam", namespace: "privacy" },
      spec: { accountRef: { name: "acme" }, query: "type:ticket tags:spam", action: "Delete" },
    };
    await writeFile(join(f.dir, "spam.yaml"), stringify(other));
    const args = [...f.args, "-f", "spam.yaml"];
    const ambiguous = await sweep(args, f.dir);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toBe(
      "hush sweep: the files hold 2 policies (privacy/retention, privacy/spam); choose one with --policy NAMESPACE/NAME\n",
    );
    const unknown = await sweep([...args, "--policy", "privacy/gdpr"], f.dir);
    expect(unknown.stderr).toBe(
      "hush sweep: --policy privacy/gdpr names no RedactionPolicy in the files; they hold: privacy/retention, privacy/spam\n",
    );
    const chosen = await sweep([...args, "--policy", "spam"], f.dir);
    expect(chosen.code).toBe(0);
    expect(chosen.json.policy).toBe("privacy/spam");
    expect(chosen.json.summary.result).toBe("Previewed");
  });

  it("stops at limits.maxItemsPerSweep with exit code 0, and the next run goes on with the rest", async () => {
    const f = await files({ ...enforce, limits: { maxItemsPerSweep: 4 } });
    const first = await sweep(f.args, f.dir);
    expect(first.code).toBe(0);
    expect(first.json.summary).toMatchObject({ result: "LimitReached", counts: { acted: 4 } });
    const second = await sweep(f.args, f.dir);
    expect(second.json.summary.result).toBe("LimitReached");
    expect(second.json.resumed).toBe(true);
    expect(second.json.summary.sweepId).toBe(first.json.summary.sweepId);
  });

  it("cancels on a signal with exit code 1, keeps the sweep, and the next run finishes it without redoing an item", async () => {
    const f = await files({ ...enforce, concurrency: 1 });
    const controller = new AbortController();
    // Cancel once the sweep has made a dozen changes in Zendesk (a few tickets, each several changes).
    const log = s.current.sim.log;
    const record = log.record.bind(log);
    log.record = (entry) => {
      record(entry);
      if (entry.method !== "GET" && log.writes() >= 12) controller.abort(new Error("SIGINT"));
    };
    const cancelled = await sweep(f.args, f.dir, { signal: controller.signal });
    log.record = record;
    expect(cancelled.code).toBe(1);
    expect(cancelled.json.summary.result).toBe("Cancelled");
    const acted = cancelled.json.summary.counts.acted as number;
    expect(acted).toBeGreaterThan(0);
    expect(acted).toBeLessThan(openTickets());

    const resumed = await sweep(f.args, f.dir);
    expect(resumed.code).toBe(0);
    expect(resumed.json).toMatchObject({ resumed: true, summary: { result: "Succeeded" } });
    expect(resumed.json.summary.sweepId).toBe(cancelled.json.summary.sweepId);
    const records = (await readFile(f.auditFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const ids = records.map((r) => r.item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(openTickets());
  });

  it("names a state directory it cannot write and the option that changes it", async () => {
    const f = await files();
    await writeFile(join(f.dir, "blocked"), "a file, not a directory");
    const run = await sweep([...f.args, "--state", "blocked/state"], f.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `hush sweep: cannot keep sweep state in ${join(f.dir, "blocked/state")} (ENOTDIR); choose a writable directory with --state DIR\n`,
    );
    expect(s.current.sim.log.writes()).toBe(0);
  });
});
