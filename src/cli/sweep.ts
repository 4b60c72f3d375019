import { isAbsolute, relative, resolve } from "node:path";
import type { CurrentSweep, RedactionPolicy, ZendeskAccount } from "../api/index.js";
import {
  checkReferences,
  formatProblem,
  type Loaded,
  loadResourceFiles,
  type ResourceSet,
} from "../api/load.js";
import { fileAuditSink, streamAuditSink } from "../observability/index.js";
import { AccountConfigError, type AccountConnection, connectAccount } from "../sweep/connect.js";
import type { AuditSink, SweepObserver } from "../sweep/evidence.js";
import { fileSweepState } from "../sweep/file-sweep-state.js";
import { runSweep, type SweepReport } from "../sweep/run-sweep.js";
import { memorySweepState, type SweepStateStore } from "../sweep/sweep-state.js";
import type { Clock } from "../zendesk/index.js";
import { CredentialsError, secretsForAccount } from "./env-credentials.js";
import { ProgressBar } from "./progress.js";
import { parseSweepArgs, SWEEP_USAGE, type SweepArgs, UsageError } from "./sweep-args.js";
import {
  approveCommandLine,
  exitCodeFor,
  humanSummary,
  jsonSummary,
  type SummaryContext,
} from "./sweep-output.js";

// `hush sweep -f FILE...`: one sweep of one policy, without a cluster. Loads and checks the
// resources, picks the policy, its account and credentials, connects, runs the sweep with its
// state in files (so that the next run continues an unfinished sweep) and its audit records in a
// JSON-lines file, and prints a summary. Exit codes in sweep-args.ts's usage.

/** Where unfinished sweeps are kept, under the working directory, unless --state says. */
export const DEFAULT_STATE_DIR = ".hush/state";
/** Where audit records go, under the working directory, unless --audit says. */
export const DEFAULT_AUDIT_FILE = ".hush/audit.jsonl";

/** An output stream as the command uses it: process.stdout and process.stderr are ones. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What the command needs from its process; tests pass their own. */
export interface SweepCommandIo {
  stdout: Output & NodeJS.WritableStream;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Cancels the sweep (runSweepCommand wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal;
  /** The sweep's clock: virtual time in tests. */
  clock?: Clock;
  /** Makes the account's connection (default connectAccount); tests watch the budget through it. */
  connect?: typeof connectAccount;
}

const EXIT_USAGE = 2;

/** A problem that stops the command before any sweep: a message and exit code 2. */
class Stop extends Error {
  /** The message is printed as it is, without the "hush sweep: " prefix. */
  readonly bare: boolean;
  constructor(message: string, options: { bare?: boolean } = {}) {
    super(message);
    this.bare = options.bare ?? false;
  }
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

export async function sweepCommand(argv: readonly string[], io: SweepCommandIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`hush sweep: ${message}\n`);
    return EXIT_USAGE;
  };
  let args: SweepArgs;
  try {
    args = parseSweepArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return fail(`${error.message}\nRun "hush sweep --help" for the options.`);
  }
  if (args.help) {
    io.stdout.write(`${SWEEP_USAGE}\n`);
    return 0;
  }

  const opened: Partial<OpenedSweep> = {};
  try {
    const sweep = await openSweep(args, io, opened);
    const report = await runWithProgress(sweep, args, io);
    const { policy } = sweep;
    const context: SummaryContext = {
      policy: keyOf(policy),
      account: keyOf(sweep.account),
      dryRun: sweep.dryRun,
      ...(sweep.dryRun
        ? {}
        : { audit: sweep.auditTarget === "-" ? "stdout" : resolve(io.cwd, sweep.auditTarget) }),
      maxItemsPerSweep: policy.spec.limits.maxItemsPerSweep,
      ...(policy.spec.limits.approvalAbove === undefined
        ? {}
        : { approvalAbove: policy.spec.limits.approvalAbove }),
      ...(report.summary.result === "AwaitingApproval" && report.preview
        ? { approveCommand: approveCommandLine(argv, report.preview.id) }
        : {}),
    };
    const json = args.json || !io.stdout.isTTY;
    io.stdout.write(
      json ? `${JSON.stringify(jsonSummary(report, context))}\n` : `${humanSummary(report, context)}\n`,
    );
    return exitCodeFor(report.summary.result);
  } catch (error) {
    if (error instanceof Stop && error.bare) {
      io.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof Stop || error instanceof CredentialsError || error instanceof AccountConfigError)
      return fail(error.message);
    throw error;
  } finally {
    await opened.audit?.close();
    await opened.state?.close();
    await opened.connection?.close();
  }
}

