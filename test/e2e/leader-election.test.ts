// Leader election against a real kube-apiserver, with the default timings (lease 15 s, renew
// deadline 10 s, retry 2 s): what the unit tests check on the fake (one leader; a failover only
// after the old leader stopped; release hands over) checked on the real Lease API. No test asserts
// how fast anything happened; the order of what the replicas were told is the contract.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClusterApi, ClusterError, type LeaseObject } from "../../src/controller/cluster.js";
import { createClusterApi, type KubeClusterApi } from "../../src/controller/k8s-client.js";
import { loadKubeConfig } from "../../src/controller/k8s-config.js";
import { createLeaderElector, type LeaderElector } from "../../src/controller/leader-election.js";
import { clusterKubeconfig, deleteNamespace, freshNamespace } from "../support/cluster.js";
import { waitFor } from "./support/wait.js";

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

let kubeconfig: string;
let api: KubeClusterApi;
let namespace: string;
const electors: LeaderElector[] = [];

beforeAll(async () => {
  kubeconfig = clusterKubeconfig();
  namespace = await freshNamespace(kubeconfig, "h5-lease");
  api = createClusterApi(loadKubeConfig(kubeconfig), {
    fieldManager: "hush-e2e",
    component: "hush.dev/operator",
    instance: "e2e-leader-election",
  });
});

afterAll(async () => {
  await Promise.all(electors.map((elector) => elector.stop({ release: false })));
  api?.close();
  if (namespace) await deleteNamespace(kubeconfig, namespace);
});

/** The API behind a switch that cuts this replica off from the server, as a network partition does. */
function partitionable(inner: ClusterApi): { api: ClusterApi; cut(): void } {
  let cut = false;
  const wrapped = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        cut
          ? Promise.reject(new ClusterError("Unavailable", undefined, "cut off by the test (a partition)"))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return { api: wrapped, cut: () => (cut = true) };
}

function replica(identity: string, lease: string, log: string[], through: ClusterApi = api) {
  const elector = createLeaderElector({
    api: through,
    lease: { namespace, name: lease },
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    onStartedLeading: () => log.push(`${identity} started leading`),
    onStoppedLeading: (reason) => log.push(`${identity} stopped leading: ${reason}`),
    onNewLeader: (leader) => log.push(`${identity} sees ${leader} lead`),
  });
  electors.push(elector);
  const ended = elector.run();
  return { elector, ended };
}

const leaseNamed = (name: string) => api.get<LeaseObject>("Lease", { namespace, name });

describe("leader election on a real API server", () => {
  it("fails over to the standby only after the cut-off leader gave up leading", async () => {
    const log: string[] = [];
    const cutOff = partitionable(api);
    const a = replica("pod-a", "failover", log, cutOff.api);
    await waitFor("pod-a to lead", () => (a.elector.leading ? true : undefined));
    const b = replica("pod-b", "failover", log);
    await waitFor("pod-b to see pod-a lead", () => (b.elector.leader === "pod-a" ? true : undefined));

    const held = await leaseNamed("failover");
    expect(held?.spec).toMatchObject({
      holderIdentity: "pod-a",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(held?.spec.renewTime).toMatch(MICRO_TIME);

    cutOff.cut();
    expect(await a.ended).toBe("lost");
    await waitFor("pod-b to take over", () => (b.elector.leading ? true : undefined));
    expect(log).toEqual([
      "pod-a sees pod-a lead",
      "pod-a started leading",
      "pod-b sees pod-a lead",
      "pod-a stopped leading: lost",
      "pod-b sees pod-b lead",
      "pod-b started leading",
    ]);
    const taken = await leaseNamed("failover");
    expect(taken?.spec).toMatchObject({ holderIdentity: "pod-b", leaseTransitions: 1 });
    await b.elector.stop();
  });

  it("hands over on release without waiting out the lease", async () => {
    const log: string[] = [];
    const a = replica("pod-a", "release", log);
    await waitFor("pod-a to lead", () => (a.elector.leading ? true : undefined));
    const b = replica("pod-b", "release", log);
    await waitFor("pod-b to see pod-a lead", () => (b.elector.leader === "pod-a" ? true : undefined));

    await a.elector.stop();
    expect(await a.ended).toBe("released");
    await waitFor("pod-b to take over", () => (b.elector.leading ? true : undefined));
    expect(log).toEqual([
      "pod-a sees pod-a lead",
      "pod-a started leading",
      "pod-b sees pod-a lead",
      "pod-a stopped leading: released",
      "pod-b sees pod-b lead",
      "pod-b started leading",
    ]);
    await b.elector.stop();
    const released = await leaseNamed("release");
    expect(released?.spec.holderIdentity).toBeUndefined();
    expect(released?.spec.leaseDurationSeconds).toBe(1);
  });

  it("lets exactly one of several replicas that start together lead", async () => {
    const log: string[] = [];
    const suffix = randomBytes(2).toString("hex");
    const replicas = ["pod-a", "pod-b", "pod-c"].map((id) => replica(`${id}-${suffix}`, "together", log));
    await waitFor("a leader", () => (replicas.some((r) => r.elector.leading) ? true : undefined));
    // Long enough for every standby to have tried a few times.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const leaders = replicas.filter((r) => r.elector.leading);
    expect(leaders).toHaveLength(1);
    expect(log.filter((line) => line.endsWith("started leading"))).toHaveLength(1);
    const lease = await leaseNamed("together");
    expect(replicas.map((r) => r.elector.leader)).toEqual(replicas.map(() => lease?.spec.holderIdentity));
    await Promise.all(replicas.map((r) => r.elector.stop()));
  });
});
