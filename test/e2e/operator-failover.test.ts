import { describe } from "vitest";
import { sharedCluster } from "./support/clusters.js";
import { itRuns, killLeftoverOperators } from "./support/run-scenario.js";
import { leaderKilledMidSweep } from "./support/scenarios/failover.js";

describe("hush operator: leader election and failover", () => {
  killLeftoverOperators();
  itRuns(leaderKilledMidSweep, sharedCluster);
});
