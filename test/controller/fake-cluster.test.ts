import { describe, expect, it } from "vitest";
import {
  ClusterError,
  type ConfigMapObject,
  type EventInput,
  type KubeObject,
  type WatchEventType,
} from "../../src/controller/cluster.js";
import { applyMergePatch, createFakeCluster } from "./fake-cluster.js";

// The fake API server the operator's unit tests run against: it must behave as kube-apiserver
// does where the operator depends on it, or those tests prove nothing.

const ns = "privacy";
const policy = (name = "retention", spec: Record<string, unknown> = { schedule: "@daily" }): KubeObject => ({
  apiVersion: "hush.dev/v1alpha1",
  kind: "RedactionPolicy",
  metadata: { name, namespace: ns },
  spec,
});
const configMap = (
  name: string,
  data: Record<string, string> = { a: "1" },
  namespace = ns,
): ConfigMapObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data,
});
const key = (name = "retention") => ({ namespace: ns, name });
const rejection = async (promise: Promise<unknown>): Promise<ClusterError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ClusterError)) throw new Error(`expected a ClusterError, got ${String(error)}`);
  return error;
};

describe("fake cluster: objects", () => {
  it("gives created objects a uid, a resourceVersion, and custom resources generation 1 without status", async () => {
    const api = createFakeCluster({ now: () => Date.parse("2026-11-23T10:00:00.250Z") });
    const created = await api.create({ ...policy(), status: { phase: "made up" } });
    expect(created.metadata).toMatchObject({
      name: "retention",
      namespace: ns,
      generation: 1,
      creationTimestamp: "2026-11-23T10:00:00Z",
    });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created["status"]).toBeUndefined();
    const map = await api.create(configMap("plain"));
    expect(map.metadata.generation).toBeUndefined();
    expect(Number(map.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
  });

  it("refuses a second object of the same name, and a create that carries a resourceVersion", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    expect((await rejection(api.create(policy()))).kind).toBe("AlreadyExists");
    const withVersion = configMap("x");
    withVersion.metadata.resourceVersion = "5";
    expect((await rejection(api.create(withVersion))).code).toBe(500);
  });

  it("refuses names that are not DNS subdomains, and ConfigMaps over 1 MiB (binaryData counted decoded)", async () => {
    const api = createFakeCluster();
    expect((await rejection(api.create(configMap("Upper")))).kind).toBe("Invalid");
    expect((await rejection(api.create(configMap("x".repeat(254))))).kind).toBe("Invalid");
    const big = Buffer.alloc(1024 * 1024 - 10).toString("base64");
    await api.create({ ...configMap("fits", {}), binaryData: { blob: big } });
    const error = await rejection(
      api.create({ ...configMap("too-big", { more: "x".repeat(20) }), binaryData: { blob: big } }),
    );
    expect(error.kind).toBe("Invalid");
    expect(error.message).toContain("must have at most 1048576 bytes");
  });

  it("answers get with a copy, or undefined when there is nothing", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    const got = await api.get("RedactionPolicy", key());
    (got?.spec as Record<string, unknown>)["schedule"] = "changed";
    expect((await api.get("RedactionPolicy", key()))?.["spec"]).toEqual({ schedule: "@daily" });
    expect(await api.get("RedactionPolicy", key("absent"))).toBeUndefined();
  });
});

