import type { TestCluster } from "../test-cluster.js";

/**
 * A scenario written once and run on every kind of test cluster (test/e2e on the kube-apiserver of
 * test/cluster/up, test/k3s on K3s): the title reads as the specification, `run` is the test.
 */
export interface ScenarioDef {
  title: string;
  /** The test's timeout: a bound on failure, generous for a loaded 2-core machine. */
  timeoutMs: number;
  /** What the cluster must offer; a cluster without it cannot run the scenario. */
  needs?: "restartApiServer";
  run(cluster: TestCluster): Promise<void>;
}
