import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import type { KubectlResult } from "./test-cluster.js";

// deploy/'s RBAC for the operator, applied as a cluster admin would before installing Hush, so that
// scenarios run the operator with exactly the permissions a real installation grants it.

const DEPLOY_DIR = fileURLToPath(new URL("../../../deploy/", import.meta.url));
const RBAC_KINDS = new Set([
  "Namespace",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
]);

/** The RBAC objects of deploy/ (and the namespace and ServiceAccount they name), as one YAML stream. */
export function rbacManifests(): string {
  if (!existsSync(DEPLOY_DIR)) return "";
  const files = readdirSync(DEPLOY_DIR).filter((f) => /\.ya?ml$/.test(f));
  const docs = files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(DEPLOY_DIR, file), "utf8")).map((doc) => doc.toJS()),
  );
  return docs
    .filter((doc) => doc && RBAC_KINDS.has(doc.kind))
    .map((doc) => stringify(doc))
    .join("---\n");
}

export async function applyRbac(
  kubectl: (args: readonly string[], input?: string) => Promise<KubectlResult>,
): Promise<void> {
  const manifests = rbacManifests();
  if (!manifests.includes("ClusterRole"))
    throw new Error(`deploy/ holds no ClusterRole for the operator (looked in ${DEPLOY_DIR})`);
  const applied = await kubectl(["apply", "-f", "-"], manifests);
  if (applied.code !== 0) throw new Error(`kubectl apply of deploy/'s RBAC failed: ${applied.stderr}`);
}

/**
 * deploy/'s namespaced RBAC of the operator's own namespace (the leader election Role and its
 * RoleBinding), moved to `namespace`, as deploy/ says to do for another
 * --leader-election-namespace: scenarios keep their Lease in their own namespace.
 */
export function namespacedRbacFor(namespace: string): { kind: "Role" | "RoleBinding"; manifest: any }[] {
  if (!existsSync(DEPLOY_DIR)) return [];
  return readdirSync(DEPLOY_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(DEPLOY_DIR, file), "utf8")).map((doc) => doc.toJS()),
    )
    .filter((doc) => doc && (doc.kind === "Role" || doc.kind === "RoleBinding"))
    .map((doc) => ({ kind: doc.kind, manifest: { ...doc, metadata: { ...doc.metadata, namespace } } }));
}