describe("fake cluster: replace", () => {
  it("refuses a stale resourceVersion with Conflict, and a custom resource without one", async () => {
    const api = createFakeCluster();
    const first = await api.create(policy());
    await api.replace({ ...first, spec: { schedule: "@hourly" } });
    const conflict = await rejection(api.replace({ ...first, spec: { schedule: "@weekly" } }));
    expect(conflict.kind).toBe("Conflict");
    expect(conflict.message).toContain("the object has been modified");
    const unversioned = { ...first, metadata: { ...first.metadata, resourceVersion: undefined } };
    expect((await rejection(api.replace(unversioned))).kind).toBe("Invalid");
  });

  it("writes a ConfigMap without a resourceVersion unconditionally", async () => {
    const api = createFakeCluster();
    await api.create(configMap("cm"));
    const replaced = await api.replace(configMap("cm", { a: "2" }));
    expect(replaced.data).toEqual({ a: "2" });
  });

  it("counts a generation for a spec change only, and keeps status", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy());
    const withStatus = await api.replaceStatus({ ...created, status: { observedGeneration: 1 } });
    const relabelled = await api.replace({
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { team: "privacy" } },
      status: { observedGeneration: 99 },
    });
    expect(relabelled.metadata.generation).toBe(1);
    expect(relabelled["status"]).toEqual({ observedGeneration: 1 });
    const respecced = await api.replace({ ...relabelled, spec: { schedule: "@hourly" } });
    expect(respecced.metadata.generation).toBe(2);
    expect(respecced.metadata.labels).toEqual({ team: "privacy" });
  });

  it("keeps what the server owns (uid, creationTimestamp, generation)", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy());
    const replaced = await api.replace({
      ...created,
      metadata: {
        ...created.metadata,
        uid: undefined,
        generation: 42,
        creationTimestamp: "2000-01-01T00:00:00Z",
      },
    });
    expect(replaced.metadata.uid).toBe(created.metadata.uid);
    expect(replaced.metadata.generation).toBe(1);
    expect(replaced.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
  });

  it("does not write when nothing changes: same resourceVersion, no event, not counted", async () => {
    const api = createFakeCluster();
    const created = await api.create(configMap("cm"));
    const seen: WatchEventType[] = [];
    const informer = api.informer("ConfigMap");
    informer.onChange((type) => seen.push(type));
    await informer.start();
    const again = await api.replace(created);
    expect(again.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(api.writes).toMatchObject({ create: 1, replace: 0, total: 1 });
    expect(seen).toEqual(["add"]);
  });

  it("answers NotFound for an object that does not exist", async () => {
    const api = createFakeCluster();
    expect((await rejection(api.replace(configMap("gone")))).kind).toBe("NotFound");
  });
});

describe("fake cluster: the status subresource", () => {
  it("changes status and nothing else, with optimistic concurrency", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy());
    const written = await api.replaceStatus({
      ...created,
      spec: { schedule: "sneaked in" },
      metadata: { ...created.metadata, labels: { sneaked: "in" } },
      status: { observedGeneration: 1 },
    });
    expect(written["spec"]).toEqual({ schedule: "@daily" });
    expect(written.metadata.labels).toBeUndefined();
    expect(written.metadata.generation).toBe(1);
    expect(written["status"]).toEqual({ observedGeneration: 1 });
    expect(Number(written.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    expect((await rejection(api.replaceStatus({ ...created, status: {} }))).kind).toBe("Conflict");
  });

  it("exists for the custom resources only", async () => {
    const api = createFakeCluster();
    const map = await api.create(configMap("cm"));
    expect((await rejection(api.replaceStatus({ ...map, status: {} }))).kind).toBe("NotFound");
  });
});

describe("fake cluster: merge patch", () => {
  it("follows RFC 7386: null removes, objects merge, lists are replaced whole", () => {
    expect(
      applyMergePatch({ a: "b", c: { d: "e", f: "g" }, l: [1, 2] }, { a: "z", c: { f: null }, l: [3] }),
    ).toEqual({ a: "z", c: { d: "e" }, l: [3] });
    // What JSON leaves out changes nothing.
    expect(applyMergePatch({ a: "b" }, { a: undefined })).toEqual({ a: "b" });
    // The RFC's own example.
    expect(
      applyMergePatch(
        {
          title: "Goodbye!",
          author: { givenName: "John", familyName: "Doe" },
          tags: ["example", "sample"],
          content: "x",
        },
        { title: "Hello!", phoneNumber: "+01-123-456-7890", author: { familyName: null }, tags: ["example"] },
      ),
    ).toEqual({
      title: "Hello!",
      author: { givenName: "John" },
      tags: ["example"],
      content: "x",
      phoneNumber: "+01-123-456-7890",
    });
  });

  it("patches an object, counting a generation for a spec change and leaving status alone", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy("retention", { schedule: "@daily", mode: "DryRun" }));
    await api.replaceStatus({ ...created, status: { observedGeneration: 1 } });
    const patched = await api.mergePatch("RedactionPolicy", key(), {
      metadata: { annotations: { "hush.dev/requested-at": "now" } },
      spec: { mode: null },
      status: { observedGeneration: 7 },
    });
    expect(patched["spec"]).toEqual({ schedule: "@daily" });
    expect(patched.metadata.annotations).toEqual({ "hush.dev/requested-at": "now" });
    expect(patched.metadata.generation).toBe(2);
    expect(patched["status"]).toEqual({ observedGeneration: 1 });
  });

  it("takes metadata.resourceVersion and uid in the patch as preconditions", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy());
    await api.mergePatch("RedactionPolicy", key(), { metadata: { labels: { a: "b" } } });
    const stale = { metadata: { resourceVersion: created.metadata.resourceVersion, labels: { a: "c" } } };
    expect((await rejection(api.mergePatch("RedactionPolicy", key(), stale))).kind).toBe("Conflict");
    expect(
      (await rejection(api.mergePatch("RedactionPolicy", key(), { metadata: { uid: "other" } }))).kind,
    ).toBe("Conflict");
    expect((await rejection(api.mergePatch("RedactionPolicy", key("absent"), {}))).kind).toBe("NotFound");
  });
});

