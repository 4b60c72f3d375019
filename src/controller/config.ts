import { hostname } from "node:os";
import { z } from "zod";
import { DNS_LABEL, DNS_SUBDOMAIN } from "../api/meta.js";
import { closest, listOf, quoted } from "../api/problems.js";
import { LOG_LEVELS, type LogLevel } from "../observability/logger.js";

// The configuration of `hush operator`, from flags and the environment (a flag wins over its
// environment variable, which wins over the default). Every setting has both, so that a
// Deployment can use either; the table below is the single source of the names, defaults and
// help texts (`hush operator --help` prints it). Values are checked with zod, and every problem is
// reported at once, naming the flag, its environment variable and what is allowed.

export interface BindAddress {
  host: string;
  port: number;
}

export interface OperatorConfig {
  /**
   * The --kubeconfig file; undefined: KUBECONFIG (one file or several joined with ":", which
   * loadKubeConfig reads itself), else the in-cluster service account.
   */
  kubeconfig: string | undefined;
  /** Namespaces to watch; empty: every namespace. */
  namespaces: string[];
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** This replica's name in the Lease and in Events (reportingInstance). */
  identity: string;
  maxConcurrentReconciles: number;
  maxSweepsPerAccount: number;
  resyncPeriodMs: number;
  shutdownTimeoutMs: number;
  metricsBindAddress: BindAddress;
  logLevel: LogLevel;
  /** undefined: audit records go to stdout as JSON lines. */
  auditFile: string | undefined;
}

type Setting = keyof OperatorConfig;

export interface FlagSpec {
  setting: Setting;
  /** Without the leading dashes. */
  flag: string;
  env: string;
  /** What the value looks like in the help text, e.g. DURATION. */
  value: string;
  /** As it would be typed; undefined: none. */
  default: string | undefined;
  /** Shown instead of the default in the help text when the default is computed. */
  defaultText?: string;
  help: string;
  boolean?: true;
  /** The variable is read by whoever uses the setting, not here (KUBECONFIG may list several files). */
  envReadElsewhere?: true;
}

export const OPERATOR_FLAGS: readonly FlagSpec[] = [
  {
    setting: "kubeconfig",
    flag: "kubeconfig",
    env: "KUBECONFIG",
    value: "PATH",
    default: undefined,
    defaultText: "in-cluster service account",
    help: "the kubeconfig file to reach the API server with (KUBECONFIG may list several, joined with ':')",
    envReadElsewhere: true,
  },
  {
    setting: "namespaces",
    flag: "namespaces",
    env: "HUSH_NAMESPACES",
    value: "NS[,NS...]",
    default: "",
    defaultText: "all namespaces",
    help: "the namespaces whose ZendeskAccounts and RedactionPolicies Hush reconciles",
  },
  {
    setting: "leaderElect",
    flag: "leader-elect",
    env: "HUSH_LEADER_ELECT",
    value: "true|false",
    default: "true",
    help: "elect one active replica with a Lease; write --leader-elect=false to run a single replica without one",
    boolean: true,
  },
  {
    setting: "leaderElectionNamespace",
    flag: "leader-election-namespace",
    env: "POD_NAMESPACE",
    value: "NS",
    default: "hush-system",
    help: "the namespace of the Lease",
  },
  {
    setting: "leaderElectionId",
    flag: "leader-election-id",
    env: "HUSH_LEADER_ELECTION_ID",
    value: "NAME",
    default: "hush-operator",
    help: "the name of the Lease",
  },
  {
    setting: "leaseDurationMs",
    flag: "lease-duration",
    env: "HUSH_LEASE_DURATION",
    value: "DURATION",
    default: "15s",
    help: "how long a standby waits after the leader's last renewal before it takes over",
  },
  {
    setting: "renewDeadlineMs",
    flag: "renew-deadline",
    env: "HUSH_RENEW_DEADLINE",
    value: "DURATION",
    default: "10s",
    help: "how long the leader tries to renew before it gives up leading (less than --lease-duration)",
  },
  {
    setting: "retryPeriodMs",
    flag: "retry-period",
    env: "HUSH_RETRY_PERIOD",
    value: "DURATION",
    default: "2s",
    help: "how often the leader renews and a standby tries to acquire the Lease",
  },
  {
    setting: "identity",
    flag: "identity",
    env: "POD_NAME",
    value: "NAME",
    default: undefined,
    defaultText: "HOSTNAME-PID",
    help: "this replica's name in the Lease and in Events",
  },
  {
    setting: "maxConcurrentReconciles",
    flag: "max-concurrent-reconciles",
    env: "HUSH_MAX_CONCURRENT_RECONCILES",
    value: "N",
    default: "4",
    help: "reconciles running at once per kind, 1 to 64",
  },
  {
    setting: "maxSweepsPerAccount",
    flag: "max-sweeps-per-account",
    env: "HUSH_MAX_SWEEPS_PER_ACCOUNT",
    value: "N",
    default: "2",
    help: "sweeps running at once on one Zendesk account, 1 to 16; they share its rate budget",
  },
  {
    setting: "resyncPeriodMs",
    flag: "resync-period",
    env: "HUSH_RESYNC_PERIOD",
    value: "DURATION",
    default: "10m",
    help: "how often every account and policy is reconciled even when nothing changed",
  },
  {
    setting: "shutdownTimeoutMs",
    flag: "shutdown-timeout",
    env: "HUSH_SHUTDOWN_TIMEOUT",
    value: "DURATION",
    default: "25s",
    help: "how long running sweeps get to checkpoint on SIGTERM (keep it below the pod's terminationGracePeriodSeconds)",
  },
  {
    setting: "metricsBindAddress",
    flag: "metrics-bind-address",
    env: "HUSH_METRICS_BIND_ADDRESS",
    value: "HOST:PORT",
    default: "0.0.0.0:9464",
    help: "where /metrics, /healthz and /readyz are served (port 0 picks a free port)",
  },
  {
    setting: "logLevel",
    flag: "log-level",
    env: "HUSH_LOG_LEVEL",
    value: "LEVEL",
    default: "info",
    help: `the log level: ${listOf([...LOG_LEVELS])}`,
  },
  {
    setting: "auditFile",
    flag: "audit-file",
    env: "HUSH_AUDIT_FILE",
    value: "PATH",
    default: undefined,
    defaultText: 'JSON lines on stdout, one {"auditRecord": ...} object a line',
    help: "append the hash-chained audit records to this file",
  },
];

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const DURATION_HELP = "a number with a unit: ms, s, m or h, e.g. 15s, 500ms, 10m or 1m30s";

