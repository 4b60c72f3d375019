import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics, type MetricsServer, startMetricsServer } from "../../src/observability/index.js";
import type { Readiness } from "../../src/observability/metrics-server.js";

// The endpoint Prometheus scrapes and the kubelet probes: /metrics in the exposition format,
// /healthz, /readyz, nothing else.

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(): Promise<{ url: string; metrics: ReturnType<typeof createMetrics> }> {
  const metrics = createMetrics();
  const server = await startMetricsServer(metrics.registry, { port: 0 });
  servers.push(server);
  return { url: server.url, metrics };
}

describe("the metrics server", () => {
  it("serves the registry on GET /metrics in Prometheus' text format", async () => {
    const { url, metrics } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    metrics.setAccountReady({ namespace: "support", name: "acme" }, true);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(metrics.registry.contentType);
    const body = await response.text();
    expect(body).toContain('hush_account_ready{namespace="support",account="acme"} 1');
    expect(body).toContain("# TYPE hush_sweeps_total counter");
  });

  it("answers /healthz, and 404 or 405 for anything else", async () => {
    const { url } = await start();
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok\n"]);
    const missing = await fetch(`${url}/constructor`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("serves /metrics and /healthz");
    const post = await fetch(`${url}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers /readyz from the readiness callback: 200 when ready, 503 with the reason when not", async () => {
    let ready: Readiness = { ready: false, reason: "the caches have not synced yet" };
    const server = await startMetricsServer(createMetrics().registry, { port: 0, readiness: () => ready });
    servers.push(server);
    const waiting = await fetch(`${server.url}/readyz`);
    expect([waiting.status, await waiting.text()]).toEqual([
      503,
      "not ready: the caches have not synced yet\n",
    ]);
    ready = { ready: true };
    const done = await fetch(`${server.url}/readyz`);
    expect([done.status, await done.text()]).toEqual([200, "ok\n"]);
    const { url } = await start();
    const always = await fetch(`${url}/readyz`);
    expect(always.status).toBe(200);
  });

  it("stops serving on close, even with a keep-alive connection open", async () => {
    const metrics = createMetrics();
    const server = await startMetricsServer(metrics.registry, { port: 0, host: "127.0.0.1" });
    await (await fetch(`${server.url}/healthz`, { keepalive: true })).text();
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it("names a port in use and what to do", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      await expect(startMetricsServer(createMetrics().registry, { port })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is in use; choose another port for metrics`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("refuses a port that is not one", async () => {
    await expect(startMetricsServer(createMetrics().registry, { port: 70_000 })).rejects.toThrow(
      "the metrics port must be a whole number from 0 to 65535; got 70000",
    );
  });
});
