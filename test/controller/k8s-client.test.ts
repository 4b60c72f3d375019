import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { isNotFound, microTime } from "../../src/controller/cluster.js";
import { createClusterApi, type KubeClusterApi, truncateNote } from "../../src/controller/k8s-client.js";
import { NotServedError } from "../../src/controller/k8s-errors.js";

// The client's requests as a local HTTP server sees them; test/e2e/k8s-client.test.ts checks the
// same calls against a real kube-apiserver.

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

let server: Server | undefined;
let api: KubeClusterApi | undefined;
afterEach(() => {
  api?.close();
  server?.closeAllConnections();
  server?.close();
});

/** A server answering every request with `status` and `body`, recording what it received. */
async function serve(status: number, body: unknown): Promise<{ api: KubeClusterApi; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.on("end", () => {
      seen.push({
        method: request.method!,
        url: request.url!,
        contentType: request.headers["content-type"],
        body: text === "" ? undefined : JSON.parse(text),
      });
      response.statusCode = status;
      response.end(typeof body === "string" ? body : JSON.stringify(body));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "local", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "admin", token: "t" }],
    contexts: [{ name: "local", cluster: "local", user: "admin" }],
    currentContext: "local",
  });
  api = createClusterApi(config, {
    fieldManager: "hush-operator",
    component: "hush.dev/operator",
    instance: "pod-1",
  });
  return { api, seen };
}

const notFound = (name: string) => ({
  kind: "Status",
  status: "Failure",
  reason: "NotFound",
  code: 404,
  message: `configmaps "${name}" not found`,
  details: { name, kind: "configmaps" },
});

describe("microTime (Event and Lease times)", () => {
  it("writes six fractional digits, as metav1.MicroTime requires", () => {
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678) + 0.9)).toBe("2026-01-02T03:04:05.678900Z");
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 0))).toBe("2026-01-02T03:04:05.000000Z");
  });
});

describe("truncateNote", () => {
  it("keeps a note within 1 kB as it is", () => {
    const note = "x".repeat(1024);
    expect(truncateNote(note)).toBe(note);
  });

  it("cuts a longer note to at most 1024 bytes on a character boundary, ending in an ellipsis", () => {
    const note = "ø".repeat(700); // 1400 bytes
    const cut = truncateNote(note);
    expect(Buffer.byteLength(cut, "utf8")).toBeLessThanOrEqual(1024);
    expect(cut).toBe(`${"ø".repeat(510)}…`);
    const emoji = truncateNote("😀".repeat(300));
    expect(emoji.endsWith("😀…")).toBe(true);
    expect(Buffer.byteLength(emoji, "utf8")).toBeLessThanOrEqual(1024);
  });
});

describe("createClusterApi requests", () => {
  it("reads an object by its path and answers undefined when it does not exist", async () => {
    const { api, seen } = await serve(404, notFound("x"));
    expect(await api.get("ConfigMap", { namespace: "ns", name: "x" })).toBeUndefined();
    expect(seen[0]).toMatchObject({ method: "GET", url: "/api/v1/namespaces/ns/configmaps/x" });
  });

  it("throws, naming the CRDs, when the server does not serve a Hush kind", async () => {
    const { api } = await serve(404, "404 page not found");
    const error = await api.get("RedactionPolicy", { namespace: "ns", name: "p" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotServedError);
    expect(isNotFound(error)).toBe(true);
    expect((error as Error).message).toBe(
      "the Kubernetes API server does not serve RedactionPolicy (hush.dev/v1alpha1); install Hush's CustomResourceDefinitions with `kubectl apply -f crds/`",
    );
  });

  it("sends a merge patch as application/merge-patch+json with the field manager", async () => {
    const { api, seen } = await serve(200, { kind: "RedactionPolicy", metadata: { name: "p" } });
    await api.mergePatch(
      "RedactionPolicy",
      { namespace: "ns", name: "p" },
      { metadata: { finalizers: null } },
    );
    expect(seen[0]).toEqual({
      method: "PATCH",
      url: "/apis/hush.dev/v1alpha1/namespaces/ns/redactionpolicies/p?fieldManager=hush-operator",
      contentType: "application/merge-patch+json",
      body: { metadata: { finalizers: null } },
    });
  });

  it("writes status with a PUT of the status subresource", async () => {
    const { api, seen } = await serve(200, {});
    const account = {
      apiVersion: "hush.dev/v1alpha1",
      kind: "ZendeskAccount",
      metadata: { name: "a", namespace: "ns", resourceVersion: "7" },
      status: { observedGeneration: 1 },
    };
    await api.replaceStatus(account);
    expect(seen[0]).toMatchObject({
      method: "PUT",
      url: "/apis/hush.dev/v1alpha1/namespaces/ns/zendeskaccounts/a/status?fieldManager=hush-operator",
      contentType: "application/json",
      body: account,
    });
  });

  it("creates a Lease in its group's path and deletes quietly what is already gone", async () => {
    const { api, seen } = await serve(404, notFound("l"));
    await api.delete("Lease", { namespace: "hush-system", name: "l" });
    expect(seen[0]).toMatchObject({
      method: "DELETE",
      url: "/apis/coordination.k8s.io/v1/namespaces/hush-system/leases/l",
    });
  });

  it("refuses a kind it does not handle and an object without a namespace before sending anything", async () => {
    const { api, seen } = await serve(200, {});
    await expect(
      api.create({ apiVersion: "v1", kind: "Pod", metadata: { name: "x", namespace: "a" } }),
    ).rejects.toMatchObject({
      kind: "Invalid",
      message: expect.stringContaining("does not handle objects of kind Pod"),
    });
    await expect(
      api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
    ).rejects.toMatchObject({
      kind: "Invalid",
    });
    await expect(
      api.replaceStatus({ apiVersion: "v1", kind: "Secret", metadata: { name: "x", namespace: "a" } }),
    ).rejects.toMatchObject({ kind: "Invalid", message: "Secret has no status subresource; use replace" });
    expect(seen).toEqual([]);
  });

  it("records an events.k8s.io/v1 Event with the reporting controller and instance", async () => {
    const { api, seen } = await serve(201, {});
    await api.createEvent({
      regarding: { kind: "RedactionPolicy", namespace: "ns", name: "gdpr", uid: "u-1" },
      type: "Normal",
      reason: "SweepStarted",
      action: "Sweep",
      note: "Sweep s-1 started.",
    });
    expect(seen[0]?.url).toBe("/apis/events.k8s.io/v1/namespaces/ns/events?fieldManager=hush-operator");
    const body = seen[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { namespace: "ns" },
      reportingController: "hush.dev/operator",
      reportingInstance: "pod-1",
      type: "Normal",
      reason: "SweepStarted",
      action: "Sweep",
      note: "Sweep s-1 started.",
      regarding: {
        apiVersion: "hush.dev/v1alpha1",
        kind: "RedactionPolicy",
        namespace: "ns",
        name: "gdpr",
        uid: "u-1",
      },
    });
    expect((body["metadata"] as { name: string }).name).toMatch(/^gdpr\.[0-9a-f]{16}$/);
    expect(body["eventTime"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});