/** Everything a sweep needs, ready: the resources, the connection, where state and evidence go. */
interface OpenedSweep {
  policy: RedactionPolicy;
  account: ZendeskAccount;
  dryRun: boolean;
  connection: AccountConnection;
  state: SweepStateStore;
  audit: AuditSink;
  /** --audit as given (default DEFAULT_AUDIT_FILE); "-" is stdout. */
  auditTarget: string;
}

/** Loads and checks the files, picks the policy, connects; what it opened goes into `opened` as it goes, for closing. */
async function openSweep(
  args: SweepArgs,
  io: SweepCommandIo,
  opened: Partial<OpenedSweep>,
): Promise<OpenedSweep> {
  const resources = await loadResources(args, io);
  const policy = pickPolicy(resources.policies, args.policy).resource;
  const account = accountOf(policy, resources.accounts).resource;
  const secrets = secretsForAccount(
    account,
    resources.secrets.map((s) => s.resource),
    io.env,
  );
  const dryRun = args.dryRun || policy.spec.mode === "DryRun";
  const connection = (io.connect ?? connectAccount)(
    account,
    {
      credentials: secrets.credentials,
      ...(secrets.pseudonymKey === undefined ? {} : { pseudonymKey: secrets.pseudonymKey }),
    },
    io.clock ? { clock: io.clock } : {},
  );
  opened.connection = connection;
  // A dry run changes nothing, locally either: no state, no audit file.
  const state = dryRun
    ? memorySweepState()
    : await openState(resolve(io.cwd, args.stateDir ?? DEFAULT_STATE_DIR), keyOf(policy));
  opened.state = state;
  const auditTarget = args.audit ?? DEFAULT_AUDIT_FILE;
  const audit = dryRun ? refusingAuditSink() : await openAudit(auditTarget, io);
  opened.audit = audit;
  return { policy, account, dryRun, connection, state, audit, auditTarget };
}

/** Runs the sweep, with a progress line on stderr when it is a terminal. */
async function runWithProgress(
  sweep: OpenedSweep,
  args: SweepArgs,
  io: SweepCommandIo,
): Promise<SweepReport> {
  const progress = io.stderr.isTTY
    ? new ProgressBar({
        stream: io.stderr,
        budget: () => sweep.connection.budget.snapshot(),
        limit: sweep.policy.spec.limits.maxItemsPerSweep,
      })
    : undefined;
  progress?.start();
  try {
    return await runSweep({
      account: sweep.account,
      policy: sweep.policy,
      connection: sweep.connection,
      state: sweep.state,
      audit: sweep.audit,
      ...(progress
        ? { observer: progressObserver(progress), onProgress: (p: CurrentSweep) => progress.update(p) }
        : {}),
      dryRun: sweep.dryRun,
      ...(args.approve === undefined ? {} : { approval: args.approve }),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(io.clock ? { clock: io.clock } : {}),
      ...(args.concurrency === undefined ? {} : { concurrency: args.concurrency }),
    });
  } finally {
    progress?.stop();
  }
}

/** The files' resources, when they and their references are valid. */
async function loadResources(args: SweepArgs, io: SweepCommandIo): Promise<ResourceSet> {
  const { resources, problems } = await loadResourceFiles(args.files.map((file) => resolve(io.cwd, file)));
  const all = problems.length > 0 ? problems : checkReferences(resources);
  if (all.length > 0) {
    const files = new Set(all.map((p) => p.file)).size;
    // Files named as the user named them, relative to where the command runs.
    const shown = (file: string): string => {
      const path = relative(io.cwd, file);
      return path.startsWith("..") || isAbsolute(path) ? file : path;
    };
    const lines = all.map((p) => formatProblem({ ...p, file: shown(p.file) }));
    throw new Stop(
      `${lines.join("\n")}\nhush sweep: ${plural(all.length, "problem")} in ${plural(files, "file")}; fix ${all.length === 1 ? "it" : "them"} and run again (hush validate -f FILE checks files without sweeping)`,
      { bare: true },
    );
  }
  return resources;
}

