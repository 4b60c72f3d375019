// ClusterApi and the informer against a real kube-apiserver: what the fake cluster of the unit
// tests assumes (conflicts, the status subresource, merge patch on custom resources, events,
// watches, 410) checked on the real thing.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConfigMapObject,
  type Informer,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeObject,
  type LeaseObject,
  type SecretObject,
} from "../../src/controller/cluster.js";
import {
  createClusterApi,
  type KubeClusterApi,
  kubeListWatchSource,
} from "../../src/controller/k8s-client.js";
import { loadKubeConfig } from "../../src/controller/k8s-config.js";
import { NotServedError } from "../../src/controller/k8s-errors.js";
import { createTransport, type KubeTransport } from "../../src/controller/k8s-http.js";
import {
  createInformer,
  type ListWatchSource,
  type RawWatchEvent,
} from "../../src/controller/k8s-informer.js";
import { clusterKubeconfig, deleteNamespace, freshNamespace, installCrds } from "../support/cluster.js";
import { waitFor } from "./support/wait.js";

const run = randomBytes(3).toString("hex");
const RUN_LABEL = "hush.dev/e2e-run";
let kubeconfig: string;
let api: KubeClusterApi;
let transport: KubeTransport;
let nsA: string;
let nsB: string;
const informers: Informer<KubeObject>[] = [];

beforeAll(async () => {
  kubeconfig = clusterKubeconfig();
  await installCrds(kubeconfig);
  nsA = await freshNamespace(kubeconfig, "h2-client-a");
  nsB = await freshNamespace(kubeconfig, "h2-client-b");
  const config = loadKubeConfig(kubeconfig);
  api = createClusterApi(config, {
    fieldManager: "hush-e2e",
    component: "hush.dev/operator",
    instance: `e2e-${run}`,
  });
  transport = createTransport(config);
});

afterAll(async () => {
  await Promise.all(informers.map((informer) => informer.stop()));
  api?.close();
  transport?.close();
  for (const ns of [nsA, nsB]) if (ns) await deleteNamespace(kubeconfig, ns);
});

function track<T extends KubeObject>(informer: Informer<T>): Informer<T> {
  informers.push(informer as unknown as Informer<KubeObject>);
  return informer;
}

const account = (namespace: string, name: string): KubeObject => ({
  apiVersion: "hush.dev/v1alpha1",
  kind: "ZendeskAccount",
  metadata: { name, namespace, labels: { [RUN_LABEL]: run } },
  spec: { subdomain: "acme", credentials: { secretRef: { name: "acme-zendesk" } } },
});

const policy = (namespace: string, name: string): KubeObject => ({
  apiVersion: "hush.dev/v1alpha1",
  kind: "RedactionPolicy",
  metadata: { name, namespace },
  spec: { accountRef: { name: "acme" }, query: "type:ticket tags:spam", schedule: { interval: "1h" } },
});

const configMap = (namespace: string, name: string, data: Record<string, string> = {}): ConfigMapObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, labels: { [RUN_LABEL]: run } },
  data,
});

