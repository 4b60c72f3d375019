import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/observability/index.js";
import type { SweepIdentity } from "../../src/sweep/evidence.js";
import { OutcomeBuilder } from "../../src/sweep/outcome.js";
import { RateBudget } from "../../src/zendesk/budget.js";

// Prometheus' own linter on Hush's exposition: naming conventions (units, _total on counters),
// help texts and the text format. promtool comes with Debian's `prometheus` package; without it the
// check is skipped, with a message saying how to run it.

const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
const hasPromtool = promtool.error === undefined && promtool.status === 0;
if (!hasPromtool) {
  console.warn(
    "skipping `promtool check metrics`: promtool is not installed (apt-get install prometheus provides it)",
  );
}

async function populatedExposition(): Promise<string> {
  const metrics = createMetrics();
  const sweep: SweepIdentity = {
    sweepId: "s1",
    account: { namespace: "support", name: "acme" },
    policy: { namespace: "support", name: "gdpr-retention", generation: 1 },
  };
  const observer = metrics.sweepObserverFor("Redact");
  observer.sweepStarted?.(sweep, 2);
  const acted = new OutcomeBuilder({ kind: "ticket", id: 1 }, "ReadTicket");
  acted.did("RedactComment");
  acted.findings.email = 1;
  observer.itemDone?.(sweep, acted.acted(), 250);
  observer.itemDone?.(
    sweep,
    new OutcomeBuilder({ kind: "ticket", id: 2 }, "ReadTicket").skipped("NotFound"),
    20,
  );
  observer.itemDone?.(
    sweep,
    new OutcomeBuilder({ kind: "ticket", id: 3 }, "UpdateTicket").failed({
      kind: "Unavailable",
      status: 503,
      message: "Zendesk was unavailable; the next sweep tries again.",
    }),
    20,
  );
  observer.sweepEnded?.(
    sweep,
    {
      sweepId: "s1",
      startTime: "2026-11-24T10:00:00.000Z",
      completionTime: "2026-11-24T10:01:00.000Z",
      result: "PartiallyFailed",
      counts: { matched: 3, acted: 1, skipped: 1, failed: 1, residual: 0 },
    },
    60_000,
  );
  const requests = metrics.requestLogger(sweep.account);
  requests.request({
    method: "GET",
    route: "/api/v2/tickets/{id}",
    status: 200,
    durationMs: 80,
    attempt: 1,
    willRetry: false,
  });
  requests.request({
    method: "PUT",
    route: "/api/v2/tickets/{id}",
    status: 429,
    durationMs: 30,
    attempt: 1,
    willRetry: true,
  });
  requests.request({
    method: "PUT",
    route: "/api/v2/tickets/{id}",
    status: null,
    durationMs: 9,
    attempt: 2,
    errorCode: "ECONNRESET",
    willRetry: false,
  });
  const budget = new RateBudget({ requestsPerMinute: 700 });
  await budget.acquire();
  metrics.watchBudget(sweep.account, budget);
  metrics.setAccountReady(sweep.account, true);
  metrics.setNextSweepTime(sweep.policy, Date.parse("2026-11-25T00:00:00Z"));
  return metrics.registry.metrics();
}

describe("the exposition", () => {
  it.skipIf(!hasPromtool)("passes `promtool check metrics` with every metric populated", async () => {
    const text = await populatedExposition();
    // Every metric family has a sample, so promtool lints all of them.
    expect(text.match(/^# TYPE hush_/gm)?.length).toBeGreaterThan(20);
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  });
});
