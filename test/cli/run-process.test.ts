import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readStatusFile } from "../../src/local/status-files.js";
import { useSimulator } from "../support/sim.js";

// `hush run` as a process: it prints where its metrics are, serves them, and on SIGTERM cancels
// its sweeps, writes their status and exits 0.

const hush = fileURLToPath(new URL("../../bin/hush", import.meta.url));
const sim = useSimulator({ accounts: [{ subdomain: "acme", plan: "enterprise", tickets: 400 }] });

describe("hush run (the process)", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("serves metrics at the URL it prints, and stops cleanly on SIGTERM, keeping the sweep's state", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hush-run-process-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const c = sim.current.sim.describe()[0]!.credentials.admin;
    await writeFile(
      join(dir, "account.yaml"),
      `apiVersion: hush.dev/v1alpha1
kind: ZendeskAccount
metadata: {name: acme}
spec:
  subdomain: acme
  baseURL: ${sim.current.url}
  credentials: {secretRef: {name: acme-zendesk}}
  rateLimit: {plan: Enterprise, share: 10}
---
apiVersion: v1
kind: Secret
metadata: {name: acme-zendesk}
stringData: {email: ${c.email}, token: ${c.token}}
`,
    );
    // At 10% of Enterprise (70 requests a minute) this sweep takes many minutes: it is running
    // when the process is told to stop.
    await writeFile(
      join(dir, "retention.yaml"),
      `apiVersion: hush.dev/v1alpha1
kind: RedactionPolicy
metadata: {name: retention}
spec:
  accountRef: {name: acme}
  query: "type:ticket status:closed updated<90days"
  mode: Enforce
  redact: {closedTickets: Replace}
  schedule: {cron: "0 3 * * *"}
`,
    );
    const child: ChildProcess = spawn(hush, ["run", "--dir", dir, "--sweep-now", "--metrics-port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
    });
    const deadline = Date.now() + 60_000;
    const lines = () =>
      stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    while (!lines().some((l) => l["msg"] === "sweep started")) {
      if (child.exitCode !== null) throw new Error(`hush run exited early:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`hush run started no sweep:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const metricsUrl = lines().find((l) => typeof l["metrics"] === "string")?.["metrics"] as
      | string
      | undefined;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metrics = await (await fetch(metricsUrl!)).text();
    expect(metrics).toContain('hush_account_ready{namespace="default",account="acme"} 1');
    expect(metrics).toContain("hush_policy_next_sweep_timestamp_seconds");

    // Stop once the sweep has begun its work (its checkpoint is on disk), not while it counts.
    const checkpointPath = join(dir, ".hush", "state", "default", "retention", "sweep.json");
    while (
      !(await readFile(checkpointPath).then(
        () => true,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`the sweep wrote no checkpoint:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code, stderr).toBe(0);
    const status = (await readStatusFile(join(dir, "retention.status.yaml"))).get(
      "RedactionPolicy/default/retention",
    )?.status as any;
    expect(status.lastSweep.result).toBe("Cancelled");
    expect(status.lastSweep.message).toContain("the next start resumes the sweep");
    // The sweep's state is kept for the next start.
    const checkpoint = JSON.parse(
      await readFile(join(dir, ".hush", "state", "default", "retention", "sweep.json"), "utf8"),
    );
    expect(checkpoint.sweepId).toBe(status.lastSweep.sweepId);
  });
});
