// The cluster a scenario runs on, whatever started it: the kube-apiserver of test/cluster/up (the
// e2e project's global setup), a private one for the restart scenario, or K3s in a container. The
// scenarios only see this interface, so that the same functions run on all of them.

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCluster {
  /** For messages: which cluster this is. */
  name: string;
  /** An admin kubeconfig. */
  kubeconfig: string;
  /**
   * A kubeconfig of the operator's own identity (system:serviceaccount:hush-system:hush-operator),
   * limited by deploy/'s RBAC once applied; undefined where the cluster has no such user.
   */
  operatorKubeconfig?: string | undefined;
  /** Runs kubectl against the cluster (admin unless `kubeconfig` says otherwise); never throws on a non-zero exit. */
  kubectl(args: readonly string[], options?: { input?: string; kubeconfig?: string }): Promise<KubectlResult>;
  /**
   * Installs (or updates) Hush's CRDs in the form this API server accepts and waits until they are
   * served; where the operator runs as its own identity, also applies deploy/'s RBAC for it.
   * Idempotent and cheap after the first call.
   */
  prepare(): Promise<void>;
  /** Stops and starts the API server (same address and data); only where a test may disturb it. */
  restartApiServer?: () => Promise<void>;
}
