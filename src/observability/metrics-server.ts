import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

// The HTTP endpoint Prometheus scrapes: GET /metrics (the exposition format) and GET /healthz
// (the process is up and serving). Nothing else is served, and nothing here takes input.

export interface MetricsServerOptions {
  /** 0 picks a free port (see the returned url). */
  port: number;
  /** Default 127.0.0.1; use 0.0.0.0 (or ::) in a container, where Prometheus scrapes from outside. */
  host?: string;
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9090; a wildcard host is shown as localhost. */
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  registry: Registry,
  options: MetricsServerOptions,
): Promise<MetricsServer> {
  const host = options.host ?? "127.0.0.1";
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new RangeError(`the metrics port must be a whole number from 0 to 65535; got ${options.port}`);
  }
  const server = createServer((req, res) => {
    serve(registry, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`collecting metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${options.port} on ${host} is in use; choose another port for metrics`, {
              cause: error,
            })
          : error,
      );
    };
    server.once("error", onError);
    server.listen(options.port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost =
    host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from a scraper would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

async function serve(registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  const routes = new Map<string, () => Promise<{ type: string; body: string }>>([
    ["/metrics", async () => ({ type: registry.contentType, body: await registry.metrics() })],
    ["/healthz", async () => ({ type: "text/plain; charset=utf-8", body: "ok\n" })],
  ]);
  const route = routes.get(path ?? "");
  if (!route) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found: Hush serves /metrics and /healthz\n");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end(`${req.method} is not allowed here; use GET\n`);
    return;
  }
  const { type, body } = await route();
  res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}
