// The sweep state store against a real kube-apiserver: what the unit tests check on the fake
// (durable when it resolves, a second replica sees it all, a second writer is a Conflict, the
// size of a 100,000-item sweep) checked where the server does the counting and the refusing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigMapObject, KubeObject } from "../../src/controller/cluster.js";
import {
  CONFIG_MAP_LIMIT,
  clusterSweepState,
  configMapSize,
  deleteSweepState,
  SweepStateConflict,
  sweepStateName,
} from "../../src/controller/cluster-sweep-state.js";
import { createClusterApi, type KubeClusterApi } from "../../src/controller/k8s-client.js";
import { loadKubeConfig } from "../../src/controller/k8s-config.js";
import type { AuditRecord } from "../../src/sweep/evidence.js";
import { emptyTally, type SweepCheckpoint } from "../../src/sweep/sweep-state.js";
import { clusterKubeconfig, deleteNamespace, freshNamespace } from "../support/cluster.js";
import { sharedCluster } from "./support/clusters.js";

let kubeconfig: string;
let api: KubeClusterApi;
let namespace: string;

beforeAll(async () => {
  kubeconfig = clusterKubeconfig();
  await sharedCluster().prepare();
  namespace = await freshNamespace(kubeconfig, "h3-sweep-state");
  api = createClusterApi(loadKubeConfig(kubeconfig), {
    fieldManager: "hush-e2e",
    component: "hush.dev/operator",
    instance: "e2e-sweep-state",
  });
});

afterAll(async () => {
  api?.close();
  if (namespace) await deleteNamespace(kubeconfig, namespace);
});

/** A real policy, so that the ConfigMap's owner exists (the garbage collector would remove it otherwise). */
async function policy(name: string): Promise<{ namespace: string; name: string; uid: string }> {
  const created = await api.create<KubeObject>({
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: { name, namespace },
    // DryRun, and an account that does not exist: an operator that happens to watch this
    // namespace changes nothing.
    spec: { accountRef: { name: "absent" }, target: "tickets", query: "type:ticket", mode: "DryRun" },
  });
  return { namespace, name, uid: created.metadata.uid ?? "" };
}

const checkpoint = (sweepId: string): SweepCheckpoint => ({
  sweepId,
  startTime: "2026-11-23T10:00:00.000Z",
  policy: { generation: 1, uid: "u1" },
  planKey: "plan",
  released: 100_000,
  reported: emptyTally(),
});

const owed: AuditRecord = {
  time: "2026-11-23T10:00:05.000Z",
  sweepId: "s1",
  account: "x/acme",
  policy: "x/retention",
  generation: 1,
  item: { kind: "ticket", id: 6000 },
  action: "Redact",
  changes: { RedactComment: 1 },
  fieldsChanged: ["comments"],
  detectorCounts: {},
  residual: 0,
};

describe("sweep state in a ConfigMap on a real API server", () => {
  it("gives a second replica everything the first one's writes resolved", async () => {
    const owner = await policy("retention");
    const first = await clusterSweepState(api, owner);
    await first.begin(checkpoint("s1"));
    await first.replaceJournal.set(77, { importSentAt: 1000 });
    // Four workers, as a sweep with concurrency 4 journals: taken, then done, item after item.
    await Promise.all(
      [0, 1, 2, 3].map(async (worker) => {
        for (let i = 1; i <= 25; i++) {
          const id = worker * 1000 + i;
          await first.markTaken([id]);
          await first.markDone({ id, result: "acted", residual: 0 });
        }
      }),
    );
    await first.markTaken([5000]);
    await first.owe(owed);
    // The replica dies here, without closing anything.

    const second = await clusterSweepState(api, owner);
    const loaded = await second.load();
    expect(loaded?.checkpoint).toEqual(checkpoint("s1"));
    expect(loaded?.done.size).toBe(100);
    expect(loaded?.inFlight).toEqual([5000]);
    expect(loaded?.owed).toEqual([owed]);
    expect(await second.replaceJournal.get(77)).toEqual({ importSentAt: 1000 });

    const map = await api.get<ConfigMapObject>("ConfigMap", { namespace, name: "hush-sweep-retention" });
    expect(map?.metadata.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "hush",
      "hush.dev/policy": "retention",
    });
    expect(map?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "RedactionPolicy", name: "retention", uid: owner.uid }),
    ]);

    await second.finish();
    const after = await clusterSweepState(api, owner);
    expect(await after.load()).toBeUndefined();
    expect(await after.replaceJournal.get(77)).toEqual({ importSentAt: 1000 });
  });

  it("stops the replica that lost the policy with a Conflict, leaving the leader's state alone", async () => {
    const owner = await policy("taken-over");
    const old = await clusterSweepState(api, owner);
    await old.begin(checkpoint("s1"));
    await old.markDone({ id: 1, result: "acted", residual: 0 });
    const leader = await clusterSweepState(api, owner);
    await leader.load();
    await leader.markDone({ id: 2, result: "acted", residual: 0 });

    await expect(old.markDone({ id: 3, result: "acted", residual: 0 })).rejects.toBeInstanceOf(
      SweepStateConflict,
    );
    const loaded = await (await clusterSweepState(api, owner)).load();
    expect([...(loaded?.done ?? [])]).toEqual([1, 2]);
  });

  it("holds a sweep of 100,000 items within the server's 1 MiB", async () => {
    const owner = await policy("large");
    const state = await clusterSweepState(api, owner);
    await state.begin(checkpoint("s1"));
    let id = 48_000_000;
    const ids: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      id += 1 + ((i * 7919) % 23);
      ids.push(id);
    }
    for (let start = 0; start < ids.length; start += 25_000) {
      const chunk = ids.slice(start, start + 25_000);
      const writes: Promise<void>[] = [];
      for (let i = 0; i < chunk.length; i += 4) writes.push(state.markTaken(chunk.slice(i, i + 4)));
      chunk.forEach((n, i) => {
        const failed = i % 97 === 0;
        writes.push(
          state.markDone(
            failed
              ? { id: n, result: "failed", residual: null, failureKind: "RateLimited" }
              : { id: n, result: i % 10 === 0 ? "skipped" : "acted", residual: 0 },
          ),
        );
      });
      await Promise.all(writes);
    }
    const map = await api.get<ConfigMapObject>("ConfigMap", { namespace, name: sweepStateName("large") });
    expect(configMapSize(map as ConfigMapObject)).toBeLessThan(CONFIG_MAP_LIMIT);
    const loaded = await (await clusterSweepState(api, owner)).load();
    expect(loaded?.done.size).toBe(100_000);
  });

  it("is removed with deleteSweepState", async () => {
    const owner = await policy("removed");
    await (await clusterSweepState(api, owner)).begin(checkpoint("s1"));
    await deleteSweepState(api, owner);
    expect(await api.get("ConfigMap", { namespace, name: sweepStateName("removed") })).toBeUndefined();
    await deleteSweepState(api, owner);
  });
});
