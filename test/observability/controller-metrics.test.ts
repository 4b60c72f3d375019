import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { controllerMetrics } from "../../src/observability/controller-metrics.js";
import { createMetrics } from "../../src/observability/index.js";

// The operator's metrics live on the same registry as the sweep metrics, so one scrape has both.

function setup() {
  const metrics = createMetrics();
  const controller = controllerMetrics(metrics.registry);
  const scrape = () => metrics.registry.metrics();
  return { metrics, controller, scrape };
}

describe("the controller metrics", () => {
  it("count reconciles by controller and result, and time them", async () => {
    const { controller, scrape } = setup();
    controller.reconciled("RedactionPolicy", "success", 20);
    controller.reconciled("RedactionPolicy", "success", 40);
    controller.reconciled("ZendeskAccount", "error", 3000);
    const text = await scrape();
    expect(text).toContain(
      'hush_controller_reconciles_total{controller="RedactionPolicy",result="success"} 2',
    );
    expect(text).toContain('hush_controller_reconciles_total{controller="ZendeskAccount",result="error"} 1');
    expect(text).toContain(
      'hush_controller_reconcile_duration_seconds_count{controller="RedactionPolicy"} 2',
    );
    expect(text).toContain(
      'hush_controller_reconcile_duration_seconds_sum{controller="RedactionPolicy"} 0.06',
    );
    expect(text).toContain(
      'hush_controller_reconcile_duration_seconds_bucket{le="5",controller="ZendeskAccount"} 1',
    );
  });

  it("start every reconcile series at 0, so that rates see the first reconcile", async () => {
    const text = await setup().scrape();
    for (const controller of ["ZendeskAccount", "RedactionPolicy"]) {
      for (const result of ["success", "requeue", "error"]) {
        expect(text).toContain(
          `hush_controller_reconciles_total{controller="${controller}",result="${result}"} 0`,
        );
      }
    }
    expect(text).toContain("hush_controller_leader 0");
  });

  it("read the queue depth on every scrape, and stop once told", async () => {
    const { controller, scrape } = setup();
    let depth = 3;
    const stop = controller.watchQueueDepth("RedactionPolicy", () => depth);
    expect(await scrape()).toContain('hush_controller_queue_depth{controller="RedactionPolicy"} 3');
    depth = 7;
    expect(await scrape()).toContain('hush_controller_queue_depth{controller="RedactionPolicy"} 7');
    stop();
    expect(await scrape()).toContain('hush_controller_queue_depth{controller="RedactionPolicy"} 0');
  });

  it("count watch restarts by kind and reason, fixed words only", async () => {
    const { controller, scrape } = setup();
    controller.watchRestarted("Secret", "Expired");
    controller.watchRestarted("RedactionPolicy", "Stalled");
    controller.watchRestarted("customer@example.com", "boom: 10.0.0.1 refused");
    const text = await scrape();
    expect(text).toContain('hush_controller_watch_restarts_total{kind="Secret",reason="Expired"} 1');
    expect(text).toContain('hush_controller_watch_restarts_total{kind="RedactionPolicy",reason="Stalled"} 1');
    expect(text).toContain('hush_controller_watch_restarts_total{kind="Other",reason="Other"} 1');
    expect(text).not.toContain("example.com");
  });

  it("show whether this replica leads", async () => {
    const { controller, scrape } = setup();
    controller.setLeader(true);
    expect(await scrape()).toContain("hush_controller_leader 1");
    controller.setLeader(false);
    expect(await scrape()).toContain("hush_controller_leader 0");
  });

  it("are each documented in docs/operator.md", async () => {
    const { readFile } = await import("node:fs/promises");
    const docs = await readFile(new URL("../../docs/operator.md", import.meta.url), "utf8");
    const { metrics } = setup();
    const names = (await metrics.registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((name) => name.startsWith("hush_controller_"));
    expect(names).toHaveLength(5);
    for (const name of names)
      expect(docs, `${name} is missing from docs/operator.md`).toContain(`\`${name}\``);
  });

  const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  it.skipIf(promtool.error !== undefined || promtool.status !== 0)(
    "pass `promtool check metrics`",
    async () => {
      const { controller, scrape } = setup();
      controller.reconciled("ZendeskAccount", "requeue", 12);
      controller.watchRestarted("ZendeskAccount", "Error");
      controller.setLeader(true);
      const text = await scrape();
      const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(check.stdout + check.stderr).toBe("");
      expect(check.status).toBe(0);
    },
  );
});
