import { parseArgs } from "node:util";
import { closest } from "../api/problems.js";

// The options of `hush run`, checked so that every mistake names the option and the fix.

/** The metrics port when none is given: next to Prometheus exporters' usual range, free on most hosts. */
export const DEFAULT_METRICS_PORT = 9464;

export const RUN_USAGE = `Usage: hush run --dir DIR [options]

Runs every RedactionPolicy in DIR on its schedule, without a cluster: the controller loop of the
operator, with the resources in files. Edits to the files apply without a restart.

Options:
  --dir DIR               the directory of resource files: every *.yaml and *.yml in it (not in
                          subdirectories) except the *.status.yaml files hush run writes
  --status write|print    write each file's status next to it as <file>.status.yaml (default),
                          or print status changes to stdout as YAML documents
  --once                  sweep every policy once, then exit with a code that sums up the results
  --sweep-now             start every policy's first sweep now instead of waiting for its schedule
  --metrics-port N        serve Prometheus metrics at http://HOST:N/metrics (default ${DEFAULT_METRICS_PORT};
                          0 picks a free port; with --once, metrics are served only when given)
  --metrics-host HOST     the address metrics listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --account-concurrency N sweeps running at once on one account, 1 to 16 (default 2); they share
                          the account's rate budget
  --log-level LEVEL       fatal, error, warn, info (default), debug, trace or silent
  -h, --help              show this help

Hush keeps its own files in DIR/.hush: the state of unfinished sweeps (state/), the audit records
(audit.jsonl, one JSON line per item acted on), the generations it counts for the files, and a lock
that keeps a second hush run out of the directory. Credentials come from the Secret manifests in DIR;
a directory without any takes them from ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN.
A sweep waiting for approval runs once its policy has the annotation hush.dev/approve: <preview id>;
a new value of the annotation hush.dev/requested-at starts a sweep now. Ctrl-C (SIGINT) or SIGTERM
stops: running sweeps are cancelled and keep their state, and the next start resumes them.

Exit codes: 0 stopped, or with --once every policy succeeded, previewed or stopped at its
limits.maxItemsPerSweep; 1 with --once a sweep failed, partly failed or was cancelled, or a policy
could not sweep (account missing or not usable); 2 a usage error, or invalid resources with --once;
3 with --once a sweep awaits approval (and none failed).`;

export interface RunArgs {
  dir: string;
  status: "write" | "print";
  once: boolean;
  sweepNow: boolean;
  /** undefined: no metrics server (--once without --metrics-port). */
  metricsPort: number | undefined;
  metricsHost: string;
  accountConcurrency: number;
  logLevel: string;
  help: boolean;
}

export class RunUsageError extends Error {
  override name = "RunUsageError";
}

const OPTIONS = {
  dir: { type: "string" },
  status: { type: "string" },
  once: { type: "boolean" },
  "sweep-now": { type: "boolean" },
  "metrics-port": { type: "string" },
  "metrics-host": { type: "string" },
  "account-concurrency": { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const VALUE_NAMES: Record<string, string> = {
  dir: "DIR",
  status: "write|print",
  "metrics-port": "N",
  "metrics-host": "HOST",
  "account-concurrency": "N",
  "log-level": "LEVEL",
};

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new RunUsageError(`${flag} must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return n;
}

export function parseRunArgs(args: readonly string[]): RunArgs {
  const { tokens } = parseArgs({
    args: [...args],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | true> = {};
  for (const token of tokens) {
    if (token.kind === "positional") {
      throw new RunUsageError(
        `unexpected argument "${token.value}": give the directory with --dir (--dir ${token.value})`,
      );
    }
    if (token.kind !== "option") continue;
    const spec = OPTIONS[token.name as keyof typeof OPTIONS];
    if (!spec) {
      const guess = closest(token.name, Object.keys(OPTIONS));
      throw new RunUsageError(
        `unknown option ${token.rawName}${guess ? `; did you mean --${guess}?` : ""} (see hush run --help)`,
      );
    }
    const flag = token.rawName;
    if (values[token.name] !== undefined) throw new RunUsageError(`${flag} is given twice; give it once`);
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new RunUsageError(`${flag} takes no value; write ${flag} alone`);
      values[token.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (token.inlineValue !== true && value.startsWith("-"))) {
      throw new RunUsageError(`${flag} needs a value: ${flag} ${VALUE_NAMES[token.name]}`);
    }
    if (value.trim() === "") throw new RunUsageError(`${flag} is empty: ${flag} ${VALUE_NAMES[token.name]}`);
    values[token.name] = value;
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return value === undefined || value === true ? undefined : value;
  };
  const help = values["help"] === true;
  const once = values["once"] === true;
  const dir = text("dir");
  if (!help && dir === undefined) {
    throw new RunUsageError(
      "no directory: give the directory with the resource files, e.g. hush run --dir examples",
    );
  }
  const status = text("status") ?? "write";
  if (status !== "write" && status !== "print") {
    throw new RunUsageError(`--status must be write or print; got "${status}"`);
  }
  const port = text("metrics-port");
  const concurrency = text("account-concurrency");
  const logLevel = text("log-level") ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new RunUsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}; got "${logLevel}"`);
  }
  return {
    dir: dir ?? "",
    status,
    once,
    sweepNow: values["sweep-now"] === true,
    metricsPort:
      port !== undefined
        ? wholeNumber("--metrics-port", port, 0, 65_535)
        : once
          ? undefined
          : DEFAULT_METRICS_PORT,
    metricsHost: text("metrics-host") ?? "127.0.0.1",
    accountConcurrency:
      concurrency === undefined ? 2 : wholeNumber("--account-concurrency", concurrency, 1, 16),
    logLevel,
    help,
  };
}