describe("ClusterApi: CRUD of each kind", () => {
  const cases: [string, () => KubeObject, (object: KubeObject) => KubeObject][] = [
    ["ConfigMap", () => configMap(nsA, "crud-cm", { a: "1" }), (o) => ({ ...o, data: { a: "2" } })],
    [
      "Secret",
      () => ({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "crud-secret", namespace: nsA },
        data: { token: "YQ==" },
      }),
      (o) => ({ ...o, data: { token: "Yg==" } }),
    ],
    [
      "Lease",
      () => ({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: "crud-lease", namespace: nsA },
        spec: { holderIdentity: "a", leaseDurationSeconds: 15, renewTime: "2026-01-01T00:00:00.000000Z" },
      }),
      (o) => ({ ...o, spec: { ...(o as LeaseObject).spec, holderIdentity: "b" } }),
    ],
    [
      "ZendeskAccount",
      () => account(nsA, "crud-account"),
      (o) => ({ ...o, spec: { ...(o["spec"] as object), subdomain: "other" } }),
    ],
    [
      "RedactionPolicy",
      () => policy(nsA, "crud-policy"),
      (o) => ({ ...o, spec: { ...(o["spec"] as object), query: "type:ticket" } }),
    ],
  ];

  it.each(cases)("creates, reads, replaces, patches and deletes a %s", async (kind, make, change) => {
    const object = make();
    const key = { namespace: nsA, name: object.metadata.name };
    const created = await api.create(object);
    expect(created.metadata.uid).toBeTruthy();
    expect(created).toMatchObject({ apiVersion: object.apiVersion, kind });
    await expect(api.create(object)).rejects.toSatisfy(isAlreadyExists);

    const read = await api.get(kind as never, key);
    expect(read?.metadata.uid).toBe(created.metadata.uid);

    const { metadata: _metadata, ...changed } = change(read!);
    const replaced = await api.replace(change(read!));
    expect(replaced.metadata.resourceVersion).not.toBe(read!.metadata.resourceVersion);
    expect(replaced).toMatchObject(changed);

    const patched = await api.mergePatch(kind as never, key, {
      metadata: { annotations: { "hush.dev/note": "x" } },
    });
    expect(patched.metadata.annotations).toEqual({ "hush.dev/note": "x" });

    await api.delete(kind as never, key);
    expect(await api.get(kind as never, key)).toBeUndefined();
    await api.delete(kind as never, key);
  });

  it("names the fields the server refused for an invalid object", async () => {
    const bad = {
      ...account(nsA, "bad-account"),
      spec: { subdomain: "Not A Subdomain!", credentials: { secretRef: { name: "s" } } },
    };
    const error = await api.create(bad).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ClusterError", kind: "Invalid", code: 422 });
    expect((error as Error).message).toContain("spec.subdomain");
  });

  it("reports a missing object as undefined but a kind the server does not serve as an error", async () => {
    expect(await api.get("ConfigMap", { namespace: nsA, name: "never-created" })).toBeUndefined();
    expect(await api.get("ConfigMap", { namespace: `${nsA}-absent`, name: "x" })).toBeUndefined();
    // A path the server does not serve, as a kind whose CRD is not installed looks.
    const missing = await transport
      .request({ method: "GET", path: "/apis/nope.hush.dev/v1/things" })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(NotServedError);
    expect(isNotFound(missing)).toBe(true);
  });
});

describe("ClusterApi: optimistic concurrency", () => {
  it("refuses a replace with a stale resourceVersion with Conflict", async () => {
    const created = await api.create(configMap(nsA, "conflict-cm", { v: "1" }));
    await api.replace({ ...created, data: { v: "2" } });
    await expect(api.replace({ ...created, data: { v: "3" } })).rejects.toSatisfy(isConflict);
    const current = await api.get<ConfigMapObject>("ConfigMap", { namespace: nsA, name: "conflict-cm" });
    expect(current?.data).toEqual({ v: "2" });
  });

  it("refuses a status write with a stale resourceVersion with Conflict", async () => {
    const created = await api.create(account(nsA, "conflict-status"));
    await api.replaceStatus({ ...created, status: { observedGeneration: 1 } });
    const error = await api
      .replaceStatus({ ...created, status: { observedGeneration: 2 } })
      .catch((e: unknown) => e);
    expect(isConflict(error)).toBe(true);
    expect((error as Error).message).toContain("the object has been modified");
  });

  it("refuses a merge patch carrying a stale resourceVersion with Conflict", async () => {
    const created = await api.create(policy(nsA, "conflict-patch"));
    await api.mergePatch(
      "RedactionPolicy",
      { namespace: nsA, name: "conflict-patch" },
      { metadata: { labels: { a: "b" } } },
    );
    await expect(
      api.mergePatch(
        "RedactionPolicy",
        { namespace: nsA, name: "conflict-patch" },
        {
          metadata: { resourceVersion: created.metadata.resourceVersion, finalizers: ["hush.dev/sweep"] },
        },
      ),
    ).rejects.toSatisfy(isConflict);
  });
});

