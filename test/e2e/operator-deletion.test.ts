import { describe } from "vitest";
import { sharedCluster } from "./support/clusters.js";
import { itRuns, killLeftoverOperators } from "./support/run-scenario.js";
import { deletionMidSweep } from "./support/scenarios/deletion.js";

describe("hush operator: deleting a policy while it sweeps", () => {
  killLeftoverOperators();
  itRuns(deletionMidSweep, sharedCluster);
});
