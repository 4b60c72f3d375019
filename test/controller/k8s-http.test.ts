import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterError } from "../../src/controller/cluster.js";
import { createTransport, type KubeTransport } from "../../src/controller/k8s-http.js";

// The transport against a local HTTP server playing the API server: what arrives on the wire,
// and how the byte stream of a watch becomes events.

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let server: Server | undefined;
let transport: KubeTransport | undefined;
afterEach(async () => {
  transport?.close();
  transport = undefined;
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function serve(handler: Handler, options: { requestTimeoutMs?: number } = {}): Promise<KubeTransport> {
  server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => handler(request, body, response));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "local", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "admin", token: "sekret-token" }],
    contexts: [{ name: "local", cluster: "local", user: "admin" }],
    currentContext: "local",
  });
  transport = createTransport(config, { ...options, userAgent: "hush-test" });
  return transport;
}

const statusBody = (code: number, reason: string, message: string) =>
  JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code,
    reason,
    message,
    details: { name: "x" },
  });

describe("KubeTransport.request", () => {
  it("sends the kubeconfig's token, JSON, the content type asked for and the query", async () => {
    let seen: { method?: string; url?: string; headers?: IncomingMessage["headers"]; body?: string } = {};
    const http = await serve((request, body, response) => {
      seen = { method: request.method!, url: request.url!, headers: request.headers, body };
      response.setHeader("Content-Type", "application/json");
      response.end(JSON.stringify({ kind: "ConfigMap", metadata: { name: "x" } }));
    });
    const answer = await http.request({
      method: "PATCH",
      path: "/api/v1/namespaces/a/configmaps/x",
      query: { fieldManager: "hush-operator", dryRun: undefined },
      body: { metadata: { finalizers: null } },
      contentType: "application/merge-patch+json",
    });
    expect(answer).toEqual({ kind: "ConfigMap", metadata: { name: "x" } });
    expect(seen.method).toBe("PATCH");
    expect(seen.url).toBe("/api/v1/namespaces/a/configmaps/x?fieldManager=hush-operator");
    expect(seen.headers?.["authorization"]).toBe("Bearer sekret-token");
    expect(seen.headers?.["content-type"]).toBe("application/merge-patch+json");
    expect(seen.headers?.["accept"]).toBe("application/json");
    expect(seen.headers?.["user-agent"]).toBe("hush-test");
    expect(JSON.parse(seen.body!)).toEqual({ metadata: { finalizers: null } });
  });

  it("turns an error response into the ClusterError of its Status", async () => {
    const http = await serve((_request, _body, response) => {
      response.statusCode = 409;
      response.end(statusBody(409, "Conflict", "the object has been modified"));
    });
    await expect(http.request({ method: "PUT", path: "/x", body: {} })).rejects.toMatchObject({
      kind: "Conflict",
      code: 409,
      message: "the object has been modified",
    });
  });

  it("gives up on a server that does not answer within the time limit, as Unavailable", async () => {
    const http = await serve(() => undefined, { requestTimeoutMs: 100 });
    const error = (await http
      .request({ method: "GET", path: "/api/v1/namespaces/a/configmaps/x" })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ kind: "Unavailable" });
    expect(error.message).toBe(
      "the Kubernetes API server did not answer GET /api/v1/namespaces/a/configmaps/x within 0.1 s; it may be overloaded or restarting",
    );
  });

  it("calls an answer that is not JSON an error without quoting it", async () => {
    const http = await serve((_request, _body, response) => response.end("<html>sekret</html>"));
    const error = (await http.request({ method: "GET", path: "/x" }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ kind: "Other", code: 200 });
    expect(error.message).not.toContain("sekret");
  });

  it("makes a refused connection Unavailable", async () => {
    const http = await serve(() => undefined);
    server!.close();
    await once(server!, "close");
    await expect(http.request({ method: "GET", path: "/x" })).rejects.toMatchObject({ kind: "Unavailable" });
  });
});