describe("ClusterApi: merge patch and the status subresource of custom resources", () => {
  it("adds and removes finalizers and annotations with a JSON merge patch", async () => {
    const created = await api.create(policy(nsA, "patch-policy"));
    const key = { namespace: nsA, name: "patch-policy" };
    const added = await api.mergePatch("RedactionPolicy", key, {
      metadata: {
        resourceVersion: created.metadata.resourceVersion,
        finalizers: ["hush.dev/sweep"],
        annotations: { "hush.dev/requested-at": "2026-01-01T00:00:00Z", keep: "yes" },
      },
    });
    expect(added.metadata.finalizers).toEqual(["hush.dev/sweep"]);
    expect(added.metadata.annotations).toEqual({
      "hush.dev/requested-at": "2026-01-01T00:00:00Z",
      keep: "yes",
    });
    expect(added.metadata.generation).toBe(created.metadata.generation);

    const removed = await api.mergePatch("RedactionPolicy", key, {
      metadata: { finalizers: null, annotations: { "hush.dev/requested-at": null } },
    });
    expect(removed.metadata.finalizers).toBeUndefined();
    expect(removed.metadata.annotations).toEqual({ keep: "yes" });
  });

  it("writes only status through the status subresource, without bumping generation", async () => {
    const created = await api.create(policy(nsA, "status-policy"));
    const written = await api.replaceStatus({
      ...created,
      spec: { ...(created["spec"] as object), query: "changed through status" },
      status: { observedGeneration: created.metadata.generation, nextSweepTime: "2026-01-01T01:00:00Z" },
    });
    expect(written["status"]).toMatchObject({
      observedGeneration: created.metadata.generation,
      nextSweepTime: "2026-01-01T01:00:00Z",
    });
    expect((written["spec"] as { query: string }).query).toBe("type:ticket tags:spam");
    expect(written.metadata.generation).toBe(created.metadata.generation);

    // And a write of the object itself leaves status alone while a spec change bumps generation.
    const replaced = await api.replace({
      ...written,
      spec: { ...(written["spec"] as object), query: "type:ticket" },
      status: { observedGeneration: 99 },
    });
    expect(replaced.metadata.generation).toBe((created.metadata.generation ?? 0) + 1);
    expect(replaced["status"]).toEqual(written["status"]);
  });

  it("refuses replaceStatus for a kind without a status subresource", async () => {
    await expect(api.replaceStatus(configMap(nsA, "no-status"))).rejects.toMatchObject({ kind: "Invalid" });
  });
});

