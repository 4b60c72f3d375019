import { afterAll, it } from "vitest";
import { killAllOperators } from "./operator.js";
import type { ScenarioDef } from "./scenarios/types.js";
import type { TestCluster } from "./test-cluster.js";

/**
 * Declares `scenario` as a test on the cluster `cluster()` returns (called when the test runs, so
 * that a missing cluster fails the test with its message instead of the file's collection).
 */
export function itRuns(scenario: ScenarioDef, cluster: () => TestCluster | Promise<TestCluster>): void {
  it(scenario.title, async () => scenario.run(await cluster()), scenario.timeoutMs);
}

/**
 * Kills operators still running when the file's tests are done (each scenario stops its own when
 * it finishes; this is for a scenario whose cleanup itself failed), so that none outlives the run.
 */
export function killLeftoverOperators(): void {
  afterAll(killAllOperators);
}
