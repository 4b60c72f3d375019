import { parseArgs } from "node:util";
import { closest } from "../api/problems.js";

// The options of `hush sweep`, checked so that every mistake names the option and the fix.
// node:util's strict mode words its errors for programmers ("Option '-f, --file <value>' argument
// missing"); the tokens it returns are checked here instead.

export const SWEEP_USAGE = `Usage: hush sweep -f FILE... [options]

Runs one sweep of a RedactionPolicy against its ZendeskAccount, without a cluster.

Options:
  -f, --filename FILE    a YAML file of resources (ZendeskAccount, RedactionPolicy, v1 Secret), or a
                         directory of them; repeat for several
  --dry-run              preview only: count the matches and estimate the work, change nothing
                         (also when the policy's spec.mode is DryRun)
  --approve PREVIEW_ID   run a sweep that waits for approval (more matches than limits.approvalAbove)
  --policy NS/NAME       the policy to run when the files hold several (NAME alone when unique)
  --state DIR            where an unfinished sweep is kept so that the next run continues it
                         (default .hush/state)
  --audit FILE           where the audit records go, one JSON line per item acted on
                         (default .hush/audit.jsonl; - for stdout)
  --concurrency N        items worked on at the same time, 1 to 32 (default: the policy's)
  --json                 print the summary as JSON even on a terminal
  -h, --help             show this help

Credentials come from the account's Secret when Secret manifests are among the files, otherwise from
ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN; HUSH_PSEUDONYM_KEY holds the pseudonym key.

Exit codes: 0 succeeded or previewed (or stopped at limits.maxItemsPerSweep), 1 the sweep failed,
partly failed or was cancelled, 2 a usage error or invalid resources, 3 awaiting approval.`;

export interface SweepArgs {
  files: string[];
  dryRun: boolean;
  approve?: string;
  policy?: string;
  stateDir?: string;
  /** A file, or "-" for stdout. */
  audit?: string;
  concurrency?: number;
  json: boolean;
  help: boolean;
}

/** A mistake on the command line: exit code 2, with the message and a pointer to --help. */
export class UsageError extends Error {
  override name = "UsageError";
}

const OPTIONS = {
  filename: { type: "string", short: "f", multiple: true },
  // Also accepted: the long form is --filename, as in hush validate (and kubectl).
  file: { type: "string", multiple: true },
  "dry-run": { type: "boolean" },
  approve: { type: "string" },
  policy: { type: "string" },
  state: { type: "string" },
  audit: { type: "string" },
  concurrency: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** What each option's value is, for "needs a value" messages. */
const VALUE_NAMES: Record<string, string> = {
  filename: "FILE",
  file: "FILE",
  approve: "PREVIEW_ID",
  policy: "NS/NAME",
  state: "DIR",
  audit: "FILE",
  concurrency: "N",
};

const optionList = Object.keys(OPTIONS)
  .filter((name) => name !== "file")
  .map((name) => `--${name}`)
  .join(", ");

export function parseSweepArgs(args: readonly string[]): SweepArgs {
  const { tokens } = parseArgs({
    args: [...args],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const files: string[] = [];
  const values: Record<string, string | true> = {};
  for (const token of tokens) {
    if (token.kind === "positional") {
      throw new UsageError(
        `unexpected argument "${token.value}": name each resource file with -f (-f ${token.value})`,
      );
    }
    if (token.kind !== "option") continue;
    const spec = OPTIONS[token.name as keyof typeof OPTIONS];
    if (!spec) {
      const guess = closest(token.name, Object.keys(OPTIONS));
      throw new UsageError(
        `unknown option ${token.rawName}${guess ? `; did you mean --${guess}?` : ""} (options: ${optionList})`,
      );
    }
    const flag = token.rawName;
    if (spec.type === "boolean") {
      if (token.value !== undefined)
        throw new UsageError(
          `${flag} takes no value; write ${flag} alone (got ${token.rawName}=${token.value})`,
        );
      values[token.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (token.inlineValue !== true && value.startsWith("-") && value !== "-")) {
      throw new UsageError(`${flag} needs a value: ${flag} ${VALUE_NAMES[token.name]}`);
    }
    if (token.name === "filename" || token.name === "file") files.push(value);
    else if (values[token.name] !== undefined) throw new UsageError(`${flag} is given twice; give it once`);
    else values[token.name] = value;
  }

  const help = values["help"] === true;
  if (help) return { files, dryRun: false, json: false, help };
  if (files.length === 0) {
    throw new UsageError(
      "no resource files: name the account, the policy and (optionally) the Secret with -f, e.g. -f account.yaml -f policy.yaml -f secret.yaml",
    );
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined || value === true) return undefined;
    if (value.trim() === "") throw new UsageError(`--${name} is empty: --${name} ${VALUE_NAMES[name]}`);
    return value;
  };
  const dryRun = values["dry-run"] === true;
  const approve = text("approve");
  if (dryRun && approve !== undefined) {
    throw new UsageError("--approve runs a sweep and --dry-run only previews one; leave one of them out");
  }
  const policy = text("policy");
  if (
    policy !== undefined &&
    !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(policy)
  ) {
    throw new UsageError(
      `--policy must be NAMESPACE/NAME or NAME of a RedactionPolicy (lower-case letters, digits, '-' and '.'); got "${policy}"`,
    );
  }
  const rawConcurrency = text("concurrency");
  let concurrency: number | undefined;
  if (rawConcurrency !== undefined) {
    concurrency = Number(rawConcurrency);
    if (!/^\d+$/.test(rawConcurrency) || concurrency < 1 || concurrency > 32) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 32; got "${rawConcurrency}"`);
    }
  }
  const stateDir = text("state");
  const audit = text("audit");
  return {
    files,
    dryRun,
    json: values["json"] === true,
    help,
    ...(approve === undefined ? {} : { approve }),
    ...(policy === undefined ? {} : { policy }),
    ...(stateDir === undefined ? {} : { stateDir }),
    ...(audit === undefined ? {} : { audit }),
    ...(concurrency === undefined ? {} : { concurrency }),
  };
}
