import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitCodeForOutcomes, runCommand } from "../../src/cli/run.js";
import { parseRunArgs } from "../../src/cli/run-args.js";
import { readStatusFile } from "../../src/local/status-files.js";
import { useSimulator } from "../support/sim.js";

// `hush run --once` against the in-process simulator: the real sweep engine, real files, real
// status; and the command line itself (options, exit codes).

const sim = useSimulator({ accounts: [{ subdomain: "acme", plan: "enterprise_plus", tickets: 60 }] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hush-run-test-"));
  sim.current.sim.reset();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterAll(() => undefined);

function accountYaml(): string {
  const c = sim.current.sim.describe()[0]!.credentials.admin;
  return `apiVersion: hush.dev/v1alpha1
kind: ZendeskAccount
metadata:
  name: acme
spec:
  subdomain: acme
  baseURL: ${sim.current.url}
  credentials:
    secretRef:
      name: acme-zendesk
  rateLimit:
    plan: EnterprisePlus
---
apiVersion: v1
kind: Secret
metadata:
  name: acme-zendesk
stringData:
  email: ${c.email}
  token: ${c.token}
`;
}

const policy = (name: string, spec: string) => `apiVersion: hush.dev/v1alpha1
kind: RedactionPolicy
metadata:
  name: ${name}
spec:
  accountRef:
    name: acme
${spec}`;

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCommand(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

const status = async (file: string, name: string) =>
  (await readStatusFile(join(dir, file))).get(`RedactionPolicy/default/${name}`)?.status as any;

describe("hush run --once", () => {
  it("sweeps every policy once and writes status files with lastSweep, conditions and nextSweepTime", async () => {
    await writeFile(join(dir, "account.yaml"), accountYaml());
    await writeFile(
      join(dir, "retention.yaml"),
      policy(
        "retention",
        `  query: "type:ticket status:closed updated<90days"
  mode: Enforce
  redact:
    closedTickets: Replace
  schedule:
    cron: "0 3 * * *"
    timeZone: Europe/Copenhagen
`,
      ),
    );
    await writeFile(
      join(dir, "preview.yaml"),
      policy("preview", `  query: "type:ticket status:solved"\n  schedule:\n    interval: 6h\n`),
    );

    const { code, stderr } = await run(["--dir", dir, "--once"]);
    expect(code, stderr).toBe(0);

    const retention = await status("retention.status.yaml", "retention");
    expect(retention.lastSweep.result).toBe("Succeeded");
    expect(retention.lastSweep.counts.matched).toBeGreaterThan(0);
    expect(retention.lastSweep.counts.acted).toBe(retention.lastSweep.counts.matched);
    expect(retention.conditions.map((c: any) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      "Ready=True/Succeeded",
    ]);
    // Daily at 03:00 in Copenhagen: 01:00 or 02:00 UTC, depending on summer time.
    expect(retention.nextSweepTime).toMatch(/T0[12]:00:00Z$/);
    expect(Date.parse(retention.nextSweepTime)).toBeGreaterThan(Date.now());

    const preview = await status("preview.status.yaml", "preview");
    expect(preview.lastSweep.result).toBe("Previewed");
    expect(preview.preview.count).toBe(preview.lastSweep.counts.matched);
    expect(preview.conditions[0]).toMatchObject({ type: "Ready", status: "True", reason: "Previewed" });

    const audit = (await readFile(join(dir, ".hush", "audit.jsonl"), "utf8")).trim().split("\n");
    expect(audit).toHaveLength(retention.lastSweep.counts.acted);
    // The logs are JSON lines with names and counts, and no credential.
    const token = sim.current.sim.describe()[0]!.credentials.admin.token;
    expect(stderr).not.toContain(token);
    expect(
      stderr
        .split("\n")
        .filter(Boolean)
        .every((line) => JSON.parse(line).name === "hush-run"),
    ).toBe(true);
  });

  it("exits 3 when a sweep awaits approval, naming the preview id in the status", async () => {
    await writeFile(join(dir, "account.yaml"), accountYaml());
    await writeFile(
      join(dir, "big.yaml"),
      policy(
        "big",
        `  query: "type:ticket status:closed"\n  mode: Enforce\n  limits:\n    approvalAbove: 1\n`,
      ),
    );
    const { code } = await run(["--dir", dir, "--once"]);
    expect(code).toBe(3);
    const big = await status("big.status.yaml", "big");
    const waiting = big.conditions.find((c: any) => c.type === "AwaitingApproval");
    expect(waiting.message).toContain(`hush.dev/approve: ${big.preview.id}`);
  });

  it("exits 2 for an invalid policy and says which field, in the log and the status file", async () => {
    await writeFile(join(dir, "account.yaml"), accountYaml());
    await writeFile(join(dir, "bad.yaml"), policy("bad", `  query: "type:ticket"\n  action: Redcat\n`));
    const { code, stderr } = await run(["--dir", dir, "--once"]);
    expect(code).toBe(2);
    expect(stderr).toContain("spec.action");
    expect(await readFile(join(dir, "bad.status.yaml"), "utf8")).toContain("spec.action");
  });

  it("exits 1 when a policy cannot sweep because its account is missing", async () => {
    await writeFile(join(dir, "lonely.yaml"), policy("lonely", `  query: "type:ticket status:closed"\n`));
    const { code } = await run(["--dir", dir, "--once"]);
    expect(code).toBe(1);
    expect((await status("lonely.status.yaml", "lonely")).conditions).toContainEqual(
      expect.objectContaining({ type: "Stalled", status: "True", reason: "AccountNotFound" }),
    );
  });

  it("keeps the email of an erasure request's query out of status, logs, output and its own files", async () => {
    const account = sim.current.sim.account("acme")!;
    const requester = [...account.tickets.values()]
      .map((t) => account.users.get(t.requester_id))
      .find((u) => u?.role === "end-user" && u.email)!;
    const email = requester.email!;
    await writeFile(join(dir, "account.yaml"), accountYaml());
    await writeFile(
      join(dir, "erasure.yaml"),
      `${policy("erasure-tickets", `  query: "type:ticket requester:${email}"\n  mode: Enforce\n  redact:\n    masking: Full\n    closedTickets: Replace\n`)}---
${policy("erasure-user", `  target: users\n  query: "type:user email:${email}"\n  action: Anonymize\n  mode: DryRun\n`)}`,
    );

    const printed = await run(["--dir", dir, "--once", "--status", "print", "--log-level", "debug"]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain("result: Succeeded");
    expect(printed.stdout).toContain("result: Previewed");
    const written = await run(["--dir", dir, "--once", "--log-level", "debug"]);
    expect(written.code, written.stderr).toBe(0);

    const files = await readdir(dir, { recursive: true, withFileTypes: true });
    const ownFiles = files
      .filter((f) => f.isFile() && f.name !== "erasure.yaml")
      .map((f) => join(f.parentPath, f.name));
    expect(ownFiles.some((f) => f.endsWith("erasure.status.yaml"))).toBe(true);
    // The tickets were redacted: one audit record each.
    const audit = await readFile(join(dir, ".hush", "audit.jsonl"), "utf8");
    expect(audit.trim().split("\n").length).toBeGreaterThan(0);
    expect(audit).toContain('"policy":"default/erasure-tickets"');
    for (const [where, text] of [
      ["stdout", printed.stdout + written.stdout],
      ["stderr", printed.stderr + written.stderr],
      ...(await Promise.all(ownFiles.map(async (f) => [f, await readFile(f, "utf8")] as const))),
    ]) {
      expect(text.toLowerCase().includes(email.toLowerCase()), `${where} holds the email`).toBe(false);
    }
  });

  it("prints status as YAML with --status print, and writes no status file", async () => {
    await writeFile(join(dir, "account.yaml"), accountYaml());
    await writeFile(join(dir, "p.yaml"), policy("p", `  query: "type:ticket status:solved"\n`));
    const { code, stdout } = await run(["--dir", dir, "--once", "--status", "print"]);
    expect(code).toBe(0);
    expect(stdout).toContain("kind: RedactionPolicy");
    expect(stdout).toContain("result: Previewed");
    await expect(readFile(join(dir, "p.status.yaml"))).rejects.toThrow();
  });
});

describe("hush run's command line", () => {
  it.each([
    [[], "no directory: give the directory"],
    [["--dir"], "--dir needs a value"],
    [["--dir", "d", "--status", "show"], '--status must be write or print; got "show"'],
    [["--dir", "d", "--metrics-port", "http"], "--metrics-port must be a whole number from 0 to 65535"],
    [["--dir", "d", "--sweepnow"], "unknown option --sweepnow; did you mean --sweep-now?"],
    [["examples"], "give the directory with --dir (--dir examples)"],
  ])("refuses %j, naming the fix", async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("serves metrics on 9464 by default, and only when asked with --once", () => {
    expect(parseRunArgs(["--dir", "d"]).metricsPort).toBe(9464);
    expect(parseRunArgs(["--dir", "d", "--once"]).metricsPort).toBeUndefined();
    expect(parseRunArgs(["--dir", "d", "--once", "--metrics-port", "0"]).metricsPort).toBe(0);
  });

  it("names a directory that does not exist", async () => {
    const { code, stderr } = await run(["--dir", join(dir, "missing"), "--once"]);
    expect(code).toBe(2);
    expect(stderr).toContain("does not exist");
  });

  it("sums up outcomes in its exit code", () => {
    const o = (result: any) => ({ policy: "p", file: "f", result });
    expect(exitCodeForOutcomes([o("Succeeded"), o("Previewed"), o("LimitReached")], [])).toBe(0);
    expect(exitCodeForOutcomes([o("Succeeded"), o("AwaitingApproval")], [])).toBe(3);
    expect(exitCodeForOutcomes([o("AwaitingApproval"), o("PartiallyFailed")], [])).toBe(1);
    expect(exitCodeForOutcomes([o("Cancelled")], [])).toBe(1);
    expect(
      exitCodeForOutcomes([{ policy: "p", file: "f", stalled: { reason: "InvalidSpec", message: "" } }], []),
    ).toBe(2);
  });
});
