import { afterEach, describe, expect, it } from "vitest";
import { type ClusterApi, type LeaseObject, microTime } from "../../src/controller/cluster.js";
import { createLeaderElector, type LeaderElector } from "../../src/controller/leader-election.js";
import type { Clock } from "../../src/zendesk/clock.js";
import { createFakeCluster, type FakeCluster } from "./fake-cluster.js";
import { ManualClock, settle } from "./manual-clock.js";

// Leader election on a Lease, on the fake API server and a clock the test moves: two replicas,
// one leads; the other takes over when the leader stops renewing (after the lease duration, as
// measured on its own clock), at once when the leader releases the Lease, and never while the
// leader still renews. The order of what each replica is told is the contract.

const LEASE = { namespace: "hush-system", name: "hush-operator" };
const SECOND = 1000;
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

interface Replica {
  elector: LeaderElector;
  ended: Promise<string>;
}

const running: LeaderElector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop({ release: false })));
});

function setup() {
  const clock = new ManualClock();
  const fake = createFakeCluster({ now: () => clock.now() });
  const log: string[] = [];
  const start = (identity: string, options: { api?: ClusterApi; clock?: Clock } = {}): Replica => {
    const elector = createLeaderElector({
      api: options.api ?? fake,
      lease: LEASE,
      identity,
      leaseDurationMs: 15 * SECOND,
      renewDeadlineMs: 10 * SECOND,
      retryPeriodMs: 2 * SECOND,
      clock: options.clock ?? clock,
      random: () => 0,
      onStartedLeading(signal) {
        log.push(`${identity} started leading`);
        signal.addEventListener("abort", () => log.push(`${identity} was told to stop its work`));
      },
      onStoppedLeading: (reason) => log.push(`${identity} stopped leading: ${reason}`),
      onNewLeader: (leader) => log.push(`${identity} sees ${leader} lead`),
    });
    running.push(elector);
    return { elector, ended: elector.run() };
  };
  const lease = () => fake.peek<LeaseObject>("Lease", LEASE);
  return { clock, fake, log, start, lease };
}

/** The fake API server behind a switch that makes every call hang, as a half-open connection does. */
function hangable(fake: FakeCluster): { api: ClusterApi; hang(on: boolean): void } {
  let hanging = false;
  const api = new Proxy(fake, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        hanging ? new Promise(() => undefined) : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return { api, hang: (on) => (hanging = on) };
}

/** The fake API server whose reads can be held back and answered later, as over a slow network. */
function slowReads(fake: FakeCluster): { api: ClusterApi; hold(on: boolean): void; answer(): void } {
  let holding = false;
  let waiting: (() => void)[] = [];
  const api = new Proxy(fake, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const call = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
      if (property !== "get") return call;
      return async (...args: unknown[]) => {
        if (holding) await new Promise<void>((resolve) => waiting.push(resolve));
        return call(...args);
      };
    },
  });
  return {
    api,
    hold: (on) => (holding = on),
    answer() {
      const woken = waiting;
      waiting = [];
      for (const wake of woken) wake();
    },
  };
}