/** Go's duration syntax (as controller-runtime's flags take it): 15s, 10m, 1m30s, 500ms. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) ms += Number(amount) * (UNITS[unit!] ?? 0);
  return Math.round(ms);
}

/** The shortest way to write `ms` in that syntax, for messages. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const duration = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: "custom", message: `must be a duration: ${DURATION_HELP}` });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({
        code: "custom",
        message: `must be from ${formatDuration(min)} to ${formatDuration(max)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

const boolean = z.enum(["true", "false"], "must be true or false").transform((text) => text === "true");

const namespaceName = (what: string) =>
  z
    .string()
    .max(63, `${what} must be at most 63 characters`)
    .regex(DNS_LABEL, `${what} must be lower-case letters, digits and '-', starting and ending alphanumeric`);

const namespaces = z.string().transform((text, ctx) => {
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of names) {
    const check = namespaceName(`each namespace (${quoted(name)})`).safeParse(name);
    if (!check.success)
      for (const issue of check.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
  }
  return [...new Set(names)];
});

const bindAddress = z.string().transform((text, ctx): BindAddress => {
  const fail = (why: string) => {
    ctx.addIssue({
      code: "custom",
      message: `${why}; write HOST:PORT, e.g. 0.0.0.0:9464, 127.0.0.1:0 or [::]:9464`,
    });
    return z.NEVER;
  };
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (!match) return fail("must be a host and a port");
  const port = Number(match[3]);
  if (port > 65_535) return fail("the port must be from 0 to 65535");
  const host = match[1] ?? (match[2] === "" ? "0.0.0.0" : (match[2] as string));
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  if (ipv4 && host.split(".").some((octet) => Number(octet) > 255))
    return fail("the host is not an IPv4 address");
  if (match[1] === undefined && !ipv4 && !DNS_SUBDOMAIN.test(host.toLowerCase())) {
    return fail("the host must be an IP address or a host name");
  }
  return { host, port };
});

const schema = z
  .object({
    kubeconfig: z.string().min(1, "must be the path of a kubeconfig file").optional(),
    namespaces,
    leaderElect: boolean,
    leaderElectionNamespace: namespaceName("the namespace"),
    leaderElectionId: z
      .string()
      .max(253, "must be at most 253 characters")
      .regex(DNS_SUBDOMAIN, "must be a Lease name: lower-case letters, digits, '-' and '.'"),
    leaseDurationMs: duration(1000, 3_600_000).refine(
      (ms) => ms % 1000 === 0,
      "must be whole seconds (the Lease stores seconds), e.g. 15s",
    ),
    renewDeadlineMs: duration(100, 3_600_000),
    retryPeriodMs: duration(100, 3_600_000),
    identity: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
        "must be 1 to 128 letters, digits, '.', '_', ':' or '-' (the pod's name in a cluster)",
      ),
    maxConcurrentReconciles: wholeNumber(1, 64),
    maxSweepsPerAccount: wholeNumber(1, 16),
    resyncPeriodMs: duration(10_000, 86_400_000),
    shutdownTimeoutMs: duration(1000, 3_600_000),
    metricsBindAddress: bindAddress,
    logLevel: z.enum(LOG_LEVELS, `must be one of ${listOf([...LOG_LEVELS])}`),
    auditFile: z.string().min(1, "must be the path of a file").optional(),
  })
  .superRefine((config, ctx) => {
    // client-go's rules (leaderelection.NewLeaderElector): the leader must give up before a standby
    // may take over, and must get more than one try (with jitter) before it gives up.
    if (config.renewDeadlineMs >= config.leaseDurationMs) {
      ctx.addIssue({
        code: "custom",
        path: ["renewDeadlineMs"],
        message: `must be less than --lease-duration (${formatDuration(config.leaseDurationMs)}), so that the leader stops before another replica may take over`,
      });
    }
    if (config.renewDeadlineMs <= config.retryPeriodMs * 1.2) {
      ctx.addIssue({
        code: "custom",
        path: ["retryPeriodMs"],
        message: `must be less than --renew-deadline (${formatDuration(config.renewDeadlineMs)}) divided by 1.2, so that the leader can retry a failed renewal`,
      });
    }
  });

/** Every problem with the flags and environment, each naming the flag and its variable. */
export class OperatorConfigError extends Error {
  override name = "OperatorConfigError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  /** For the default identity; default os.hostname() and process.pid. */
  hostname?: string;
  pid?: number;
}

