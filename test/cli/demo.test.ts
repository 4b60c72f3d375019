import { spawn } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `hush demo`, the README's first command, as a user runs it: end to end, with --exit so that it
// ends after its first round.

const hush = fileURLToPath(new URL("../../bin/hush", import.meta.url));

describe("hush demo", () => {
  it("runs the examples against the simulator and shows progress, a before/after and where metrics are", async () => {
    const child = spawn(hush, ["demo", "--exit", "--port", "0", "--metrics-port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, "exit");
    const dir = /The examples, copied to (\S+):/.exec(stdout)?.[1];
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(code, `${stdout}\n${stderr}`).toBe(0);

    expect(stdout).toContain("synthetic data");
    // Progress of each policy, and how the round ended.
    for (const policy of [
      "gdpr-retention",
      "anonymize-inactive-users",
      "delete-spam",
      "redact-solved-except-on-hold",
    ]) {
      expect(stdout).toMatch(new RegExp(`${policy}\\s+sweep started`));
    }
    // The demo caps the retention policy at 40 tickets a sweep; the rest is for the next ones.
    expect(stdout).toMatch(/gdpr-retention\s+LimitReached — \d+ matched, \d+ acted on; the other \d+ follow/);
    expect(stdout).toMatch(/erasure-request-user\s+Succeeded — 1 matched, 1 acted on/);
    // Before and after: a ticket replaced by a redacted copy, and an anonymised user.
    expect(stdout).toMatch(/ticket #\d+ \(closed\) — gdpr-retention/);
    const before = /before {2}subject (".*")/.exec(stdout)?.[1];
    const after = /after {3}copy #\d+: subject (".*")/.exec(stdout)?.[1];
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(stdout).toContain("▇");
    expect(stdout).toMatch(/user #\d+ — anonymize-inactive-users[\s\S]*after {3}.*@anonymized\.invalid/);
    expect(stdout).toMatch(
      /tagged legal-hold\) — matched redact-solved-except-on-hold, but exempt\n\s+unchanged/,
    );
    // Personal data (synthetic here) appears only in the before/after; elsewhere only the
    // simulator's admin login and the placeholder of examples/erasure-request.yaml are shown.
    const [head, rest] = stdout.split("Before and after (synthetic data):");
    const where = rest?.split("Where to look:")[1] ?? "";
    const emails = `${head}${where}`.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? [];
    expect(new Set(emails)).toEqual(new Set(["admin@acme.example.com", "person@example.com"]));
    // Where to look.
    expect(stdout).toMatch(/metrics {3}http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(stdout).toMatch(/audit {5}\S+\.hush\/audit\.jsonl/);
    expect(stdout).toMatch(
      /hush_sweep_items_total\{namespace="default",policy="gdpr-retention",action="Redact",result="acted"\} \d+/,
    );
  }, 180_000);

  it("explains its options", async () => {
    const child = spawn(hush, ["demo", "--tickets", "many"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stdout).toContain('--tickets must be a whole number from 20 to 100000; got "many"');
  });
});
