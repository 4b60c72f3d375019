import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { OPERATOR_USAGE, operatorCommand, runOperatorCli } from "../../src/cli/operator.js";
import { OPERATOR_FLAGS } from "../../src/controller/config.js";
import { createFakeCluster } from "../controller/fake-cluster.js";

// `hush operator`: help that lists every flag with its variable and default, exit 2 with every
// configuration problem, and exit 0 after a stop signal.

const hush = fileURLToPath(new URL("../../bin/hush", import.meta.url));

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env },
  };
}

describe("hush operator", () => {
  it("lists every flag with its environment variable and default in --help", async () => {
    const { io: streams, out } = io();
    expect(await operatorCommand(["--help"], streams)).toBe(0);
    const help = out.join("");
    for (const spec of OPERATOR_FLAGS) {
      expect(help).toContain(`--${spec.flag}`);
      expect(help).toContain(`env ${spec.env}; default ${spec.defaultText ?? spec.default}`);
    }
  });

  it("exits 2 naming every problem, its flag and its variable", async () => {
    const { io: streams, err } = io({ HUSH_RESYNC_PERIOD: "often" });
    expect(await operatorCommand(["--max-sweeps-per-account", "99"], streams)).toBe(2);
    expect(err.join("")).toBe(
      `hush operator: 2 problems with the configuration:
  - --max-sweeps-per-account (HUSH_MAX_SWEEPS_PER_ACCOUNT) must be a whole number from 1 to 16 (got "99" from --max-sweeps-per-account)
  - --resync-period (HUSH_RESYNC_PERIOD) must be a duration: a number with a unit: ms, s, m or h, e.g. 15s, 500ms, 10m or 1m30s (got "often" from HUSH_RESYNC_PERIOD in the environment)

Run "hush operator --help" for the flags and their environment variables.
`,
    );
  });

  it("exits 2 when no cluster can be found, saying where it looked", async () => {
    const { io: streams, err } = io();
    const code = await operatorCommand(
      ["--kubeconfig", "/nonexistent/kubeconfig", "--metrics-bind-address", "127.0.0.1:0"],
      streams,
    );
    expect(code).toBe(2);
    expect(err.join("")).toContain("/nonexistent/kubeconfig");
  });

  it("runs until its signal aborts, then exits 0", async () => {
    const { io: streams } = io();
    const stop = new AbortController();
    const code = operatorCommand(["--leader-elect=false", "--metrics-bind-address=127.0.0.1:0"], {
      ...streams,
      signal: stop.signal,
      deps: {
        api: createFakeCluster(),
        createControllers: () => ({
          account: async () => ({}),
          policy: async () => ({}),
          stop: async () => ({ sweepsRunning: [] }),
        }),
        logDestination: { write: () => undefined },
        processMetrics: false,
      },
    });
    stop.abort();
    expect(await code).toBe(0);
  });

  it("ends the process with 1 at once, not when the event loop drains, when the operator fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-operator-cli-"));
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    // The metrics port is taken: the operator cannot start.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const exits: number[] = [];
    try {
      const code = await runOperatorCli(
        ["--kubeconfig", kubeconfig, "--leader-elect=false", `--metrics-bind-address=127.0.0.1:${port}`],
        (c) => exits.push(c),
      );
      expect(code).toBe(1);
      expect(exits).toEqual([1]);
      expect(stderr.mock.calls.map(([text]) => String(text)).join("")).toContain("HUSH_METRICS_BIND_ADDRESS");
    } finally {
      stderr.mockRestore();
      await new Promise((resolve) => blocker.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is a command of bin/hush", () => {
    const result = spawnSync(hush, ["operator", "--help"], { encoding: "utf8", timeout: 120_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${OPERATOR_USAGE}\n`);
  });
});
