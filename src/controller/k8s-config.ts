// Where the operator finds its cluster, in controller-runtime's order: an explicit --kubeconfig,
// then KUBECONFIG, then the pod's service account, then ~/.kube/config. A failure names every
// place that was tried and how to fix it; it never quotes the file, which holds credentials.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface KubeConfigEnvironment {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Prefix of the service account directory, for tests; defaults to "" (the real one). */
  inClusterRoot?: string;
  /** Defaults to the user's home directory. */
  homeDir?: string;
}

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeConfigError";
  }
}

/**
 * The KubeConfig to talk to the cluster with, from `path` (--kubeconfig), KUBECONFIG (one file or
 * several joined with ":", merged as kubectl does), the in-cluster service account, or
 * ~/.kube/config, whichever comes first. Throws KubeConfigError naming what was tried.
 */
export function loadKubeConfig(path?: string, environment: KubeConfigEnvironment = {}): KubeConfig {
  const env = environment.env ?? process.env;
  if (path !== undefined && path !== "") return fromFiles([path], "--kubeconfig");

  const fromEnv = (env["KUBECONFIG"] ?? "").split(delimiter).filter((file) => file !== "");
  if (fromEnv.length > 0) return fromFiles(fromEnv, "KUBECONFIG");

  const root = environment.inClusterRoot ?? "";
  const tokenFile = `${root}${SERVICE_ACCOUNT_DIR}/token`;
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  const inClusterProblem =
    !host || !port
      ? "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod)"
      : !existsSync(tokenFile)
        ? `${tokenFile} does not exist (the pod has no service account token mounted)`
        : undefined;
  if (inClusterProblem === undefined) return inCluster(root, env);

  const home = environment.homeDir ?? homedir();
  const homeConfig = join(home, ".kube", "config");
  if (existsSync(homeConfig)) return fromFiles([homeConfig], "~/.kube/config");

  throw new KubeConfigError(
    "No Kubernetes configuration found. Tried: --kubeconfig (not given); KUBECONFIG (not set); " +
      `in-cluster service account (${inClusterProblem}); ${homeConfig} (does not exist). ` +
      "Pass --kubeconfig PATH, set KUBECONFIG, or run the operator in a pod with a service account.",
  );
}

function fromFiles(files: string[], source: string): KubeConfig {
  const config = new KubeConfig();
  for (const [index, file] of files.entries()) {
    if (!existsSync(file)) {
      throw new KubeConfigError(
        `The kubeconfig ${file} (from ${source}) does not exist; check the path, or leave out ${source} to use the in-cluster service account.`,
      );
    }
    try {
      if (index === 0) {
        config.loadFromFile(file);
      } else {
        const next = new KubeConfig();
        next.loadFromFile(file);
        // As kubectl: the first file that sets a value wins, including current-context.
        config.mergeConfig(next, true);
      }
    } catch (error) {
      throw new KubeConfigError(
        `The kubeconfig ${file} (from ${source}) cannot be used: ${describeLoadError(error)}. Check it with \`kubectl config view --kubeconfig ${file}\`.`,
      );
    }
  }
  checkUsable(config, `${files.join(delimiter)} (from ${source})`);
  return config;
}

function inCluster(root: string, env: NodeJS.ProcessEnv): KubeConfig {
  const config = new KubeConfig();
  // client-node reads the service variables from process.env; honour an injected environment.
  const saved = {
    host: process.env["KUBERNETES_SERVICE_HOST"],
    port: process.env["KUBERNETES_SERVICE_PORT"],
  };
  process.env["KUBERNETES_SERVICE_HOST"] = env["KUBERNETES_SERVICE_HOST"];
  process.env["KUBERNETES_SERVICE_PORT"] = env["KUBERNETES_SERVICE_PORT"];
  try {
    config.loadFromCluster(root);
  } finally {
    restoreEnv("KUBERNETES_SERVICE_HOST", saved.host);
    restoreEnv("KUBERNETES_SERVICE_PORT", saved.port);
  }
  return config;
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/**
 * Only messages that cannot quote the file: client-node's own checks name a field path
 * ("users[0].name is missing"); a YAML parser's error quotes the offending line, which may be a
 * token, so only its line number is kept.
 */
function describeLoadError(error: unknown): string {
  if (error instanceof Error && /^(clusters|users|contexts)\[\d+\]/.test(error.message)) {
    return error.message;
  }
  if (error instanceof Error && /^Duplicate (cluster|user|context): /.test(error.message)) {
    return `${error.message} (when merging several files)`;
  }
  const line = (error as { mark?: { line?: unknown } } | null)?.mark?.line;
  if (typeof line === "number") return `it is not valid YAML (line ${line + 1})`;
  if (error instanceof Error && error.name === "TypeError")
    return "it is not a kubeconfig (no clusters, users or contexts)";
  return "it could not be read";
}

function checkUsable(config: KubeConfig, where: string): void {
  const contextName = config.getCurrentContext();
  if (!contextName) {
    throw new KubeConfigError(
      `The kubeconfig ${where} sets no current-context; choose one with \`kubectl config use-context NAME\`.`,
    );
  }
  const context = config.getContextObject(contextName);
  if (!context) {
    throw new KubeConfigError(
      `The kubeconfig ${where} names current-context "${contextName}", which it does not define; choose an existing one with \`kubectl config use-context NAME\`.`,
    );
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new KubeConfigError(
      `The kubeconfig ${where}: context "${contextName}" names cluster "${context.cluster}", which it does not define.`,
    );
  }
  if (context.user && !config.getCurrentUser()) {
    throw new KubeConfigError(
      `The kubeconfig ${where}: context "${contextName}" names user "${context.user}", which it does not define.`,
    );
  }
}