describe("fake cluster: deletion and finalizers", () => {
  it("deletes an object without finalizers at once, and a missing one quietly", async () => {
    const api = createFakeCluster();
    await api.create(configMap("cm"));
    await api.delete("ConfigMap", key("cm"));
    expect(api.peek("ConfigMap", key("cm"))).toBeUndefined();
    await api.delete("ConfigMap", key("cm"));
  });

  it("marks an object with finalizers as deleting, and deletes it when the last finalizer goes", async () => {
    const api = createFakeCluster({ now: () => Date.parse("2026-11-23T10:00:00Z") });
    const created = await api.create({
      ...policy(),
      metadata: { ...policy().metadata, finalizers: ["hush.dev/sweep", "other.io/x"] },
    });
    await api.delete("RedactionPolicy", key());
    const deleting = api.peek("RedactionPolicy", key());
    expect(deleting?.metadata.deletionTimestamp).toBe("2026-11-23T10:00:00Z");
    expect(deleting?.metadata.generation).toBe(2);
    // A second delete changes nothing.
    await api.delete("RedactionPolicy", key());
    expect(api.peek("RedactionPolicy", key())?.metadata.resourceVersion).toBe(
      deleting?.metadata.resourceVersion,
    );

    const added = api.mergePatch("RedactionPolicy", key(), {
      metadata: { finalizers: ["hush.dev/sweep", "other.io/x", "new.io/y"] },
    });
    expect((await rejection(added)).message).toContain("no new finalizers can be added");
    await api.mergePatch("RedactionPolicy", key(), { metadata: { finalizers: ["other.io/x"] } });
    expect(api.peek("RedactionPolicy", key())).toBeDefined();
    const last = await api.mergePatch("RedactionPolicy", key(), { metadata: { finalizers: null } });
    expect(last.metadata.uid).toBe(created.metadata.uid);
    expect(api.peek("RedactionPolicy", key())).toBeUndefined();
  });

  it("collects dependents whose owners are all gone, when asked to", async () => {
    const api = createFakeCluster({ garbageCollection: true });
    const owner = await api.create(policy());
    const ref = {
      apiVersion: "hush.dev/v1alpha1",
      kind: "RedactionPolicy",
      name: "retention",
      uid: owner.metadata.uid ?? "",
    };
    await api.create({
      ...configMap("owned"),
      metadata: { name: "owned", namespace: ns, ownerReferences: [ref] },
    });
    await api.create(configMap("unowned"));
    await api.delete("RedactionPolicy", key());
    expect(api.objects("ConfigMap").map((o) => o.metadata.name)).toEqual(["unowned"]);
    // Off by default, as in envtest.
    const plain = createFakeCluster();
    const again = await plain.create(policy());
    await plain.create({
      ...configMap("owned"),
      metadata: {
        name: "owned",
        namespace: ns,
        ownerReferences: [{ ...ref, uid: again.metadata.uid ?? "" }],
      },
    });
    await plain.delete("RedactionPolicy", key());
    expect(plain.objects("ConfigMap")).toHaveLength(1);
  });
});