describe("ClusterApi: what the fake cluster of the unit tests assumes", () => {
  it("keeps the resourceVersion when a write changes nothing", async () => {
    const created = await api.create(configMap(nsA, "noop-cm", { a: "1" }));
    const replaced = await api.replace(created);
    expect(replaced.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const patched = await api.mergePatch(
      "ConfigMap",
      { namespace: nsA, name: "noop-cm" },
      { data: { a: "1" } },
    );
    expect(patched.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  // A uid in a merge patch is no precondition on a real server: it is refused as immutable.
  it("drops status on create of a custom resource, refuses an update without resourceVersion and a patch of uid", async () => {
    const created = await api.create({ ...account(nsA, "fake-rules"), status: { observedGeneration: 7 } });
    expect(created["status"]).toBeUndefined();
    const { resourceVersion: _rv, ...metadata } = created.metadata;
    await expect(api.replace({ ...created, metadata })).rejects.toMatchObject({ kind: "Invalid" });
    await expect(
      api.mergePatch(
        "ZendeskAccount",
        { namespace: nsA, name: "fake-rules" },
        { metadata: { uid: "not-the-uid" } },
      ),
    ).rejects.toMatchObject({ kind: "Invalid", message: expect.stringContaining("metadata.uid") });
  });

  it("only marks an object with finalizers as deleting, bumping its generation, until the last finalizer goes", async () => {
    const created = await api.create({
      ...policy(nsA, "finalized"),
      metadata: { ...policy(nsA, "finalized").metadata, finalizers: ["hush.dev/sweep"] },
    });
    const key = { namespace: nsA, name: "finalized" };
    await api.delete("RedactionPolicy", key);
    const deleting = await api.get("RedactionPolicy", key);
    expect(deleting?.metadata.deletionTimestamp).toBeTruthy();
    expect(deleting?.metadata.generation).toBe((created.metadata.generation ?? 0) + 1);
    await expect(
      api.mergePatch("RedactionPolicy", key, { metadata: { finalizers: ["hush.dev/sweep", "other.dev/x"] } }),
    ).rejects.toMatchObject({ kind: "Invalid" });
    await api.mergePatch("RedactionPolicy", key, { metadata: { finalizers: null } });
    expect(await api.get("RedactionPolicy", key)).toBeUndefined();
  });

  it("refuses a ConfigMap over 1 MiB as Invalid", async () => {
    const big = configMap(nsA, "too-big", { blob: "x".repeat(1024 * 1024 + 1) });
    await expect(api.create(big)).rejects.toMatchObject({ kind: "Invalid" });
  });
});

describe("ClusterApi: events", () => {
  it("records an events.k8s.io/v1 Event about a Hush object, readable back", async () => {
    const target = await api.create(policy(nsA, "evented"));
    const note = `Swept ${"x".repeat(1500)}`;
    await api.createEvent({
      regarding: {
        kind: "RedactionPolicy",
        namespace: nsA,
        name: "evented",
        uid: target.metadata.uid!,
        resourceVersion: target.metadata.resourceVersion!,
      },
      type: "Warning",
      reason: "SweepFailed",
      action: "Sweep",
      note,
    });
    const events = await transport.request<{ items: Record<string, unknown>[] }>({
      method: "GET",
      path: `/apis/events.k8s.io/v1/namespaces/${nsA}/events`,
    });
    expect(events.items).toHaveLength(1);
    const event = events.items[0]!;
    expect(event).toMatchObject({
      reason: "SweepFailed",
      action: "Sweep",
      type: "Warning",
      reportingController: "hush.dev/operator",
      reportingInstance: `e2e-${run}`,
      regarding: {
        apiVersion: "hush.dev/v1alpha1",
        kind: "RedactionPolicy",
        namespace: nsA,
        name: "evented",
        uid: target.metadata.uid,
      },
    });
    expect((event["metadata"] as { name: string }).name).toMatch(/^evented\.[0-9a-f]{16}$/);
    expect(event["eventTime"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const stored = event["note"] as string;
    expect(Buffer.byteLength(stored, "utf8")).toBeLessThanOrEqual(1024);
    expect(stored.endsWith("…")).toBe(true);
    expect(note.startsWith(stored.slice(0, -1))).toBe(true);
  });
});

describe("informers on a real API server", () => {
  /** Records handler calls as "type name". */
  function recorder<T extends KubeObject>(informer: Informer<T>): string[] {
    const seen: string[] = [];
    informer.onChange((type, object) =>
      seen.push(`${type} ${object.metadata.namespace}/${object.metadata.name}`),
    );
    return seen;
  }

  it("sees add, update and delete across all namespaces", async () => {
    await api.create(configMap(nsA, "all-before"));
    const informer = track(
      api.informer<ConfigMapObject>("ConfigMap", { labelSelector: `${RUN_LABEL}=${run}` }),
    );
    const seen = recorder(informer);
    await informer.start();
    expect(informer.synced).toBe(true);
    expect(seen).toContain(`add ${nsA}/all-before`);

    const inB = await api.create(configMap(nsB, "all-b", { v: "1" }));
    await api.replace({ ...inB, data: { v: "2" } });
    await api.delete("ConfigMap", { namespace: nsB, name: "all-b" });
    await waitFor("the delete of all-b", () => (seen.includes(`delete ${nsB}/all-b`) ? true : undefined), {
      timeoutMs: 20_000,
      describe: () => seen.join(", "),
    });
    expect(seen.filter((s) => s.endsWith(`${nsB}/all-b`))).toEqual([
      `add ${nsB}/all-b`,
      `update ${nsB}/all-b`,
      `delete ${nsB}/all-b`,
    ]);
    expect(informer.get({ namespace: nsB, name: "all-b" })).toBeUndefined();
    expect(informer.get({ namespace: nsA, name: "all-before" })).toMatchObject({
      apiVersion: "v1",
      kind: "ConfigMap",
    });
  });

  it("sees only its namespace when given one, for custom resources too", async () => {
    const informer = track(api.informer("ZendeskAccount", { namespace: nsB }));
    const seen = recorder(informer);
    await informer.start();
    await api.create(account(nsA, "ns-other"));
    await api.create(account(nsB, "ns-mine"));
    await waitFor("the add of ns-mine", () => (seen.includes(`add ${nsB}/ns-mine`) ? true : undefined), {
      timeoutMs: 20_000,
    });
    expect(seen.every((s) => s.includes(`${nsB}/`))).toBe(true);
    expect(informer.get({ namespace: nsA, name: "ns-other" })).toBeUndefined();
    expect(informer.get({ namespace: nsB, name: "ns-mine" })).toMatchObject({ kind: "ZendeskAccount" });
  });

  it("watches one Secret by name with a field selector", async () => {
    const secret = (name: string): SecretObject => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: nsA },
      data: { token: "YQ==" },
    });
    await api.create(secret("watched"));
    await api.create(secret("ignored"));
    const informer = track(
      api.informer<SecretObject>("Secret", { namespace: nsA, fieldSelector: "metadata.name=watched" }),
    );
    const seen = recorder(informer);
    await informer.start();
    expect(informer.list().map((s) => s.metadata.name)).toEqual(["watched"]);
    await api.mergePatch("Secret", { namespace: nsA, name: "ignored" }, { data: { token: "Yg==" } });
    await api.mergePatch("Secret", { namespace: nsA, name: "watched" }, { data: { token: "Yw==" } });
    await waitFor("the update of the watched Secret", () =>
      informer.get({ namespace: nsA, name: "watched" })?.data?.["token"] === "Yw==" ? true : undefined,
    );
    expect(seen).toEqual([`add ${nsA}/watched`, `update ${nsA}/watched`]);
  });

  it("relists after the server answers a watch with 410 Gone and keeps watching", async () => {
    await api.create(account(nsA, "gone-kept"));
    await api.create(account(nsA, "gone-vanishing"));
    const real = kubeListWatchSource<KubeObject>(transport, "ZendeskAccount", { namespace: nsA });
    const watchedFrom: string[] = [];
    let lists = 0;
    let first = true;
    // The first watch starts from resourceVersion 1, older than anything the server keeps for
    // this kind (its watch cache began when the CRD was installed): the server answers 410.
    const source: ListWatchSource<KubeObject> = {
      list: (options) => {
        lists += 1;
        return real.list(options);
      },
      watch: (options, onEvent) => {
        const resourceVersion = first ? "1" : options.resourceVersion;
        first = false;
        watchedFrom.push(resourceVersion);
        return real.watch({ ...options, resourceVersion }, onEvent);
      },
    };
    const restarts: string[] = [];
    const informer = track(
      createInformer(source, {
        onRestart: (reason) => restarts.push(reason),
        defaults: { apiVersion: "hush.dev/v1alpha1", kind: "ZendeskAccount" },
      }),
    );
    const seen = recorder(informer);
    await informer.start();
    await waitFor("a relist after 410", () => (lists >= 2 ? true : undefined), { timeoutMs: 20_000 });
    expect(restarts[0]).toBe("Expired");
    expect(watchedFrom[0]).toBe("1");

    // Still watching, from the relist's resourceVersion.
    await api.delete("ZendeskAccount", { namespace: nsA, name: "gone-vanishing" });
    await api.create(account(nsA, "gone-new"));
    await waitFor("the informer to follow changes after the relist", () =>
      seen.includes(`add ${nsA}/gone-new`) && seen.includes(`delete ${nsA}/gone-vanishing`)
        ? true
        : undefined,
    );
    expect(Number(watchedFrom[1])).toBeGreaterThan(1);
    expect(informer.get({ namespace: nsA, name: "gone-kept" })).toBeDefined();
  });

  it("asks for bookmarks, follows them, and starts a new watch when the server ends one", async () => {
    const real = kubeListWatchSource<KubeObject>(transport, "ConfigMap", { namespace: nsB });
    const types: string[] = [];
    const source: ListWatchSource<KubeObject> = {
      list: (options) => real.list(options),
      watch: (options, onEvent) =>
        real.watch(options, (event: RawWatchEvent) => {
          types.push(event.type);
          onEvent(event);
        }),
    };
    const restarts: string[] = [];
    const informer = track(
      createInformer(source, {
        // Short watches so that the server ends one (and sends its bookmark 2 s before) in the test.
        watchTimeoutSeconds: { min: 6, max: 6 },
        onRestart: (reason) => restarts.push(reason),
      }),
    );
    await informer.start();
    // kube-apiserver 1.20 sends a bookmark 2 s before a watch's timeout, and only when the kind had
    // a change newer than where the watch started: keep changing an object until one came.
    await api.create(configMap(nsB, "bookmarked", { n: "0" }));
    let n = 0;
    const changes = setInterval(() => {
      n += 1;
      void api
        .mergePatch("ConfigMap", { namespace: nsB, name: "bookmarked" }, { data: { n: String(n) } })
        .catch(() => undefined);
    }, 1_000);
    try {
      await waitFor(
        "a bookmark and the end of a watch",
        () => (types.includes("BOOKMARK") && restarts.includes("Closed") ? true : undefined),
        { timeoutMs: 45_000, describe: () => `events ${types.join(",")}; restarts ${restarts.join(",")}` },
      );
    } finally {
      clearInterval(changes);
    }
    expect(restarts.every((r) => r === "Closed")).toBe(true);
    expect(informer.get({ namespace: nsB, name: "bookmarked" })).toBeDefined();
  });

  it("stops cleanly: no watch left open", async () => {
    const informer = api.informer("ConfigMap", { namespace: nsA });
    await informer.start();
    await informer.stop();
    expect(informer.synced).toBe(true);
    await expect(informer.start()).rejects.toThrow(/stopped/);
  });
});
