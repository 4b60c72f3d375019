import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { runClusterScript } from "../support/cluster.js";

/**
 * The e2e project's cluster: with KUBECONFIG set, that cluster (test/cluster/up checks that it is
 * ready and starts nothing); otherwise a test cluster of its own in a temporary directory, stopped
 * again at teardown. The first run on a machine builds Kubernetes (6 to 10 minutes on 2 cores;
 * vitest sets no timeout on global setups); the build's progress goes to stderr.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const existing = process.env["KUBECONFIG"];
  if (existing) {
    await runClusterScript("up", [], { env: process.env, echoStderr: true });
    project.provide("hushCluster", { kubeconfig: existing });
    return undefined;
  }
  // A directory per run: two runs at once (two terminals, two checkouts) get two clusters.
  const dir = await mkdtemp(join(tmpdir(), "hush-e2e-cluster-"));
  console.error(`hush e2e: starting a test cluster in ${dir} (test/cluster/up)`);
  try {
    await runClusterScript("up", ["--dir", dir], { echoStderr: true });
  } catch (error) {
    await runClusterScript("down", ["--dir", dir]).catch(() => undefined);
    throw error;
  }
  project.provide("hushCluster", {
    kubeconfig: join(dir, "kubeconfig"),
    operatorKubeconfig: join(dir, "operator.kubeconfig"),
  });
  return async () => {
    await runClusterScript("down", ["--dir", dir]);
    await rm(dir, { recursive: true, force: true });
  };
}
