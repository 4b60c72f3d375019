import {
  clusterKubeconfig,
  clusterOperatorKubeconfig,
  installCrds,
  type PrivateCluster,
  runKubectl,
  startPrivateCluster,
} from "../../support/cluster.js";
import { applyRbac } from "./rbac.js";
import type { TestCluster } from "./test-cluster.js";

// The clusters of the e2e project (test/support/cluster.ts starts and reaches them): the shared one
// of the global setup (test/cluster/up, or the one KUBECONFIG names), in which each scenario works
// in a namespace of its own, and private ones for scenarios that restart the API server.

/**
 * The shared test cluster. The operator runs as its own identity (operator.kubeconfig of
 * test/cluster/up) with deploy/'s RBAC where the cluster has one, as admin otherwise.
 */
export function sharedCluster(): TestCluster {
  return clusterOf("the shared test cluster", clusterKubeconfig(), clusterOperatorKubeconfig());
}

/** A cluster of its own, stopped by the returned `stop`. */
export async function privateCluster(): Promise<TestCluster & { stop(): Promise<void> }> {
  const cluster: PrivateCluster = await startPrivateCluster();
  return {
    ...clusterOf(`a private test cluster (${cluster.dir})`, cluster.kubeconfig, cluster.operatorKubeconfig),
    restartApiServer: () => cluster.restartApiServer(),
    stop: () => cluster.stop(),
  };
}

function clusterOf(name: string, kubeconfig: string, operatorKubeconfig: string | undefined): TestCluster {
  let prepared: Promise<void> | undefined;
  const kubectl: TestCluster["kubectl"] = async (args, options = {}) => {
    const result = await runKubectl(args, {
      kubeconfig: options.kubeconfig ?? kubeconfig,
      ...(options.input === undefined ? {} : { input: options.input }),
    });
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  };
  return {
    name,
    kubeconfig,
    operatorKubeconfig,
    kubectl,
    prepare() {
      prepared ??= (async () => {
        await installCrds(kubeconfig);
        if (operatorKubeconfig)
          await applyRbac((args, input) => kubectl(args, input === undefined ? {} : { input }));
      })();
      // A failed preparation is tried again by the next scenario, not remembered.
      prepared.catch(() => {
        prepared = undefined;
      });
      return prepared;
    },
  };
}
