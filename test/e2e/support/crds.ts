import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubectlResult } from "./test-cluster.js";

// Hush's CRDs as a current cluster (K3s) takes them: crds/ as it is, CEL rules included. The
// 1.20 test clusters get them through test/support/cluster.ts installCrds, without CEL.

const CRD_DIR = fileURLToPath(new URL("../../../crds/", import.meta.url));

export const CRD_NAMES = ["zendeskaccounts.hush.dev", "redactionpolicies.hush.dev"] as const;

/** Applies crds/ with kubectl and waits until the API server serves the kinds. */
export async function applyCrds(
  kubectl: (args: readonly string[], input?: string) => Promise<KubectlResult>,
): Promise<void> {
  const manifests = readdirSync(CRD_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((file) => readFileSync(join(CRD_DIR, file), "utf8"))
    .join("\n---\n");
  const applied = await kubectl(["apply", "-f", "-"], manifests);
  if (applied.code !== 0) throw new Error(`kubectl apply of the CRDs failed: ${applied.stderr}`);
  const established = await kubectl([
    "wait",
    "--for=condition=Established",
    "--timeout=60s",
    ...CRD_NAMES.map((name) => `crd/${name}`),
  ]);
  if (established.code !== 0) throw new Error(`the CRDs did not become Established: ${established.stderr}`);
}
