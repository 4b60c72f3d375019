import { afterAll, beforeAll, describe, it } from "vitest";
import { killAllOperators } from "../e2e/support/operator.js";
import { ALL_SCENARIOS } from "../e2e/support/scenarios/index.js";
import { dockerEngine, type K3sCluster, startK3s } from "./k3s-cluster.js";

// The e2e scenarios again, on K3s in a container, where a Docker engine is reachable. Without one
// every test is skipped, saying why.

const docker = await dockerEngine();
const skipped = docker.ok ? undefined : `K3s suite skipped: ${docker.reason}`;
if (skipped) console.warn(skipped);

describe("hush operator on K3s", () => {
  let k3s: K3sCluster | undefined;
  beforeAll(async () => {
    if (!skipped) k3s = await startK3s();
  }, 300_000);
  afterAll(async () => {
    await killAllOperators();
    await k3s?.stop();
  }, 120_000);

  for (const scenario of ALL_SCENARIOS) {
    it(
      scenario.title,
      async (ctx) => {
        if (skipped) ctx.skip(skipped);
        await scenario.run(k3s!);
      },
      scenario.timeoutMs,
    );
  }
});
