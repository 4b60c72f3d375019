import { defineConfig } from "vitest/config";

// Three projects (docs/testing.md): "unit" needs nothing but Node; "e2e" runs against a real
// kube-apiserver that its global setup starts once (test/cluster/up, or the cluster KUBECONFIG
// names); "k3s" starts K3s in Docker itself and skips without a Docker engine.
// `npx vitest run --project unit` runs the fast part alone.
const BUILD = "test/global-setup.ts"; // compiles bin/hush when sources changed

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/k3s/**", "**/node_modules/**"],
          globalSetup: [BUILD],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // The cluster's first start on a machine builds Kubernetes for minutes; global setups
          // have no timeout in vitest, so only hooks and tests are bounded.
          globalSetup: [BUILD, "test/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: "k3s",
          include: ["test/k3s/**/*.test.ts"],
          globalSetup: [BUILD],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
