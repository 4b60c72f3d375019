import { describe, expect, it } from "vitest";
import {
  formatDuration,
  loadOperatorConfig,
  OPERATOR_FLAGS,
  OperatorConfigError,
  parseDuration,
} from "../../src/controller/config.js";

const host = { hostname: "node-1", pid: 42 };
const load = (argv: string[], env: Record<string, string> = {}) => loadOperatorConfig(argv, { env, ...host });

function problemsOf(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    load(argv, env);
  } catch (error) {
    if (error instanceof OperatorConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("the operator configuration", () => {
  it("has the documented defaults", () => {
    expect(load([])).toEqual({
      kubeconfig: undefined,
      namespaces: [],
      leaderElect: true,
      leaderElectionNamespace: "hush-system",
      leaderElectionId: "hush-operator",
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2000,
      identity: "node-1-42",
      maxConcurrentReconciles: 4,
      maxSweepsPerAccount: 2,
      resyncPeriodMs: 600_000,
      shutdownTimeoutMs: 25_000,
      metricsBindAddress: { host: "0.0.0.0", port: 9464 },
      logLevel: "info",
      auditFile: undefined,
    });
  });

  it("takes every setting from a flag, with or without =", () => {
    const config = load([
      "--kubeconfig",
      "/etc/kube/config",
      "--namespaces=team-a, team-b,team-a",
      "--leader-elect=false",
      "--leader-election-namespace",
      "ops",
      "--leader-election-id=hush-2",
      "--lease-duration=30s",
      "--renew-deadline=20s",
      "--retry-period=500ms",
      "--identity=pod-a",
      "--max-concurrent-reconciles=8",
      "--max-sweeps-per-account=3",
      "--resync-period=1h",
      "--shutdown-timeout=40s",
      "--metrics-bind-address=127.0.0.1:0",
      "--log-level=debug",
      "--audit-file=/var/hush/audit.jsonl",
    ]);
    expect(config).toEqual({
      kubeconfig: "/etc/kube/config",
      namespaces: ["team-a", "team-b"],
      leaderElect: false,
      leaderElectionNamespace: "ops",
      leaderElectionId: "hush-2",
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 500,
      identity: "pod-a",
      maxConcurrentReconciles: 8,
      maxSweepsPerAccount: 3,
      resyncPeriodMs: 3_600_000,
      shutdownTimeoutMs: 40_000,
      metricsBindAddress: { host: "127.0.0.1", port: 0 },
      logLevel: "debug",
      auditFile: "/var/hush/audit.jsonl",
    });
  });

  it("takes settings from the environment, the downward API's POD_NAME and POD_NAMESPACE included", () => {
    const config = load([], {
      KUBECONFIG: "/home/me/.kube/config",
      HUSH_NAMESPACES: "support",
      POD_NAME: "hush-operator-7d9f-abcde",
      POD_NAMESPACE: "hush",
      HUSH_LOG_LEVEL: "warn",
      HUSH_LEADER_ELECT: "false",
      HUSH_METRICS_BIND_ADDRESS: ":8080",
    });
    expect(config).toMatchObject({
      // KUBECONFIG may list several files: loadKubeConfig reads it, as kubectl does.
      kubeconfig: undefined,
      namespaces: ["support"],
      identity: "hush-operator-7d9f-abcde",
      leaderElectionNamespace: "hush",
      logLevel: "warn",
      leaderElect: false,
      metricsBindAddress: { host: "0.0.0.0", port: 8080 },
    });
  });

  it("lets a flag win over its environment variable, and treats an empty variable as unset", () => {
    const config = load(["--log-level", "error", "--namespaces="], {
      HUSH_LOG_LEVEL: "debug",
      HUSH_NAMESPACES: "team-a",
      POD_NAME: "",
    });
    expect(config.logLevel).toBe("error");
    expect(config.namespaces).toEqual([]);
    expect(config.identity).toBe("node-1-42");
  });

  it("reads IPv6 bind addresses in brackets", () => {
    expect(load(["--metrics-bind-address", "[::]:9464"]).metricsBindAddress).toEqual({
      host: "::",
      port: 9464,
    });
  });

  it("reports every problem at once, each naming the flag, its variable and what is allowed", () => {
    const problems = problemsOf(["--lease-duration", "15", "--namespaces", "Team_A,ok", "--log-level=loud"], {
      HUSH_MAX_CONCURRENT_RECONCILES: "0",
      HUSH_METRICS_BIND_ADDRESS: "9464",
    });
    expect(problems).toEqual([
      '--namespaces (HUSH_NAMESPACES) each namespace ("Team_A") must be lower-case letters, digits and \'-\', starting and ending alphanumeric (got "Team_A,ok" from --namespaces)',
      '--lease-duration (HUSH_LEASE_DURATION) must be a duration: a number with a unit: ms, s, m or h, e.g. 15s, 500ms, 10m or 1m30s (got "15" from --lease-duration)',
      '--max-concurrent-reconciles (HUSH_MAX_CONCURRENT_RECONCILES) must be a whole number from 1 to 64 (got "0" from HUSH_MAX_CONCURRENT_RECONCILES in the environment)',
      '--metrics-bind-address (HUSH_METRICS_BIND_ADDRESS) must be a host and a port; write HOST:PORT, e.g. 0.0.0.0:9464, 127.0.0.1:0 or [::]:9464 (got "9464" from HUSH_METRICS_BIND_ADDRESS in the environment)',
      '--log-level (HUSH_LOG_LEVEL) must be one of fatal, error, warn, info, debug, trace or silent (got "loud" from --log-level)',
    ]);
  });

  it("keeps the leader's renew deadline inside the lease, as client-go requires", () => {
    expect(problemsOf(["--lease-duration=10s", "--renew-deadline=10s"])).toEqual([
      '--renew-deadline (HUSH_RENEW_DEADLINE) must be less than --lease-duration (10s), so that the leader stops before another replica may take over (got "10s" from --renew-deadline)',
    ]);
    expect(problemsOf(["--renew-deadline=2s", "--retry-period=2s"])).toEqual([
      '--retry-period (HUSH_RETRY_PERIOD) must be less than --renew-deadline (2s) divided by 1.2, so that the leader can retry a failed renewal (got "2s" from --retry-period)',
    ]);
    expect(problemsOf(["--lease-duration=1500ms"])[0]).toContain(
      "--lease-duration (HUSH_LEASE_DURATION) must be whole seconds (the Lease stores seconds)",
    );
  });

  it("names the default when a setting left alone conflicts with one given", () => {
    expect(problemsOf(["--lease-duration=5s"])).toEqual([
      '--renew-deadline (HUSH_RENEW_DEADLINE) must be less than --lease-duration (5s), so that the leader stops before another replica may take over (got the default "10s")',
    ]);
  });

  it("refuses unknown, repeated, valueless and positional arguments, suggesting the flag meant", () => {
    expect(
      problemsOf(["--namespace", "a", "--log-level", "info", "--log-level=debug", "extra", "--identity"]),
    ).toEqual([
      "unknown flag --namespace; did you mean --namespaces? (see hush operator --help for the flags)",
      'unexpected argument "a": hush operator takes flags only, such as --namespaces team-a (see hush operator --help)',
      "--log-level (HUSH_LOG_LEVEL) is given twice; give it once",
      'unexpected argument "extra": hush operator takes flags only, such as --namespaces team-a (see hush operator --help)',
      "--identity (POD_NAME) needs a value: --identity NAME",
    ]);
  });

  it("takes a boolean's value after = only, so that `--leader-elect false` is not read as true", () => {
    expect(load(["--leader-elect"]).leaderElect).toBe(true);
    expect(load(["--leader-elect=false"]).leaderElect).toBe(false);
    expect(problemsOf(["--leader-elect", "false"])).toEqual([
      'unexpected argument "false": hush operator takes flags only, such as --namespaces team-a (see hush operator --help)',
    ]);
    expect(problemsOf(["--leader-elect=no"])).toEqual([
      '--leader-elect (HUSH_LEADER_ELECT) must be true or false (got "no" from --leader-elect)',
    ]);
  });

  it("refuses identities and lease names the API server would refuse", () => {
    expect(problemsOf(["--identity", "has space", "--leader-election-id", "Hush_Operator"])).toEqual([
      "--leader-election-id (HUSH_LEADER_ELECTION_ID) must be a Lease name: lower-case letters, digits, '-' and '.' (got \"Hush_Operator\" from --leader-election-id)",
      "--identity (POD_NAME) must be 1 to 128 letters, digits, '.', '_', ':' or '-' (the pod's name in a cluster) (got \"has space\" from --identity)",
    ]);
  });

  it("documents every setting with a flag, an environment variable and help", () => {
    const flags = OPERATOR_FLAGS.map((spec) => spec.flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const spec of OPERATOR_FLAGS) {
      expect(spec.env).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(spec.help.length).toBeGreaterThan(10);
    }
    expect(Object.keys(load([])).sort()).toEqual(OPERATOR_FLAGS.map((spec) => spec.setting).sort());
  });
});

describe("durations", () => {
  it("reads Go's syntax", () => {
    expect(parseDuration("15s")).toBe(15_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("15")).toBeUndefined();
    expect(parseDuration("-5s")).toBeUndefined();
    expect(parseDuration("5 s")).toBeUndefined();
  });

  it("writes them back short", () => {
    expect([formatDuration(15_000), formatDuration(600_000), formatDuration(1500)]).toEqual([
      "15s",
      "10m",
      "1500ms",
    ]);
  });
});
