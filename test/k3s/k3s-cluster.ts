import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { K3sContainer, type StartedK3sContainer } from "@testcontainers/k3s";
import { getContainerRuntimeClient } from "testcontainers";
import { parse, stringify } from "yaml";
import { applyCrds } from "../e2e/support/crds.js";
import { freePort } from "../e2e/support/operator.js";
import { applyRbac } from "../e2e/support/rbac.js";
import type { KubectlResult, TestCluster } from "../e2e/support/test-cluster.js";
import { waitFor } from "../e2e/support/wait.js";

// K3s in a container (testcontainers), as a second kind of real cluster for the same scenarios: a
// current Kubernetes (CEL rules in the CRDs are kept), a real controller manager, and a restart of
// the whole server for the restart scenario.

/** Override with HUSH_K3S_IMAGE, e.g. to use a mirror. */
const IMAGE = process.env["HUSH_K3S_IMAGE"] ?? "rancher/k3s:v1.31.4-k3s1";
const API_PORT = 6443;

export type DockerCheck = { ok: true } | { ok: false; reason: string };

/** Whether testcontainers can reach a Docker engine; when not, why, in the words of `docker info`. */
export async function dockerEngine(): Promise<DockerCheck> {
  try {
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    const info = await new Promise<string>((resolve) => {
      execFile(
        "docker",
        ["info", "--format", "{{.ServerVersion}}"],
        { timeout: 15_000 },
        (err, _out, stderr) => resolve(err ? stderr.trim().split("\n").at(-1) || err.message : ""),
      );
    });
    const why = info ? `docker info failed: ${info}` : `testcontainers: ${(error as Error).message}`;
    return { ok: false, reason: `no Docker engine (${why})` };
  }
}

export interface K3sCluster extends TestCluster {
  container: StartedK3sContainer;
  stop(): Promise<void>;
}

/** Starts K3s with its API on a fixed host port, so that a restarted server keeps its address. */
export async function startK3s(): Promise<K3sCluster> {
  const hostPort = await freePort();
  const container = await new K3sContainer(IMAGE)
    .withExposedPorts({ container: API_PORT, host: hostPort })
    .start();
  const dir = await mkdtemp(join(tmpdir(), "hush-k3s-"));
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, container.getKubeConfig(), { mode: 0o600 });
  const hostKubectl = await hasHostKubectl();

  const kubectl = async (args: readonly string[], options: { input?: string; kubeconfig?: string } = {}) => {
    if (hostKubectl) return runKubectl("kubectl", options.kubeconfig ?? kubeconfig, args, options.input);
    return kubectlInContainer(container, args, options.input);
  };
  const run = (args: readonly string[], input?: string) =>
    kubectl(args, input === undefined ? {} : { input });

  let prepared: Promise<void> | undefined;
  const cluster: K3sCluster = {
    name: `K3s (${IMAGE})`,
    kubeconfig,
    container,
    kubectl,
    async prepare() {
      prepared ??= (async () => {
        await applyCrds(run);
        await applyRbac(run);
        cluster.operatorKubeconfig = await operatorKubeconfig(run, kubeconfig, dir);
      })();
      // A failed preparation is tried again by the next scenario, not remembered.
      prepared.catch(() => {
        prepared = undefined;
      });
      return prepared;
    },
    async restartApiServer() {
      await container.restart();
      await waitFor(
        "K3s to serve its API again after the restart",
        async () => {
          const ready = await run(["get", "--raw", "/readyz"]);
          return ready.code === 0 ? true : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 1_000 },
      );
    },
    async stop() {
      await container.stop();
    },
  };
  return cluster;
}

async function hasHostKubectl(): Promise<boolean> {
  return new Promise((resolve) => execFile("kubectl", ["version", "--client"], (error) => resolve(!error)));
}

/** kubectl inside the K3s container (its image carries one); stdin goes through a file. */
async function kubectlInContainer(
  container: StartedK3sContainer,
  args: readonly string[],
  input?: string,
): Promise<KubectlResult> {
  let command = [...args];
  if (input !== undefined) {
    await container.copyContentToContainer([{ content: input, target: "/tmp/hush-stdin.yaml" }]);
    command = command.map((arg, i) =>
      arg === "-" && command[i - 1] === "-f" ? "/tmp/hush-stdin.yaml" : arg,
    );
  }
  const result = await container.exec(["kubectl", ...command]);
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A kubeconfig of the operator's ServiceAccount (deploy/'s RBAC applied): a token from the
 * TokenRequest API, and the admin kubeconfig's server and CA.
 */
async function operatorKubeconfig(
  run: (args: readonly string[], input?: string) => Promise<KubectlResult>,
  adminKubeconfig: string,
  dir: string,
): Promise<string> {
  const token = await run(["create", "token", "hush-operator", "-n", "hush-system", "--duration=2h"]);
  if (token.code !== 0) throw new Error(`kubectl create token for the operator failed: ${token.stderr}`);
  const admin = parse(await readFile(adminKubeconfig, "utf8"));
  const context = admin.contexts[0].context;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: admin.clusters.filter((c: { name: string }) => c.name === context.cluster),
    users: [{ name: "hush-operator", user: { token: token.stdout.trim() } }],
    contexts: [{ name: "operator", context: { cluster: context.cluster, user: "hush-operator" } }],
    "current-context": "operator",
  };
  const path = join(dir, "operator.kubeconfig");
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}

/** Runs `binary` (a kubectl) against `kubeconfig`; resolves whatever the exit code. */
function runKubectl(
  binary: string,
  kubeconfig: string,
  args: readonly string[],
  input?: string,
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      binary,
      [...args],
      {
        env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", KUBECONFIG: kubeconfig },
        maxBuffer: 32 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}
