import { describe } from "vitest";
import { sharedCluster } from "./support/clusters.js";
import { itRuns, killLeftoverOperators } from "./support/run-scenario.js";
import { approvalFlow } from "./support/scenarios/approval.js";

describe("hush operator: the approval of sweeps over the safety ceiling", () => {
  killLeftoverOperators();
  itRuns(approvalFlow, sharedCluster);
});
