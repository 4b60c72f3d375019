import { afterAll, beforeAll, describe } from "vitest";
import { privateCluster } from "./support/clusters.js";
import { itRuns, killLeftoverOperators } from "./support/run-scenario.js";
import { apiServerRestartMidSweep } from "./support/scenarios/apiserver-restart.js";
import type { TestCluster } from "./support/test-cluster.js";

// A cluster of this file's own: restarting the shared API server would disturb the other files.
describe("hush operator: the API server restarted mid-sweep", () => {
  let cluster: (TestCluster & { stop(): Promise<void> }) | undefined;
  beforeAll(async () => {
    cluster = await privateCluster();
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);
  killLeftoverOperators();
  itRuns(apiServerRestartMidSweep, () => cluster!);
});