describe("fake cluster: failures", () => {
  it("fails the next call of a method (of a kind) with the error given, as often as asked", async () => {
    const api = createFakeCluster();
    await api.create(configMap("cm"));
    await api.create(policy());
    api.failNext("get", new ClusterError("Forbidden", 403, "no"), { kind: "ConfigMap", times: 2 });
    expect(await api.get("RedactionPolicy", key())).toBeDefined();
    expect((await rejection(api.get("ConfigMap", key("cm")))).kind).toBe("Forbidden");
    expect((await rejection(api.get("ConfigMap", key("cm")))).kind).toBe("Forbidden");
    expect(await api.get("ConfigMap", key("cm"))).toBeDefined();
    expect(api.requests.get).toBe(4);
  });

  it("can apply a write and lose its response, so the caller cannot tell", async () => {
    const api = createFakeCluster();
    const created = await api.create(configMap("cm"));
    api.failNext("replace", new ClusterError("Unavailable", 503, "timeout"), { afterWrite: true });
    const error = await rejection(api.replace({ ...created, data: { a: "2" } }));
    expect(error.kind).toBe("Unavailable");
    expect(api.peek<ConfigMapObject>("ConfigMap", key("cm"))?.data).toEqual({ a: "2" });
    expect((await rejection(api.replace({ ...created, data: { a: "3" } }))).kind).toBe("Conflict");
  });

  it("answers every call with Unavailable while switched off, and informers wait for it", async () => {
    const api = createFakeCluster();
    await api.create(configMap("cm"));
    api.setUnavailable(true);
    for (const call of [
      api.get("ConfigMap", key("cm")),
      api.create(configMap("other")),
      api.replace(configMap("cm")),
      api.mergePatch("ConfigMap", key("cm"), {}),
      api.delete("ConfigMap", key("cm")),
    ]) {
      const error = await rejection(call);
      expect([error.kind, error.code]).toEqual(["Unavailable", 503]);
    }
    const informer = api.informer("ConfigMap");
    const started = informer.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(informer.synced).toBe(false);
    api.setUnavailable(false);
    await started;
    expect(informer.list().map((o) => o.metadata.name)).toEqual(["cm"]);
  });
});

