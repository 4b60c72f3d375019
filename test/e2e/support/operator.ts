import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scaled, waitFor } from "./wait.js";

// `hush operator` as a real process: the compiled CLI (as bin/hush and the container run it),
// its stdout and stderr kept in a file and in memory (printed when a test fails, and searched for
// personal data), and an optional restart like a Deployment's pod gets after a non-zero exit.

const CLI = fileURLToPath(new URL("../../../dist/src/cli/main.js", import.meta.url));

export interface OperatorOptions {
  kubeconfig: string;
  /** The only namespace it watches, so that parallel test files do not see each other's objects. */
  namespace: string;
  /** POD_NAME; also names the log and audit files. */
  identity: string;
  /** Directory for the log and the audit file. */
  dir: string;
  leaderElection?: {
    namespace: string;
    id: string;
    /** Go durations, e.g. 4s. */
    leaseDuration?: string;
    renewDeadline?: string;
    retryPeriod?: string;
  };
  /** Without leader election (--leader-elect=false). */
  noLeaderElection?: boolean;
  /** More flags, e.g. ["--max-sweeps-per-account", "1"]. */
  extraArgs?: string[];
  /** Restart after a non-zero exit, as Kubernetes restarts a pod's container (default false). */
  restartOnFailure?: boolean;
  logLevel?: string;
  /** Extra node options, e.g. ["--import", "file.mjs"] to run the operator on a shifted clock. */
  nodeArgs?: string[];
}

export interface OperatorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every operator any test started; killed when a test ends, however it ended. */
const running = new Set<OperatorProcess>();

export class OperatorProcess {
  readonly logFile: string;
  readonly auditFile: string;
  /** Exits so far, in order (a restarted operator has several). */
  readonly exits: OperatorExit[] = [];
  metricsPort = 0;
  private child: ChildProcess | undefined;
  private output = "";
  private log: WriteStream;
  private stopping = false;
  private exitWaiters: (() => void)[] = [];

  constructor(readonly options: OperatorOptions) {
    this.logFile = join(options.dir, `operator-${options.identity}.log`);
    this.auditFile = join(options.dir, `audit-${options.identity}.jsonl`);
    this.log = createWriteStream(this.logFile, { flags: "a" });
  }

  get args(): string[] {
    const o = this.options;
    const args = [
      "operator",
      "--kubeconfig",
      o.kubeconfig,
      "--namespaces",
      o.namespace,
      "--identity",
      o.identity,
      "--metrics-bind-address",
      `127.0.0.1:${this.metricsPort}`,
      "--audit-file",
      this.auditFile,
      "--log-level",
      o.logLevel ?? "debug",
    ];
    if (o.noLeaderElection) args.push("--leader-elect=false");
    const le = o.leaderElection;
    if (le) {
      args.push(
        "--leader-elect=true",
        "--leader-election-namespace",
        le.namespace,
        "--leader-election-id",
        le.id,
      );
      if (le.leaseDuration) args.push("--lease-duration", le.leaseDuration);
      if (le.renewDeadline) args.push("--renew-deadline", le.renewDeadline);
      if (le.retryPeriod) args.push("--retry-period", le.retryPeriod);
    }
    return [...args, ...(o.extraArgs ?? [])];
  }

  /** Everything the process wrote to stdout and stderr so far (over restarts). */
  get logs(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<this> {
    if (this.metricsPort === 0) this.metricsPort = await freePort();
    running.add(this);
    this.spawnChild();
    return this;
  }

  private spawnChild(): void {
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), CLI, ...this.args], {
      // Only what a container would have: no KUBECONFIG from the test's environment.
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "/tmp",
        POD_NAME: this.options.identity,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output += chunk.toString();
      this.log.write(chunk);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.once("close", (code, signal) => {
      this.exits.push({ code, signal });
      const note = `\n--- [test harness] ${this.options.identity} exited: code ${code}, signal ${signal} ---\n`;
      this.output += note;
      this.log.write(note);
      const waiters = this.exitWaiters;
      this.exitWaiters = [];
      for (const wake of waiters) wake();
      // A Deployment restarts a container that failed; a test that stopped or killed it on purpose did not fail.
      if (this.options.restartOnFailure && !this.stopping && code !== 0) {
        setTimeout(() => {
          if (!this.stopping) this.spawnChild();
        }, 500);
      } else {
        running.delete(this);
      }
    });
  }

  /** Resolves at the next exit of the process. */
  nextExit(): Promise<OperatorExit> {
    if (!this.alive && this.exits.length > 0 && !this.options.restartOnFailure)
      return Promise.resolve(this.exits.at(-1)!);
    return new Promise((resolve) => this.exitWaiters.push(() => resolve(this.exits.at(-1)!)));
  }

  /** SIGKILL: the process dies at once, as when its node fails. No restart follows. */
  async kill(): Promise<OperatorExit> {
    this.stopping = true;
    if (!this.alive) return this.exits.at(-1) ?? { code: null, signal: null };
    const exited = this.nextExit();
    this.child!.kill("SIGKILL");
    return exited;
  }

  /** SIGTERM, as Kubernetes stops a pod; SIGKILL after `graceMs` as the kubelet would. */
  async stop(graceMs = 30_000): Promise<OperatorExit> {
    this.stopping = true;
    if (!this.alive) {
      running.delete(this);
      return this.exits.at(-1) ?? { code: null, signal: null };
    }
    const exited = this.nextExit();
    this.child!.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), scaled(graceMs));
    const exit = await exited;
    clearTimeout(timer);
    running.delete(this);
    await new Promise<void>((resolve) => this.log.end(resolve));
    return exit;
  }

  /** GET of the operator's HTTP server (/healthz, /readyz, /metrics). */
  async http(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`http://127.0.0.1:${this.metricsPort}${path}`);
    return { status: res.status, text: await res.text() };
  }

  /** Waits until /readyz answers 200: leader with synced caches, or a standby campaigning. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `operator ${this.options.identity} to answer /readyz with 200`,
      async () => {
        if (!this.alive && !this.options.restartOnFailure)
          throw new Error(`operator ${this.options.identity} exited: ${JSON.stringify(this.exits.at(-1))}`);
        return (await this.http("/readyz")).status === 200 ? true : undefined;
      },
      { timeoutMs, describe: () => this.tail() },
    );
  }

  /** The last lines of output, for failure messages. */
  tail(lines = 40): string {
    return this.output.split("\n").slice(-lines).join("\n");
  }
}

/** Starts an operator; the test's cleanup (harness.ts) stops it. */
export async function startOperator(options: OperatorOptions): Promise<OperatorProcess> {
  return new OperatorProcess(options).start();
}

/** Kills every operator still running (a test that timed out), so that it cannot load the next test. */
export async function killAllOperators(): Promise<void> {
  await Promise.all([...running].map((op) => op.kill()));
  running.clear();
}

/** A free TCP port on loopback (the operator's metrics address must be known to probe it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