describe("leader election", () => {
  it("creates the Lease when there is none, with microsecond times, and renews it", async () => {
    const { clock, log, start, lease } = setup();
    const a = start("pod-a");
    await settle();
    expect(a.elector.leading).toBe(true);
    expect(log).toEqual(["pod-a sees pod-a lead", "pod-a started leading"]);
    const created = lease()!;
    expect(created.spec).toEqual({
      holderIdentity: "pod-a",
      leaseDurationSeconds: 15,
      acquireTime: microTime(clock.now()),
      renewTime: microTime(clock.now()),
      leaseTransitions: 0,
    });
    expect(created.spec.renewTime).toMatch(MICRO_TIME);

    await clock.advance(2 * SECOND);
    const renewed = lease()!;
    expect(renewed.spec.renewTime).toBe(microTime(clock.now()));
    expect(renewed.spec.acquireTime).toBe(created.spec.acquireTime);
    expect(renewed.spec.leaseTransitions).toBe(0);
  });

  it("lets only one of two replicas lead, and the other never takes over while the leader renews", async () => {
    const { clock, log, start, lease } = setup();
    const a = start("pod-a");
    const b = start("pod-b");
    await settle();
    await clock.advance(120 * SECOND);
    expect([a.elector.leading, b.elector.leading]).toEqual([true, false]);
    expect(b.elector.leader).toBe("pod-a");
    expect(lease()!.spec.holderIdentity).toBe("pod-a");
    expect(log).toEqual(["pod-a sees pod-a lead", "pod-a started leading", "pod-b sees pod-a lead"]);
  });

  it("measures the lease on the standby's own clock, so a clock an hour ahead cannot steal it", async () => {
    const { clock, start, lease } = setup();
    const ahead: Clock = {
      now: () => clock.now() + 3600 * SECOND,
      sleep: (ms, signal) => clock.sleep(ms, signal),
    };
    const a = start("pod-a");
    await settle();
    const b = start("pod-b", { clock: ahead });
    await clock.advance(60 * SECOND);
    expect([a.elector.leading, b.elector.leading]).toEqual([true, false]);
    expect(lease()!.spec.holderIdentity).toBe("pod-a");
  });

  it("does not trust renewTime: a Lease renewed an hour ago by its clock is waited out for a full lease duration", async () => {
    const { clock, fake, start, lease } = setup();
    const hourAgo = microTime(clock.now() - 3600 * SECOND);
    fake.seed<LeaseObject>({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: LEASE,
      spec: { holderIdentity: "old-pod", leaseDurationSeconds: 15, renewTime: hourAgo, leaseTransitions: 3 },
    });
    const b = start("pod-b");
    await settle();
    await clock.advance(14 * SECOND);
    expect(b.elector.leading).toBe(false);
    await clock.advance(2 * SECOND);
    expect(b.elector.leading).toBe(true);
    expect(lease()!.spec).toMatchObject({ holderIdentity: "pod-b", leaseTransitions: 4 });
  });

  it("takes over a Lease that stopped changing once the lease duration has passed since the standby saw it change", async () => {
    const { clock, log, start, lease } = setup();
    const a = start("pod-a");
    const b = start("pod-b");
    await settle();
    await clock.advance(4 * SECOND);
    const lastRenewal = clock.now();
    // pod-a is gone without a word (a crash): its Lease stays as it was.
    await a.elector.stop({ release: false });
    expect(await a.ended).toBe("stopped");

    await clock.advance(14 * SECOND);
    expect(b.elector.leading).toBe(false);
    await clock.advance(2 * SECOND);
    expect(b.elector.leading).toBe(true);
    expect(clock.now() - lastRenewal).toBeGreaterThanOrEqual(15 * SECOND);
    const taken = lease()!;
    expect(taken.spec).toMatchObject({ holderIdentity: "pod-b", leaseTransitions: 1 });
    expect(taken.spec.acquireTime).toBe(microTime(clock.now()));
    expect(log).toEqual([
      "pod-a sees pod-a lead",
      "pod-a started leading",
      "pod-b sees pod-a lead",
      "pod-a was told to stop its work",
      "pod-a stopped leading: stopped",
      "pod-b sees pod-b lead",
      "pod-b started leading",
    ]);
  });

  it("hands over at once on release: the Lease names nobody and lasts 1 s", async () => {
    const { clock, log, start, lease } = setup();
    const a = start("pod-a");
    await settle();
    const b = start("pod-b");
    await settle();
    await a.elector.stop();
    expect(await a.ended).toBe("released");
    expect(lease()!.spec).toMatchObject({ leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(lease()!.spec.holderIdentity).toBeUndefined();

    await clock.advance(2 * SECOND); // pod-b's next try
    expect(b.elector.leading).toBe(true);
    expect(lease()!.spec).toMatchObject({
      holderIdentity: "pod-b",
      leaseDurationSeconds: 15,
      leaseTransitions: 1,
    });
    expect(log.slice(2)).toEqual([
      "pod-b sees pod-a lead",
      "pod-a was told to stop its work",
      "pod-a stopped leading: released",
      "pod-b sees pod-b lead",
      "pod-b started leading",
    ]);
  });

  it("stops leading when it cannot renew within the renew deadline, before a standby may take over", async () => {
    const { clock, fake, log, start } = setup();
    const a = start("pod-a");
    await settle();
    const b = start("pod-b");
    await settle();
    fake.setUnavailable(true);
    await clock.advance(8 * SECOND);
    expect(a.elector.leading).toBe(true);
    await clock.advance(2 * SECOND);
    expect(a.elector.leading).toBe(false);
    expect(await a.ended).toBe("lost");
    fake.setUnavailable(false);
    await clock.advance(10 * SECOND);
    expect(b.elector.leading).toBe(true);
    expect(log.slice(2)).toEqual([
      "pod-b sees pod-a lead",
      "pod-a was told to stop its work",
      "pod-a stopped leading: lost",
      "pod-b sees pod-b lead",
      "pod-b started leading",
    ]);
  });

  it("gives up at the renew deadline even when the API server never answers", async () => {
    const { clock, fake, log, start } = setup();
    const { api, hang } = hangable(fake);
    const a = start("pod-a", { api });
    await settle();
    hang(true);
    await clock.advance(10 * SECOND);
    expect(a.elector.leading).toBe(false);
    expect(await a.ended).toBe("lost");
    expect(log).toEqual([
      "pod-a sees pod-a lead",
      "pod-a started leading",
      "pod-a was told to stop its work",
      "pod-a stopped leading: lost",
    ]);
  });

  it("writes nothing for a renewal whose read answers only after the renew deadline", async () => {
    const { clock, fake, log, start } = setup();
    const slow = slowReads(fake);
    const a = start("pod-a", { api: slow.api });
    await settle();
    slow.hold(true);
    await clock.advance(10 * SECOND);
    expect(await a.ended).toBe("lost");
    const writes = fake.writeLog.filter((w) => w.kind === "Lease").length;

    // The reads come back now: a renewal here would keep a standby waiting for a leader that is gone.
    slow.hold(false);
    slow.answer();
    await settle();
    expect(fake.writeLog.filter((w) => w.kind === "Lease").length).toBe(writes);
    expect(log.slice(-1)).toEqual(["pod-a stopped leading: lost"]);
  });

  it("releases a Lease that still names it when stopped with release after it was lost", async () => {
    const { clock, fake, start, lease } = setup();
    const { api, hang } = hangable(fake);
    const a = start("pod-a", { api });
    await settle();
    hang(true);
    await clock.advance(10 * SECOND);
    expect(await a.ended).toBe("lost");
    expect(lease()!.spec.holderIdentity).toBe("pod-a");

    // The work stopped; the API server answers again: hand the Lease over rather than let it expire.
    hang(false);
    await a.elector.stop({ release: true });
    expect(lease()!.spec.holderIdentity).toBeUndefined();
    expect(lease()!.spec.leaseDurationSeconds).toBe(1);
  });

  it("stops leading at once when the Lease names another holder", async () => {
    const { fake, clock, log, start, lease } = setup();
    const a = start("pod-a");
    await settle();
    await fake.replace<LeaseObject>({ ...lease()!, spec: { ...lease()!.spec, holderIdentity: "intruder" } });
    await clock.advance(2 * SECOND);
    expect(await a.ended).toBe("lost");
    expect(log.slice(2)).toEqual([
      "pod-a sees intruder lead",
      "pod-a was told to stop its work",
      "pod-a stopped leading: lost",
    ]);
  });

  it("lets one of two replicas that find no Lease at the same moment win", async () => {
    const { clock, start, lease } = setup();
    const a = start("pod-a");
    const b = start("pod-b");
    await settle();
    await clock.advance(30 * SECOND);
    expect([a.elector.leading, b.elector.leading].filter(Boolean)).toHaveLength(1);
    expect(lease()!.spec.holderIdentity).toBe(a.elector.leading ? "pod-a" : "pod-b");
  });

  it("stops campaigning without touching a Lease it does not hold", async () => {
    const { log, start, lease } = setup();
    const a = start("pod-a");
    const b = start("pod-b");
    await settle();
    const before = lease()!;
    await b.elector.stop();
    expect(await b.ended).toBe("stopped");
    expect(lease()).toEqual(before);
    expect(a.elector.leading).toBe(true);
    expect(log).not.toContain("pod-b stopped leading: stopped");
  });
});
