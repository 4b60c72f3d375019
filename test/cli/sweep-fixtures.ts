import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { stringify } from "yaml";
import type { RedactionPolicyInput } from "../../src/api/index.js";
import type { Account } from "../../src/simulator/account.js";
import type { CommentRecord, Ticket } from "../../src/simulator/model.js";
import type { Simulator } from "../../src/simulator/simulator.js";

// Fixtures for the end-to-end tests of `hush sweep`: resource files pointing at an in-process
// simulator, the real CLI as a child process, and checks of what the simulator holds afterwards.

export const MARKER = "hush-redacted";
const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

export interface SweepFiles {
  dir: string;
  /** The -f arguments. */
  args: string[];
  stateDir: string;
  auditFile: string;
}

export interface FileOptions {
  /** spec.rateLimit of the account (default: the plan's limit, Hush's share 50). */
  rateLimit?: { requestsPerMinute?: number; share?: number; plan?: string };
  /** Whether to write the Secret manifest (default true); without it credentials come from the environment. */
  secret?: boolean;
}

/** Writes account, Secret and policy manifests for the simulator's default account into a new temporary directory. */
export async function writeSweepFiles(
  sim: Simulator,
  policySpec: Omit<RedactionPolicyInput["spec"], "accountRef">,
  options: FileOptions = {},
): Promise<SweepFiles> {
  const dir = await mkdtemp(join(tmpdir(), "hush-sweep-"));
  const info = sim.describe()[0]!;
  const account = {
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { name: "acme", namespace: "privacy" },
    spec: {
      subdomain: info.subdomain,
      baseURL: info.url,
      credentials: { secretRef: { name: "acme-zendesk" } },
      rateLimit: options.rateLimit ?? { plan: "Enterprise", share: 50 },
    },
  };
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "acme-zendesk", namespace: "privacy" },
    stringData: { email: info.credentials.admin.email, token: info.credentials.admin.token },
  };
  const policy = {
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: { name: "retention", namespace: "privacy" },
    spec: { accountRef: { name: "acme" }, ...policySpec },
  };
  await writeFile(join(dir, "account.yaml"), stringify(account));
  await writeFile(join(dir, "policy.yaml"), stringify(policy));
  const args = ["-f", "account.yaml", "-f", "policy.yaml"];
  if (options.secret !== false) {
    await writeFile(join(dir, "secret.yaml"), stringify(secret));
    args.push("-f", "secret.yaml");
  }
  return { dir, args, stateDir: join(dir, ".hush", "state"), auditFile: join(dir, ".hush", "audit.jsonl") };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An output stream for sweepCommand that keeps what is written, and says whether it is a terminal. */
export class CapturedOutput extends Writable {
  text = "";
  columns = 120;
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const running = new Set<ChildProcess>();

/** Kills what a test left running (a timed-out test), so that it cannot load the machine for the next. */
export function killLeftoverSweeps(): void {
  afterEach(() => {
    for (const child of running) child.kill("SIGKILL");
    running.clear();
  });
}

/** `hush sweep ARGS` as a child process in `cwd` (the compiled CLI, as bin/hush runs it). */
export function spawnSweep(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): { child: ChildProcess; finished: Promise<Finished>; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, "sweep", ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const finished = once(child, "close").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return { child, finished, stderr: () => stderr };
}

/** The JSON summary: the last line of stdout. */
export function summaryOf(run: Finished): any {
  const last = run.stdout.trim().split("\n").at(-1);
  if (!last) throw new Error(`hush sweep printed no summary (exit ${run.code}):\n${run.stderr}`);
  return JSON.parse(last);
}

/**
 * The seed makes tickets in every status, most of them closed; a test that wants every ticket
 * redacted in place (closed tickets cannot be edited) reopens them.
 */
export function reopenEveryTicket(account: Account): void {
  for (const ticket of account.tickets.values()) {
    if (ticket.status !== "closed") continue;
    ticket.status = "open";
    ticket.solved_at = null;
    ticket.closed_at = null;
  }
}

/** Letters or digits: what Full masking leaves none of. */
const READABLE = /[\p{L}\p{N}]/u;

/** What of a ticket Full masking of subject and comments must have masked, and is still readable. */
export function readableLeft(ticket: Ticket, comments: readonly CommentRecord[]): string[] {
  const left: string[] = [];
  if (ticket.subject && READABLE.test(ticket.subject)) left.push("subject");
  for (const comment of comments) {
    const html = (comment.html_body ?? "").replace(/<[^>]*>/g, "").replace(/&#?\w+;/g, "");
    if (READABLE.test(comment.body) || READABLE.test(html)) {
      left.push(`comment ${comment.id}`);
    }
  }
  return left;
}

/** Write requests the simulator answered with a 2xx, by "METHOD route". */
export function successfulWrites(sim: Simulator): Map<string, number> {
  const writes = new Map<string, number>();
  for (const row of sim.log.counts()) {
    if (row.method === "GET" || row.status >= 300) continue;
    const key = `${row.method} ${row.route}`;
    writes.set(key, (writes.get(key) ?? 0) + row.count);
  }
  return writes;
}
