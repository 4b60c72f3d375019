import { describe } from "vitest";
import { sharedCluster } from "./support/clusters.js";
import { itRuns, killLeftoverOperators } from "./support/run-scenario.js";
import { becomesReady, scheduledSweepProgress } from "./support/scenarios/ready.js";

// `hush operator` as a process against a real kube-apiserver and the Zendesk simulator.
describe("hush operator: resources become Ready and sweeps report progress", () => {
  killLeftoverOperators();
  itRuns(becomesReady, sharedCluster);
  itRuns(scheduledSweepProgress, sharedCluster);
});
