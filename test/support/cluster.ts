import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { parseAllDocuments } from "yaml";

// Helpers for tests against a real kube-apiserver: the shared cluster that test/e2e/global-setup.ts
// starts with test/cluster/up (or the one KUBECONFIG names), private clusters for tests that stop
// or restart the API server, the 1.20 kubectl built with it, the CRDs as a 1.20 server takes them,
// and fresh namespaces. docs/testing.md describes the whole setup.

/** What test/e2e/global-setup.ts hands the e2e tests (through vitest's provide/inject). */
export interface ProvidedCluster {
  /** The admin's kubeconfig (group system:masters). */
  kubeconfig: string;
  /** The operator's identity (see test/cluster/up); absent for a cluster given through KUBECONFIG. */
  operatorKubeconfig?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    hushCluster?: ProvidedCluster;
  }
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLUSTER_SCRIPTS = join(ROOT, "test", "cluster");
export const CRD_DIR = join(ROOT, "crds");
export const KUBERNETES_VERSION = "1.20.2";

/** Where test/cluster/build-kubernetes puts the binaries (same rule as the scripts' lib.sh). */
export function kubernetesBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env["HUSH_CACHE_DIR"] || join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "hush");
  return join(cache, "kubernetes", KUBERNETES_VERSION, "bin");
}

/** The kubectl 1.20 built with the test cluster; kubectl on PATH when it has not been built. */
export function kubectlPath(): string {
  const built = join(kubernetesBinDir(), "kubectl");
  return existsSync(built) ? built : "kubectl";
}

/** The admin kubeconfig of the shared test cluster: from the e2e global setup, else KUBECONFIG. */
export function clusterKubeconfig(): string {
  const provided = inject("hushCluster");
  if (provided) return provided.kubeconfig;
  const fromEnv = process.env["KUBECONFIG"];
  if (fromEnv) return fromEnv;
  throw new Error(
    "no test cluster: run this file in the e2e project (npx vitest run --project e2e), whose global setup starts one, or set KUBECONFIG to a cluster's kubeconfig",
  );
}

/** The kubeconfig of the operator's identity in the shared test cluster, when it has one. */
export function clusterOperatorKubeconfig(): string | undefined {
  return inject("hushCluster")?.operatorKubeconfig;
}

export interface ScriptResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs one of test/cluster's scripts in its own environment (without KUBECONFIG unless `env` has
 * it); `echoStderr` passes its progress on to this process's stderr as it comes.
 */