describe("fake cluster: informers", () => {
  it("lists, then delivers add, update and delete in order, and the cache follows", async () => {
    const api = createFakeCluster();
    await api.create(configMap("first"));
    const informer = api.informer<ConfigMapObject>("ConfigMap", { namespace: ns });
    const seen: string[] = [];
    informer.onChange((type, object) => seen.push(`${type} ${object.metadata.name} ${object.data?.["a"]}`));
    await informer.start();
    expect(informer.synced).toBe(true);
    await api.create(configMap("second"));
    await api.mergePatch("ConfigMap", key("second"), { data: { a: "2" } });
    expect(informer.get(key("second"))?.data).toEqual({ a: "2" });
    await api.delete("ConfigMap", key("first"));
    expect(informer.get(key("first"))).toBeUndefined();
    expect(seen).toEqual(["add first 1", "add second 1", "update second 2", "delete first 1"]);
  });

  it("delivers before the writer resumes by default, and on a later turn with delivery later", async () => {
    for (const delivery of ["sync", "microtask", "later"] as const) {
      const api = createFakeCluster({ delivery });
      const informer = api.informer("ConfigMap");
      await informer.start();
      const heard: string[] = [];
      informer.onChange((type, o) => heard.push(`${type} ${o.metadata.name}`));
      await api.create(configMap("cm"));
      const cachedOnResume = informer.get(key("cm")) !== undefined;
      expect([delivery, heard.length, cachedOnResume]).toEqual(
        delivery === "later" ? [delivery, 0, false] : [delivery, 1, true],
      );
      await api.settled();
      expect(heard).toEqual(["add cm"]);
      expect(informer.get(key("cm"))).toBeDefined();
    }
  });

  it("honours namespace, fieldSelector metadata.name and labelSelector, with leaving as delete", async () => {
    const api = createFakeCluster({ delivery: "sync" });
    const byName = api.informer("ConfigMap", { fieldSelector: "metadata.name=wanted" });
    const byLabel = api.informer("ConfigMap", { labelSelector: "app.kubernetes.io/managed-by=hush,!ignore" });
    const inOther = api.informer("ConfigMap", { namespace: "other" });
    const events: string[] = [];
    byLabel.onChange((type, o) => events.push(`${type} ${o.metadata.name}`));
    await Promise.all([byName.start(), byLabel.start(), inOther.start()]);
    await api.create(configMap("wanted"));
    await api.create(configMap("wanted", {}, "other"));
    await api.create({
      ...configMap("labelled"),
      metadata: { name: "labelled", namespace: ns, labels: { "app.kubernetes.io/managed-by": "hush" } },
    });
    expect(
      byName
        .list()
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
    ).toEqual(["other/wanted", "privacy/wanted"]);
    expect(inOther.list().map((o) => o.metadata.name)).toEqual(["wanted"]);
    await api.mergePatch("ConfigMap", key("labelled"), { metadata: { labels: { ignore: "yes" } } });
    await api.mergePatch("ConfigMap", key("labelled"), { metadata: { labels: { ignore: null } } });
    expect(events).toEqual(["add labelled", "delete labelled", "add labelled"]);
    expect(() => api.informer("ConfigMap", { fieldSelector: "spec.x=y" })).toThrow(
      "field label not supported",
    );
  });

  it("hands out frozen objects, so that a reconciler mutating the cache fails loudly", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    const informer = api.informer("RedactionPolicy");
    await informer.start();
    const cached = informer.get(key());
    expect(() => {
      (cached?.metadata as { name: string }).name = "x";
    }).toThrow(TypeError);
  });

  it("stops delivering after stop", async () => {
    const api = createFakeCluster();
    const informer = api.informer("ConfigMap");
    const seen: string[] = [];
    informer.onChange((_type, o) => seen.push(o.metadata.name));
    await informer.start();
    await api.create(configMap("before"));
    await informer.stop();
    await api.create(configMap("after"));
    expect(seen).toEqual(["before"]);
  });
});

describe("fake cluster: events and counts", () => {
  const event = (note: string): EventInput => ({
    regarding: { kind: "RedactionPolicy", namespace: ns, name: "retention" },
    type: "Normal",
    reason: "SweepStarted",
    action: "Sweep",
    note,
  });

  it("records Events and refuses a note over 1 kB", async () => {
    const api = createFakeCluster();
    await api.createEvent(event("Sweep s1 started: 12 tickets match."));
    expect((await rejection(api.createEvent(event("x".repeat(1025))))).kind).toBe("Invalid");
    expect(api.events.map((e) => e.note)).toEqual(["Sweep s1 started: 12 tickets match."]);
  });

  it("counts applied writes by method and logs them in order", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy());
    await api.replaceStatus({ ...created, status: { a: 1 } });
    await api.mergePatch("RedactionPolicy", key(), { metadata: { labels: { a: "b" } } });
    await rejection(api.replace(created));
    await api.delete("RedactionPolicy", key());
    expect(api.writes).toEqual({
      create: 1,
      replace: 0,
      mergePatch: 1,
      replaceStatus: 1,
      delete: 1,
      createEvent: 0,
      total: 4,
    });
    expect(api.requests.replace).toBe(1);
    expect(api.writeLog.map((w) => `${w.method} ${w.kind} ${w.key.name}`)).toEqual([
      "create RedactionPolicy retention",
      "replaceStatus RedactionPolicy retention",
      "mergePatch RedactionPolicy retention",
      "delete RedactionPolicy retention",
    ]);
    expect(new Set(api.writeLog.map((w) => w.resourceVersion)).size).toBe(4);
  });

  it("seeds objects with their status for set-up, without counting them", () => {
    const api = createFakeCluster();
    const [seeded] = api.seed({ ...policy(), status: { observedGeneration: 1 } });
    expect(seeded?.["status"]).toEqual({ observedGeneration: 1 });
    expect(api.writes.total).toBe(0);
  });
});