/** The policy's account, from the files. */
function accountOf(
  policy: RedactionPolicy,
  accounts: readonly Loaded<ZendeskAccount>[],
): Loaded<ZendeskAccount> {
  const namespace = policy.metadata.namespace ?? "default";
  const name = policy.spec.accountRef.name;
  const account = accounts.find(
    (a) => (a.resource.metadata.namespace ?? "default") === namespace && a.resource.metadata.name === name,
  );
  if (!account) {
    throw new Stop(
      `RedactionPolicy ${keyOf(policy)} works on ZendeskAccount ${namespace}/${name} (spec.accountRef.name), which is not among the files; add its manifest with -f`,
    );
  }
  return account;
}

export function pickPolicy(
  policies: readonly Loaded<RedactionPolicy>[],
  wanted: string | undefined,
): Loaded<RedactionPolicy> {
  const names = policies.map((p) => keyOf(p.resource));
  if (wanted === undefined) {
    if (policies.length === 1) return policies[0]!;
    if (policies.length === 0) {
      throw new Stop("the files hold no RedactionPolicy; add the policy to sweep with -f");
    }
    throw new Stop(
      `the files hold ${policies.length} policies (${names.join(", ")}); choose one with --policy NAMESPACE/NAME`,
    );
  }
  const matches = policies.filter((p) =>
    wanted.includes("/") ? keyOf(p.resource) === wanted : p.resource.metadata.name === wanted,
  );
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new Stop(
      `--policy ${wanted} names no RedactionPolicy in the files; they hold: ${names.length > 0 ? names.join(", ") : "none"}`,
    );
  }
  throw new Stop(
    `--policy ${wanted} names policies in several namespaces (${matches.map((p) => keyOf(p.resource)).join(", ")}); write NAMESPACE/NAME`,
  );
}

const keyOf = (resource: { metadata: { name: string; namespace?: string | undefined } }): string =>
  `${resource.metadata.namespace ?? "default"}/${resource.metadata.name}`;

async function openState(dir: string, policyKey: string): Promise<SweepStateStore> {
  try {
    return await fileSweepState(dir, policyKey);
  } catch (error) {
    throw new Stop(
      `cannot keep sweep state in ${dir} (${errorCode(error)}); choose a writable directory with --state DIR`,
    );
  }
}

async function openAudit(target: string, io: SweepCommandIo): Promise<AuditSink> {
  if (target === "-") return streamAuditSink(io.stdout);
  const path = resolve(io.cwd, target);
  try {
    return await fileAuditSink(path);
  } catch (error) {
    throw new Stop(
      `cannot write the audit file ${path} (${errorCode(error)}); choose another with --audit FILE, or --audit - for stdout`,
    );
  }
}

const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

/** A dry run acts on nothing; an audit record in one would be a bug, and must not pass silently. */
function refusingAuditSink(): AuditSink {
  return {
    write: async () => {
      throw new Error("a dry run tried to write an audit record; dry runs must not act on any item");
    },
    close: async () => undefined,
  };
}

/** Moves the progress line on as items finish, between the sweep's own progress reports. */
function progressObserver(progress: ProgressBar): SweepObserver {
  return {
    sweepStarted: (_sweep, matched) => progress.matched(matched),
    itemDone: (_sweep, outcome) => progress.itemDone(outcome),
  };
}

/**
 * The command as the process runs it: SIGINT or SIGTERM cancels the sweep gracefully (items in
 * progress finish, the next run continues); a second one exits at once.
 */
export async function runSweepCommand(args: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(
        `\nhush sweep: stopped at once by a second ${signal}; the next run continues the sweep\n`,
      );
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    process.stderr.write(
      `\nhush sweep: ${signal}: finishing the items in progress, then stopping (the next run continues); ${signal === "SIGINT" ? "press Ctrl-C" : "send it"} again to stop at once\n`,
    );
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await sweepCommand(args, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