describe("KubeTransport.stream", () => {
  it("parses newline-delimited JSON split anywhere across chunks, in order, until the server ends", async () => {
    const lines = [
      { type: "ADDED", object: { metadata: { name: "a", resourceVersion: "1" } } },
      { type: "MODIFIED", object: { metadata: { name: "é€😀", resourceVersion: "2" } } },
      { type: "BOOKMARK", object: { metadata: { resourceVersion: "3" } } },
    ];
    const bytes = Buffer.from(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n\n`, "utf8");
    let url = "";
    const http = await serve(async (request, _body, response) => {
      url = request.url!;
      response.writeHead(200, { "Content-Type": "application/json" });
      // Seven-byte chunks cut lines, and multi-byte characters, in the middle.
      for (let offset = 0; offset < bytes.length; offset += 7) {
        response.write(bytes.subarray(offset, offset + 7));
        await new Promise((resolve) => setImmediate(resolve));
      }
      response.end();
    });
    const received: unknown[] = [];
    await http.stream(
      "/api/v1/configmaps",
      { watch: true, allowWatchBookmarks: true, resourceVersion: "1", timeoutSeconds: 300 },
      (value) => received.push(value),
      new AbortController().signal,
    );
    expect(received).toEqual(lines);
    expect(url).toBe(
      "/api/v1/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=1&timeoutSeconds=300",
    );
  });

  it("gives up on a watch whose server does not even send headers within the request time limit", async () => {
    const http = await serve(() => undefined, { requestTimeoutMs: 100 });
    await expect(
      http.stream("/api/v1/configmaps", {}, () => undefined, new AbortController().signal),
    ).rejects.toMatchObject({
      kind: "Unavailable",
      message:
        "the Kubernetes API server did not answer the watch of /api/v1/configmaps within 0.1 s; it may be overloaded or restarting",
    });
  });

  it("lets a watch run longer than the request time limit once the server answered", async () => {
    const http = await serve(
      (_request, _body, response) => {
        response.writeHead(200);
        response.write("\n");
        setTimeout(() => response.end(`${JSON.stringify({ type: "BOOKMARK", object: {} })}\n`), 300);
      },
      { requestTimeoutMs: 100 },
    );
    const received: unknown[] = [];
    await http.stream("/w", {}, (value) => received.push(value), new AbortController().signal);
    expect(received).toEqual([{ type: "BOOKMARK", object: {} }]);
  });

  it("rejects with the Status of a watch the server refuses", async () => {
    const http = await serve((_request, _body, response) => {
      response.statusCode = 410;
      response.end(statusBody(410, "Expired", "too old resource version: 1 (50)"));
    });
    await expect(http.stream("/w", {}, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      kind: "Gone",
      message: "too old resource version: 1 (50)",
    });
  });

  it("rejects as Unavailable when the connection breaks in the middle of a watch", async () => {
    const http = await serve((_request, _body, response) => {
      response.writeHead(200);
      response.write(`${JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } })}\n`);
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const received: unknown[] = [];
    const error = await http
      .stream("/w", {}, (value) => received.push(value), new AbortController().signal)
      .catch((e) => e);
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({ kind: "Unavailable" });
  });

  it("rejects a line that is not JSON", async () => {
    const http = await serve((_request, _body, response) => {
      response.writeHead(200);
      response.end("not json\n");
    });
    await expect(http.stream("/w", {}, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      kind: "Other",
      message: "the Kubernetes API server sent a watch event that is not JSON",
    });
  });

  it("rejects with the abort reason when its signal aborts", async () => {
    const http = await serve((_request, _body, response) => {
      response.writeHead(200);
      response.write("\n");
    });
    const controller = new AbortController();
    const streaming = http.stream("/w", {}, () => undefined, controller.signal);
    setTimeout(() => controller.abort(new Error("stopping")), 20);
    await expect(streaming).rejects.toThrow("stopping");
  });
});
