import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

// The HTTP endpoint Prometheus and the kubelet use: GET /metrics (the exposition format),
// GET /healthz (liveness: the process is up and its event loop answers, which is what serving the
// request proves) and GET /readyz (readiness, from the caller's callback; 503 with the reason while
// not ready). Nothing else is served, and nothing here takes input.

/** Whether the process is ready, and if not, why (a sentence for whoever reads the probe's output). */
export type Readiness = { ready: true } | { ready: false; reason: string };

export interface MetricsServerOptions {
  /** 0 picks a free port (see the returned url). */
  port: number;
  /** Default 127.0.0.1; use 0.0.0.0 (or ::) in a container, where Prometheus scrapes from outside. */
  host?: string;
  /** Asked on every GET /readyz; default: always ready. */
  readiness?: () => Readiness;
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
    serve(registry, options.readiness ?? alwaysReady, req, res).catch((error: unknown) => {
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

const alwaysReady = (): Readiness => ({ ready: true });
const TEXT = "text/plain; charset=utf-8";

interface Reply {
  status?: number;
  type: string;
  body: string;
}

async function serve(
  registry: Registry,
  readiness: () => Readiness,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  const routes = new Map<string, () => Promise<Reply>>([
    ["/metrics", async () => ({ type: registry.contentType, body: await registry.metrics() })],
    ["/healthz", async () => ({ type: TEXT, body: "ok\n" })],
    [
      "/readyz",
      async () => {
        const state = readiness();
        return state.ready
          ? { type: TEXT, body: "ok\n" }
          : { status: 503, type: TEXT, body: `not ready: ${state.reason}\n` };
      },
    ],
  ]);
  const route = routes.get(path ?? "");
  if (!route) {
    res.writeHead(404, { "content-type": TEXT });
    res.end("not found: Hush serves /metrics and /healthz (liveness) and /readyz (readiness)\n");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end(`${req.method} is not allowed here; use GET\n`);
    return;
  }
  const { status = 200, type, body } = await route();
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}
