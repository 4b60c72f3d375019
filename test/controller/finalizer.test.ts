import { describe, expect, it } from "vitest";
import { ClusterError, type KubeObject } from "../../src/controller/cluster.js";
import {
  addFinalizer,
  hasFinalizer,
  removeFinalizer,
  SWEEP_FINALIZER,
} from "../../src/controller/finalizer.js";
import { createFakeCluster } from "./fake-cluster.js";

// The finalizer holds a policy's deletion until its sweep is cancelled and its state removed.

const key = { namespace: "privacy", name: "retention" };
const policy = (finalizers?: string[]): KubeObject => ({
  apiVersion: "hush.dev/v1alpha1",
  kind: "RedactionPolicy",
  metadata: { ...key, ...(finalizers ? { finalizers } : {}) },
  spec: { schedule: "@daily" },
});

describe("the sweep finalizer", () => {
  it("is hush.dev/sweep", () => {
    expect(SWEEP_FINALIZER).toBe("hush.dev/sweep");
    expect(hasFinalizer(policy(["hush.dev/sweep"]))).toBe(true);
    expect(hasFinalizer(policy(["other.io/x"]))).toBe(false);
    expect(hasFinalizer(policy())).toBe(false);
  });

  it("is added next to other controllers' finalizers, once", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy(["other.io/x"]));
    const added = await addFinalizer(api, "RedactionPolicy", created);
    expect(added?.metadata.finalizers).toEqual(["other.io/x", SWEEP_FINALIZER]);
    const again = await addFinalizer(api, "RedactionPolicy", added as KubeObject);
    expect(again?.metadata.resourceVersion).toBe(added?.metadata.resourceVersion);
    expect(api.writes.mergePatch).toBe(1);
  });

  it("is not added over a change the caller has not seen: the Conflict reaches it", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy());
    // Another controller adds its finalizer in between; a blind write would drop it.
    await api.mergePatch("RedactionPolicy", key, { metadata: { finalizers: ["other.io/x"] } });
    const error = await addFinalizer(api, "RedactionPolicy", created).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).kind).toBe("Conflict");
    expect(api.peek("RedactionPolicy", key)?.metadata.finalizers).toEqual(["other.io/x"]);
  });

  it("is removed leaving the others, and lets a policy being deleted go when it was the last", async () => {
    const api = createFakeCluster();
    await api.create(policy([SWEEP_FINALIZER, "other.io/x"]));
    await api.delete("RedactionPolicy", key);
    const deleting = api.peek("RedactionPolicy", key) as KubeObject;
    const removed = await removeFinalizer(api, "RedactionPolicy", deleting);
    expect(removed?.metadata.finalizers).toEqual(["other.io/x"]);
    expect(api.peek("RedactionPolicy", key)).toBeDefined();

    const api2 = createFakeCluster();
    await api2.create(policy([SWEEP_FINALIZER]));
    await api2.delete("RedactionPolicy", key);
    await removeFinalizer(api2, "RedactionPolicy", api2.peek("RedactionPolicy", key) as KubeObject);
    expect(api2.peek("RedactionPolicy", key)).toBeUndefined();
  });

  it("is not removed over a change the caller has not seen", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy([SWEEP_FINALIZER]));
    await api.mergePatch("RedactionPolicy", key, { spec: { schedule: "@hourly" } });
    await expect(removeFinalizer(api, "RedactionPolicy", created)).rejects.toMatchObject({
      kind: "Conflict",
    });
    expect(hasFinalizer(api.peek("RedactionPolicy", key) as KubeObject)).toBe(true);
  });

  it("needs no write when absent, and none for an object that is gone", async () => {
    const api = createFakeCluster();
    const created = await api.create(policy());
    expect(await removeFinalizer(api, "RedactionPolicy", created)).toBe(created);
    await api.delete("RedactionPolicy", key);
    expect(await addFinalizer(api, "RedactionPolicy", created)).toBeUndefined();
    expect(
      await removeFinalizer(api, "RedactionPolicy", {
        ...created,
        metadata: { ...created.metadata, finalizers: [SWEEP_FINALIZER] },
      }),
    ).toBeUndefined();
    expect(api.writes.mergePatch).toBe(0);
  });
});