export function runClusterScript(
  name: "up" | "down" | "restart-apiserver" | "build-kubernetes",
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; echoStderr?: boolean } = {},
): Promise<ScriptResult> {
  const script = join(CLUSTER_SCRIPTS, name);
  return new Promise((resolve, reject) => {
    const child = spawn(script, [...args], {
      env: options.env ?? withoutKubeconfig(process.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (options.echoStderr) process.stderr.write(chunk);
    });
    child.on("error", (error) => reject(new Error(`test/cluster/${name} did not start: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const tail = stderr.trim().split("\n").slice(-30).join("\n");
      reject(
        new Error(`test/cluster/${name} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${tail}`),
      );
    });
  });
}

export function withoutKubeconfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { KUBECONFIG: _ignored, ...rest } = env;
  return rest;
}

export interface PrivateCluster {
  /** Admin kubeconfig. */
  kubeconfig: string;
  /** Kubeconfig of the operator's identity (system:serviceaccount:hush-system:hush-operator). */
  operatorKubeconfig: string;
  /** The directory of the cluster's files: logs, pids, kubeconfigs. */
  dir: string;
  /** Stops kube-apiserver (SIGTERM) and starts it again with the same flags; resolves once ready. */
  restartApiServer(): Promise<void>;
  /** Stops every process of the cluster and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A cluster of its own (etcd, kube-apiserver, kube-controller-manager) for a test that stops or
 * restarts the API server, so that other tests keep theirs. About 10 s to start once built; give
 * the hook that calls it a timeout of a minute or more.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), "hush-private-cluster-"));
  try {
    await runClusterScript("up", ["--dir", dir]);
  } catch (error) {
    // The directory stays: the error names the logs in it.
    await runClusterScript("down", ["--dir", dir]).catch(() => undefined);
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    kubeconfig: join(dir, "kubeconfig"),
    operatorKubeconfig: join(dir, "operator.kubeconfig"),
    dir,
    restartApiServer: async () => {
      await runClusterScript("restart-apiserver", ["--dir", dir]);
    },
    stop: () => {
      stopped ??= (async () => {
        await runClusterScript("down", ["--dir", dir]);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

export interface KubectlOptions {
  kubeconfig: string;
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string;
  /** Kills kubectl after this long; default 60 s. */
  timeoutMs?: number;
}

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class KubectlError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: KubectlResult,
  ) {
    super(`kubectl ${args.join(" ")} exited with ${result.exitCode}: ${result.stderr.trim()}`);
    this.name = "KubectlError";
  }
}

/** Runs kubectl; resolves with its exit code and output whatever the exit code (for refusals). */
export async function runKubectl(args: readonly string[], options: KubectlOptions): Promise<KubectlResult> {
  // A discovery cache of its own for each call: kubectl caches the API's resources for ten minutes,
  // and a cache from before the CRDs were installed hides their short names and categories.
  const cacheDir = await mkdtemp(join(tmpdir(), "hush-kubectl-"));
  try {
    return await new Promise((resolve, reject) => {
      const child = execFile(
        kubectlPath(),
        ["--kubeconfig", options.kubeconfig, "--cache-dir", cacheDir, ...args],
        {
          env: withoutKubeconfig(process.env),
          timeout: options.timeoutMs ?? 60_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          if (error && error.code === "ENOENT") {
            reject(
              new Error(
                `no kubectl at ${kubectlPath()}: run test/cluster/build-kubernetes (or test/cluster/up)`,
              ),
            );
          } else if (error && typeof error.code !== "number") {
            reject(new Error(`kubectl ${args.join(" ")} did not run to the end: ${error.message}`));
          } else resolve({ exitCode: error ? (error.code as number) : 0, stdout, stderr });
        },
      );
      child.stdin?.end(options.input ?? "");
    });
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** Runs kubectl and resolves with its stdout; rejects with a KubectlError when it fails. */
export async function kubectl(args: readonly string[], options: KubectlOptions): Promise<string> {
  const result = await runKubectl(args, options);
  if (result.exitCode !== 0) throw new KubectlError(args, result);
  return result.stdout;
}

/**
 * The CRDs of crds/ as kube-apiserver 1.20 takes them: without CEL rules
 * (`x-kubernetes-validations`, which 1.20 does not know and kubectl refuses to send).
 */
export async function crdsForKubernetes120(): Promise<Record<string, unknown>[]> {
  const files = (await readdir(CRD_DIR)).filter((name) => name.endsWith(".yaml")).sort();
  const crds: Record<string, unknown>[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(CRD_DIR, file), "utf8"))) {
      const value = doc.toJS() as unknown;
      if (value && typeof value === "object") crds.push(withoutCel(value) as Record<string, unknown>);
    }
  }
  return crds;
}

function withoutCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCel);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "x-kubernetes-validations")
      .map(([key, child]) => [key, withoutCel(child)]),
  );
}

/**
 * Applies crds/ (without CEL rules) and waits until the API server serves the kinds. Server-side
 * apply, so test files installing them at the same time do not conflict. Returns the CRD names.
 */
export async function installCrds(kubeconfig: string): Promise<string[]> {
  const crds = await crdsForKubernetes120();
  const list = { apiVersion: "v1", kind: "List", items: crds };
  await kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=hush-tests", "-f", "-"], {
    kubeconfig,
    input: JSON.stringify(list),
  });
  const names = crds.map((crd) => (crd["metadata"] as { name: string }).name);
  await kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...names.map((n) => `crd/${n}`)], {
    kubeconfig,
    timeoutMs: 90_000,
  });
  return names;
}

/** Creates a namespace named PREFIX-<random> and returns its name. */
export async function freshNamespace(kubeconfig: string, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    throw new Error(
      `freshNamespace: "${prefix}" makes no namespace name; use lowercase letters, digits and '-', at most 56 characters`,
    );
  }
  await kubectl(["create", "namespace", name], { kubeconfig });
  return name;
}

/** Deletes a namespace without waiting (the cluster's namespace controller empties it). */
export async function deleteNamespace(kubeconfig: string, name: string): Promise<void> {
  await kubectl(["delete", "namespace", name, "--wait=false", "--ignore-not-found"], { kubeconfig });
}
