// HTTP to the API server with the kubeconfig's credentials, on node:http(s). Raw requests instead
// of client-node's generated clients because the operator needs exact control where those get
// it wrong for us: the patch content type (they default to JSON or strategic merge patch, which
// custom resources reject), the status subresource of custom resources, watch streams without
// client-node's fixed 30 s inactivity abort (an idle watch is quiet until its bookmark), and one
// error path (k8s-errors.ts). The kubeconfig still does authentication: tokens, token files it
// re-reads, exec plugins, client certificates and proxies all come from applyToHTTPSOptions.
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { ClusterError } from "./cluster.js";
import { clusterErrorFromResponse, toClusterError } from "./k8s-errors.js";

export type QueryValue = string | number | boolean | undefined;

export interface KubeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path from the server's root, e.g. /api/v1/namespaces/a/configmaps/b. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
}

export interface KubeTransport {
  /** The parsed JSON response; throws ClusterError for any failure. */
  request<T = unknown>(request: KubeRequest): Promise<T>;
  /**
   * GET of a watch: calls `onLine` with each newline-delimited JSON value, in order. Resolves when
   * the server ends the response; rejects with a ClusterError when it cannot be opened or breaks,
   * or with the signal's reason when aborted.
   */
  stream(
    path: string,
    query: Record<string, QueryValue>,
    onLine: (value: unknown) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export interface KubeTransportOptions {
  /** Time limit of one request (not of a watch stream), default 60 s. */
  requestTimeoutMs?: number;
  userAgent?: string;
}

interface Prepared {
  url: URL;
  options: https.RequestOptions;
  module: typeof http | typeof https;
}

export function createTransport(kubeConfig: KubeConfig, options: KubeTransportOptions = {}): KubeTransport {
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const userAgent = options.userAgent ?? "hush-operator";
  let agent: http.Agent | undefined;

  async function prepare(path: string, query: Record<string, QueryValue> | undefined): Promise<Prepared> {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) {
      throw new ClusterError(
        "Other",
        undefined,
        "the kubeconfig has no current cluster; choose a context with one",
      );
    }
    const applied: https.RequestOptions = {};
    try {
      await kubeConfig.applyToHTTPSOptions(applied);
    } catch (error) {
      throw credentialsError(error);
    }
    const url = new URL(cluster.server.replace(/\/+$/, "") + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const secure = url.protocol === "https:";
    // client-node's agents do not keep connections alive; one kept-alive agent per transport
    // spares a TLS handshake per request. A proxy needs client-node's own agent.
    if (cluster.proxyUrl) {
      agent = applied.agent as http.Agent;
    } else if (agent === undefined) {
      agent = secure
        ? new https.Agent({
            keepAlive: true,
            ...pick(applied, ["ca", "cert", "key", "pfx", "passphrase", "servername", "rejectUnauthorized"]),
          })
        : new http.Agent({ keepAlive: true });
    }
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": userAgent };
    for (const [name, value] of Object.entries(applied.headers ?? {})) {
      if (value !== undefined) headers[name] = String(value);
    }
    return {
      url,
      module: secure ? https : http,
      options: { method: "GET", headers, agent, ...(applied.auth ? { auth: applied.auth } : {}) },
    };
  }

  /**
   * Sends the request; resolves with the response once its headers arrived. `headersTimeoutMs`
   * bounds only the wait for the headers (a watch's body may then take minutes).
   */
  function send(
    prepared: Prepared,
    body: string | undefined,
    signal: AbortSignal | undefined,
    headersTimeoutMs?: number,
  ) {
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = prepared.module.request(
        prepared.url,
        { ...prepared.options, ...(signal ? { signal } : {}) },
        (response) => {
          clearTimeout(timer);
          resolve(response);
        },
      );
      const timer =
        headersTimeoutMs === undefined
          ? undefined
          : setTimeout(
              () =>
                req.destroy(
                  new ClusterError(
                    "Unavailable",
                    undefined,
                    `the Kubernetes API server did not answer the watch of ${prepared.url.pathname} within ${headersTimeoutMs / 1000} s; it may be overloaded or restarting`,
                  ),
                ),
              headersTimeoutMs,
            );
      req.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });
  }

  async function readBody(response: http.IncomingMessage): Promise<string> {
    response.setEncoding("utf8");
    let text = "";
    for await (const chunk of response) text += chunk;
    return text;
  }

  return {
    async request<T>(request: KubeRequest): Promise<T> {
      const prepared = await prepare(request.path, request.query);
      prepared.options.method = request.method;
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      if (body !== undefined) {
        (prepared.options.headers as Record<string, string>)["Content-Type"] =
          request.contentType ?? "application/json";
      }
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      let status: number;
      let text: string;
      try {
        const response = await send(prepared, body, signal);
        status = response.statusCode ?? 0;
        text = await readBody(response);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (timeout.aborted) {
          throw new ClusterError(
            "Unavailable",
            undefined,
            `the Kubernetes API server did not answer ${request.method} ${request.path} within ${requestTimeoutMs / 1000} s; it may be overloaded or restarting`,
          );
        }
        throw toClusterError(error);
      }
      if (status < 200 || status > 299) throw clusterErrorFromResponse(status, text);
      if (text === "") return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ClusterError(
          "Other",
          status,
          `the Kubernetes API server answered ${request.method} ${request.path} with something that is not JSON`,
        );
      }
    },

    async stream(path, query, onLine, signal) {
      const prepared = await prepare(path, query);
      let response: http.IncomingMessage;
      try {
        response = await send(prepared, undefined, signal, requestTimeoutMs);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw toClusterError(error);
      }
      if (response.statusCode !== 200) {
        let text = "";
        try {
          text = await readBody(response);
        } catch {
          // The status code alone still says what went wrong.
        }
        throw clusterErrorFromResponse(response.statusCode ?? 0, text);
      }
      response.setEncoding("utf8");
      let partial = "";
      try {
        for await (const chunk of response as AsyncIterable<string>) {
          let start = 0;
          for (let newline = chunk.indexOf("\n"); newline !== -1; newline = chunk.indexOf("\n", start)) {
            const line = partial + chunk.slice(start, newline);
            partial = "";
            start = newline + 1;
            if (line.trim() !== "") onLine(parseLine(line));
          }
          partial += chunk.slice(start);
        }
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw toClusterError(error);
      }
      if (partial.trim() !== "") onLine(parseLine(partial));
    },

    close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new ClusterError(
      "Other",
      undefined,
      "the Kubernetes API server sent a watch event that is not JSON",
    );
  }
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}

/** Credentials that cannot be applied (a missing token file, a failing exec plugin, plain HTTP). */
function credentialsError(error: unknown): ClusterError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") {
    return new ClusterError(
      "Unauthorized",
      undefined,
      "a file the kubeconfig names for credentials (token file, certificate or key) does not exist; check the kubeconfig's user",
    );
  }
  if (error instanceof Error && error.message.startsWith("HTTP protocol is not allowed")) {
    return new ClusterError(
      "Other",
      undefined,
      "the kubeconfig's server address uses plain http:// without insecure-skip-tls-verify; use https://",
    );
  }
  return new ClusterError(
    "Unauthorized",
    undefined,
    "the kubeconfig's credentials could not be applied (token, exec plugin or client certificate); check the kubeconfig's user",
  );
}
