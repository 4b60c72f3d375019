import {
  loadOperatorConfig,
  OPERATOR_FLAGS,
  type OperatorConfig,
  OperatorConfigError,
} from "../controller/config.js";
import { KubeConfigError } from "../controller/k8s-config.js";
import { type OperatorDeps, runOperator } from "../controller/operator.js";
import { withShutdownSignal } from "./shutdown-signal.js";

// `hush operator`: the Kubernetes operator, the container's entry point (docs/operator.md). This
// file only parses the configuration, wires signals and turns the outcome into an exit code.

function flagLines(): string {
  return OPERATOR_FLAGS.map((spec) => {
    const usage = spec.boolean ? `--${spec.flag}[=${spec.value}]` : `--${spec.flag} ${spec.value}`;
    const fallback = spec.defaultText ?? spec.default ?? "none";
    return `  ${usage}\n      ${spec.help}\n      env ${spec.env}; default ${fallback}`;
  }).join("\n");
}

export const OPERATOR_USAGE = `Usage: hush operator [flags]

Runs the Kubernetes operator: reconciles ZendeskAccounts and RedactionPolicies, runs their sweeps
in the background and writes their status and Events. Run two replicas: one leads (a Lease), the
other waits. If the leader dies, the standby takes over in under 30 s with the defaults: the Lease
expires --lease-duration (15s) after the leader's last renewal, and the standby tries every
--retry-period (2s, plus jitter).

Every flag can also be set with the environment variable shown; a flag wins over its variable.
Durations are written as 15s, 500ms, 10m or 1m30s. Write boolean flags as --leader-elect=false.

Flags:
${flagLines()}
  -h, --help
      show this help

Serves GET /metrics, /healthz (liveness) and /readyz (readiness: the leader once its caches have
synced, or a standby) on --metrics-bind-address. Logs JSON lines on stderr; without --audit-file
the audit records go to stdout, one {"auditRecord": ...} JSON object a line.

SIGTERM or Ctrl-C stops taking work, lets running sweeps checkpoint for up to --shutdown-timeout,
and exits 0. It releases the Lease only when every sweep has stopped; otherwise it leaves the Lease
to expire and logs the policies whose sweeps had not stopped. A second signal exits at once.

A leader that loses the Lease stops its sweeps at once (the new leader redoes the items in flight)
and exits 1 within --lease-duration minus --renew-deadline (5s by default).

Exit codes: 0 stopped by a signal; 1 the Lease was lost (or the operator failed), so that
Kubernetes restarts it as a standby; 2 a configuration problem (flags, environment, kubeconfig).`;

export interface OperatorIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts on SIGTERM / SIGINT. */
  signal?: AbortSignal;
  /** For tests: the operator's dependencies. */
  deps?: OperatorDeps;
}

export async function operatorCommand(argv: readonly string[], io: OperatorIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(`${OPERATOR_USAGE}\n`);
    return 0;
  }
  let config: OperatorConfig;
  try {
    config = loadOperatorConfig(argv, { env: io.env });
  } catch (error) {
    if (!(error instanceof OperatorConfigError)) throw error;
    const count = error.problems.length;
    io.stderr.write(
      `hush operator: ${count === 1 ? "a problem" : `${count} problems`} with the configuration:\n${error.problems
        .map((problem) => `  - ${problem}`)
        .join("\n")}\n\nRun "hush operator --help" for the flags and their environment variables.\n`,
    );
    return 2;
  }
  try {
    return await runOperator(config, { ...io.deps, ...(io.signal ? { signal: io.signal } : {}) });
  } catch (error) {
    if (error instanceof KubeConfigError) {
      io.stderr.write(`hush operator: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`hush operator: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * `hush operator` as the CLI calls it: the process' streams, environment and signals. `exit` is
 * process.exit (tests replace it).
 */
export async function runOperatorCli(
  args: string[],
  exit: (code: number) => void = (code) => process.exit(code),
): Promise<number> {
  const code = await withShutdownSignal((signal) =>
    operatorCommand(args, { stdout: process.stdout, stderr: process.stderr, env: process.env, signal }),
  );
  // A replica that lost its Lease (or failed) ends now, not when the event loop happens to drain:
  // Kubernetes restarts it as a standby, and nothing it still holds open may write meanwhile.
  // Its log and audit lines are out already (written synchronously to stderr and stdout).
  if (code === 1) exit(1);
  // Otherwise everything is stopped; a connection or timer left open by a library must not keep
  // the process running. Unref'd: it does not delay a process that exits on its own.
  else setTimeout(() => exit(code), 5_000).unref();
  return code;
}