const BY_FLAG = new Map(OPERATOR_FLAGS.map((spec) => [spec.flag, spec]));
const BY_SETTING = new Map(OPERATOR_FLAGS.map((spec) => [spec.setting, spec]));

export const flagName = (spec: FlagSpec): string => `--${spec.flag} (${spec.env})`;

/**
 * The operator's configuration from `argv` (the arguments after `hush operator`, without --help)
 * and the environment. Throws OperatorConfigError with every problem.
 */
export function loadOperatorConfig(argv: readonly string[], sources: ConfigSources): OperatorConfig {
  const problems: string[] = [];
  const fromFlags = readFlags(argv, problems);
  const raw: Record<string, string | undefined> = {};
  const origin = new Map<Setting, string>();
  for (const spec of OPERATOR_FLAGS) {
    const flagValue = fromFlags.get(spec.setting);
    const envValue = spec.envReadElsewhere ? undefined : sources.env[spec.env];
    if (flagValue !== undefined) {
      raw[spec.setting] = flagValue;
      origin.set(spec.setting, `--${spec.flag}`);
    } else if (envValue !== undefined && envValue !== "") {
      raw[spec.setting] = envValue;
      origin.set(spec.setting, `${spec.env} in the environment`);
    } else {
      raw[spec.setting] = spec.default;
    }
  }
  raw["identity"] ??= `${sources.hostname ?? hostname()}-${sources.pid ?? process.pid}`;

  const parsed = schema.safeParse(raw);
  if (parsed.success && problems.length === 0) {
    return {
      ...parsed.data,
      kubeconfig: parsed.data.kubeconfig,
      auditFile: parsed.data.auditFile,
    };
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const setting = issue.path[0] as Setting;
      const spec = BY_SETTING.get(setting);
      if (!spec) {
        problems.push(issue.message);
        continue;
      }
      const from = origin.get(setting);
      const got = from
        ? ` (got ${quoted(raw[setting])} from ${from})`
        : ` (got the default ${quoted(raw[setting])})`;
      problems.push(`${flagName(spec)} ${issue.message}${got}`);
    }
  }
  throw new OperatorConfigError(problems);
}

/** The flags given, by setting; unknown, repeated or malformed flags are added to `problems`. */
function readFlags(argv: readonly string[], problems: string[]): Map<Setting, string> {
  const values = new Map<Setting, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--") || arg === "--") {
      problems.push(
        `unexpected argument ${quoted(arg)}: hush operator takes flags only, such as --namespaces team-a (see hush operator --help)`,
      );
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const spec = BY_FLAG.get(name);
    if (!spec) {
      const guess = closest(name, [...BY_FLAG.keys()]);
      problems.push(
        `unknown flag --${name}${guess ? `; did you mean --${guess}?` : ""} (see hush operator --help for the flags)`,
      );
      continue;
    }
    let value: string | undefined = equals === -1 ? undefined : arg.slice(equals + 1);
    if (spec.boolean) {
      // Like Go's flag package: a boolean takes its value after `=` only, so that
      // `--leader-elect false` cannot silently mean true and a stray "false".
      value ??= "true";
    } else if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        problems.push(`${flagName(spec)} needs a value: --${spec.flag} ${spec.value}`);
        continue;
      }
      value = next;
      i += 1;
    }
    if (values.has(spec.setting)) {
      problems.push(`${flagName(spec)} is given twice; give it once`);
      continue;
    }
    values.set(spec.setting, value);
  }
  return values;
}
