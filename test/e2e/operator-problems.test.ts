import { describe } from "vitest";
import { sharedCluster } from "./support/clusters.js";
import { itRuns, killLeftoverOperators } from "./support/run-scenario.js";
import { badSpecRefused, missingAccount, secretRotation } from "./support/scenarios/problems.js";

describe("hush operator: invalid specs, missing accounts and wrong credentials", () => {
  killLeftoverOperators();
  itRuns(badSpecRefused, sharedCluster);
  itRuns(missingAccount, sharedCluster);
  itRuns(secretRotation, sharedCluster);
});
