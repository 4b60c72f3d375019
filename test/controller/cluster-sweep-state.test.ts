import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ClusterError, type ConfigMapObject, type KubeObject } from "../../src/controller/cluster.js";
import {
  CONFIG_MAP_LIMIT,
  clusterSweepState,
  configMapSize,
  deleteSweepState,
  SweepStateConflict,
  SweepStateUnwritable,
  sweepStateName,
} from "../../src/controller/cluster-sweep-state.js";
import type { AuditRecord } from "../../src/sweep/evidence.js";
import { fileSweepState } from "../../src/sweep/file-sweep-state.js";
import {
  type DoneItem,
  emptyTally,
  memorySweepState,
  type SweepCheckpoint,
  type SweepStateStore,
} from "../../src/sweep/sweep-state.js";
import type { Clock } from "../../src/zendesk/clock.js";
import { createFakeCluster, type FakeCluster } from "./fake-cluster.js";

// A policy's sweep state in a ConfigMap: what the replica that leads next finds, whatever
// happened to the one before (a crash, a lost lease, an API server restart).

const policy = { namespace: "privacy", name: "retention", uid: "3f1c8a52-0000-4000-8000-000000000001" };
const stateKey = { namespace: "privacy", name: "hush-sweep-retention" };

const checkpoint = (sweepId: string, generation = 1): SweepCheckpoint => ({
  sweepId,
  startTime: "2026-11-23T10:00:00.000Z",
  policy: { generation, uid: "u1" },
  planKey: "plan",
  released: 50,
  reported: emptyTally(),
});

const owed = (id = 9): AuditRecord => ({
  time: "2026-11-23T10:00:05.000Z",
  sweepId: "s1",
  account: "privacy/acme",
  policy: "privacy/retention",
  generation: 1,
  item: { kind: "ticket", id },
  action: "Redact",
  changes: { RedactComment: 1 },
  fieldsChanged: ["comments"],
  detectorCounts: {},
  residual: 0,
});

/** Virtual time: sleeps move it on at once, and are remembered. */
function virtualClock(): Clock & { sleeps: number[] } {
  let now = Date.parse("2026-11-23T10:00:00Z");
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
/** Time that jumps ahead at every pause, so retries run out their budget at once. */
function instantClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}
/** A process that stops at its first pause: its sleeps never end. */
function frozenClock(): Clock & { stopped: boolean } {
  const clock = {
    stopped: false,
    now: () => 0,
    sleep: () => {
      clock.stopped = true;
      return new Promise<void>(() => undefined);
    },
  };
  return clock;
}

const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );

const stored = (api: FakeCluster, key = stateKey) => api.peek<ConfigMapObject>("ConfigMap", key);
const done = (id: number, result: DoneItem["result"] = "acted"): DoneItem =>
  result === "failed"
    ? { id, result, residual: null, failureKind: "RateLimited" }
    : { id, result, residual: 0 };

// ---- the behaviour every SweepStateStore shares, run against the file store too ----

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface StoreKind {
  name: string;
  /** A place for state; `open` gives a store on it, as a new process would. */
  place(): Promise<(policyName?: string) => Promise<SweepStateStore>>;
}
const kinds: StoreKind[] = [
  {
    name: "file",
    place: async () => {
      const dir = await mkdtemp(join(tmpdir(), "hush-state-"));
      dirs.push(dir);
      return (name = "retention") => fileSweepState(dir, `privacy/${name}`);
    },
  },
  {
    name: "cluster",
    place: async () => {
      const api = createFakeCluster();
      return (name = "retention") => clusterSweepState(api, { ...policy, name });
    },
  },
];

describe.each(kinds)("$name sweep state (shared behaviour)", ({ place }) => {
  it("gives a new process the checkpoint, the items handled, those in flight and the records owed", async () => {
    const open = await place();
    const first = await open();
    await first.begin(checkpoint("s1"));
    await first.markTaken([1, 2]);
    await first.markDone(done(1));
    await first.markDone(done(2, "failed"));
    await first.markTaken([3]);
    await first.markTaken([9]);
    await first.owe(owed());
    // Many workers at once share writes; every item is there afterwards.
    await Promise.all(Array.from({ length: 40 }, (_, i) => first.markDone(done(100 + i, "skipped"))));
    // The process dies without closing anything.

    const loaded = await (await open()).load();
    expect(loaded?.checkpoint).toEqual(checkpoint("s1"));
    expect(loaded?.done.size).toBe(42);
    expect(loaded?.tally).toEqual({
      acted: 1,
      skipped: 40,
      failed: 1,
      residual: 0,
      failures: { RateLimited: 1 },
    });
    expect(loaded?.inFlight).toEqual([3]);
    expect(loaded?.owed).toEqual([owed()]);
  });

  it("forgets the last sweep when another begins, and everything but Replace entries when one finishes", async () => {
    const open = await place();
    const state = await open();
    await state.begin(checkpoint("s1"));
    await state.markDone(done(1));
    await state.replaceJournal.set(77, { importSentAt: 1000 });

    await state.begin(checkpoint("s2", 2));
    await state.markDone(done(5));
    const loaded = await (await open()).load();
    expect(loaded?.checkpoint.sweepId).toBe("s2");
    expect([...(loaded?.done ?? [])]).toEqual([5]);

    await state.finish();
    const later = await open();
    expect(await later.load()).toBeUndefined();
    // An import of unknown outcome must be seen by whichever sweep comes next.
    expect(await later.replaceJournal.get(77)).toEqual({ importSentAt: 1000 });
    await later.replaceJournal.set(77, { importSentAt: 1000, copyId: 78 });
    expect(await (await open()).replaceJournal.get(77)).toEqual({ importSentAt: 1000, copyId: 78 });
    await later.replaceJournal.delete(77);
    await later.replaceJournal.delete(77);
    expect(await (await open()).replaceJournal.get(77)).toBeUndefined();
    await later.close();
  });

  it("keeps policies apart", async () => {
    const open = await place();
    await (await open("a")).begin(checkpoint("s1"));
    expect(await (await open("b")).load()).toBeUndefined();
    expect((await (await open("a")).load())?.checkpoint.sweepId).toBe("s1");
  });

  it("refuses to journal items before a sweep is begun or loaded, and invalid ids", async () => {
    const open = await place();
    const state = await open();
    await expect(state.markDone(done(1))).rejects.toThrow("no sweep is running for this policy");
    await expect(state.begin(checkpoint("../x"))).rejects.toThrow(TypeError);
    await expect(state.replaceJournal.set(0, { importSentAt: 1 })).rejects.toThrow("invalid ticket id");
    await state.begin(checkpoint("s1"));
    await state.finish();
    await expect(state.markTaken([1])).rejects.toThrow("no sweep is running for this policy");
  });

  it("continues a loaded sweep's journal", async () => {
    const open = await place();
    const first = await open();
    await first.begin(checkpoint("s1"));
    await first.markDone(done(1));
    const second = await open();
    expect([...((await second.load())?.done ?? [])]).toEqual([1]);
    await second.markDone(done(2));
    await second.update({ ...checkpoint("s1"), released: 70 });
    const third = await (await open()).load();
    expect([...(third?.done ?? [])]).toEqual([1, 2]);
    expect(third?.checkpoint.released).toBe(70);
  });
});

// ---- the ConfigMap ----

describe("cluster sweep state: the ConfigMap", () => {
  it("is named, labelled and owned after its policy, with the checkpoint readable", async () => {
    const api = createFakeCluster();
    const state = await clusterSweepState(api, policy);
    await state.begin(checkpoint("s1"));
    const map = stored(api);
    expect(map?.metadata.labels).toEqual({
      "app.kubernetes.io/managed-by": "hush",
      "hush.dev/policy": "retention",
    });
    expect(map?.metadata.ownerReferences).toEqual([
      {
        apiVersion: "hush.dev/v1alpha1",
        kind: "RedactionPolicy",
        name: "retention",
        uid: policy.uid,
        controller: true,
        blockOwnerDeletion: false,
      },
    ]);
    expect(JSON.parse(map?.data?.["checkpoint.json"] ?? "")).toEqual(checkpoint("s1"));
  });

  it("leaves the owner out when the policy's uid is not known, and follows a recreated policy", async () => {
    const api = createFakeCluster();
    await (await clusterSweepState(api, { namespace: "privacy", name: "retention" })).begin(checkpoint("s1"));
    expect(stored(api)?.metadata.ownerReferences).toBeUndefined();
    const recreated = await clusterSweepState(api, { ...policy, uid: "new-uid" });
    await recreated.replaceJournal.set(5, { importSentAt: 1 });
    expect(stored(api)?.metadata.ownerReferences?.map((r) => r.uid)).toEqual(["new-uid"]);
  });

  it("keeps labels and annotations others put on it", async () => {
    const api = createFakeCluster();
    const state = await clusterSweepState(api, policy);
    await state.begin(checkpoint("s1"));
    await api.mergePatch("ConfigMap", stateKey, { metadata: { labels: { team: "privacy" } } });
    const next = await clusterSweepState(api, policy);
    await next.load();
    await next.markDone(done(1));
    expect(stored(api)?.metadata.labels?.["team"]).toBe("privacy");
  });

  it("shortens names too long for Kubernetes with a hash, keeping them valid and distinct", () => {
    expect(sweepStateName("retention")).toBe("hush-sweep-retention");
    const long = `${"a".repeat(240)}.b-c`;
    const name = sweepStateName(long);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    expect(sweepStateName(`${"a".repeat(240)}.b-d`)).not.toBe(name);
    expect(sweepStateName(long)).toBe(name);
  });

  it("works for a policy whose name is the longest Kubernetes allows", async () => {
    const api = createFakeCluster();
    const name = `${"p".repeat(120)}.${"q".repeat(132)}`;
    const state = await clusterSweepState(api, { ...policy, name });
    await state.begin(checkpoint("s1"));
    const [map] = api.objects<ConfigMapObject>("ConfigMap");
    expect(map?.metadata.name).toBe(sweepStateName(name));
    expect(map?.metadata.labels?.["hush.dev/policy"]?.length).toBeLessThanOrEqual(63);
    expect(map?.metadata.annotations?.["hush.dev/policy"]).toBe(name);
    expect((await (await clusterSweepState(api, { ...policy, name })).load())?.checkpoint.sweepId).toBe("s1");
  });

  it("holds a sweep of 100,000 items in less than 1 MiB", async () => {
    const api = createFakeCluster();
    const state = await clusterSweepState(api, policy);
    await state.begin(checkpoint("s1"));
    // Ticket ids as search returns them: rising, with gaps; results and residuals mixed.
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
        const result = i % 10 === 0 ? "skipped" : i % 97 === 0 ? "failed" : "acted";
        writes.push(state.markDone({ ...done(n, result), ...(i % 13 === 0 ? { residual: i % 5 } : {}) }));
      });
      await Promise.all(writes);
    }
    const size = configMapSize(stored(api) as ConfigMapObject);
    expect(size).toBeLessThan(CONFIG_MAP_LIMIT);
    const loaded = await (await clusterSweepState(api, policy)).load();
    expect(loaded?.done.size).toBe(100_000);
    expect(loaded?.inFlight).toEqual([]);
    console.info(`sweep state of 100,000 items: ${size} bytes`);
  });

  it("refuses, with a way out, a state that no longer fits in a ConfigMap", async () => {
    const api = createFakeCluster();
    const state = await clusterSweepState(api, policy);
    await state.begin(checkpoint("s1"));
    // Audit records owed are kept whole; random bytes do not compress.
    const huge = {
      ...owed(),
      changes: { noise: randomBytes(1_200_000).toString("base64") },
    } as unknown as AuditRecord;
    const error = await failure(state.owe(huge));
    expect(error).toBeInstanceOf(SweepStateUnwritable);
    expect((error as Error).message).toContain("spec.limits.maxItemsPerSweep");
  });

  it("refuses a ConfigMap of that name that Hush did not write", async () => {
    const api = createFakeCluster();
    await api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: stateKey, data: { mine: "yes" } });
    await expect(clusterSweepState(api, policy)).rejects.toThrow("was not written by Hush; rename or delete");
  });

  it("is removed with deleteSweepState, which is quiet when there is none", async () => {
    const api = createFakeCluster();
    await (await clusterSweepState(api, policy)).begin(checkpoint("s1"));
    await deleteSweepState(api, policy);
    expect(stored(api)).toBeUndefined();
    await deleteSweepState(api, policy);
  });
});

// ---- writes ----

describe("cluster sweep state: writes", () => {
  it("groups changes made while a write is in flight into the next write", async () => {
    const api = createFakeCluster();
    const state = await clusterSweepState(api, policy);
    await state.begin(checkpoint("s1"));
    const before = api.writes.total;
    await Promise.all(Array.from({ length: 200 }, (_, i) => state.markDone(done(i + 1))));
    expect(api.writes.total - before).toBeLessThanOrEqual(2);
  });

  it("resolves each change only once a write that holds it succeeded", async () => {
    const api = createFakeCluster();
    const state = await clusterSweepState(api, policy);
    await state.begin(checkpoint("s1"));
    const seenAtResolve = new Map<number, ConfigMapObject>();
    // Four workers, each journalling its items one after the other, as a sweep does.
    await Promise.all(
      [0, 1, 2, 3].map(async (worker) => {
        for (let i = 0; i < 25; i++) {
          const id = worker * 100 + i + 1;
          await state.markTaken([id]);
          await state.markDone(done(id));
          seenAtResolve.set(id, stored(api) as ConfigMapObject);
        }
      }),
    );
    for (const [id, map] of seenAtResolve) expect(journalIds(map)).toContain(id);
  });

  it("lets a second replica, after a crash, see every change that resolved", async () => {
    const api = createFakeCluster();
    const clock = frozenClock();
    const crashed = await clusterSweepState(api, policy, { clock });
    await crashed.begin(checkpoint("s1"));
    const resolved: number[] = [];
    const workers = [0, 1, 2, 3].map(async (worker) => {
      for (let i = 0; ; i++) {
        const id = worker * 1000 + i + 1;
        await crashed.markTaken([id]);
        await crashed.markDone(done(id));
        resolved.push(id);
        // The API server goes away for good (for this process) after a while.
        if (resolved.length >= 30) api.setUnavailable(true);
      }
    });
    void workers;
    // The process stops for good in the pause after its first failed write.
    while (!clock.stopped) await new Promise((r) => setImmediate(r));
    api.setUnavailable(false);
    expect(resolved.length).toBeGreaterThanOrEqual(30);

    const next = await clusterSweepState(api, policy);
    const loaded = await next.load();
    for (const id of resolved) expect(loaded?.done).toContain(id);
    expect(loaded?.checkpoint.sweepId).toBe("s1");
  });

  it("retries while the API server is unavailable, with growing pauses", async () => {
    const api = createFakeCluster();
    const clock = virtualClock();
    const state = await clusterSweepState(api, policy, { clock });
    await state.begin(checkpoint("s1"));
    api.failNext("replace", new ClusterError("Unavailable", 503, "the server is restarting"), { times: 3 });
    await state.markDone(done(1));
    expect(clock.sleeps).toEqual([250, 500, 1000]);
    expect(journalIds(stored(api) as ConfigMapObject)).toEqual([1]);
  });

  it("gives up after about a minute of outage, and writes nothing more until the state is read again", async () => {
    const api = createFakeCluster();
    const clock = virtualClock();
    const state = await clusterSweepState(api, policy, { clock });
    await state.begin(checkpoint("s1"));
    await state.markDone(done(1));
    api.setUnavailable(true);
    const started = clock.now();
    const error = await failure(state.markDone(done(2)));
    expect(error).toBeInstanceOf(SweepStateUnwritable);
    expect((error as Error).message).toContain("API server is unavailable");
    expect(clock.now() - started).toBeGreaterThan(50_000);
    expect(clock.now() - started).toBeLessThanOrEqual(60_000);
    api.setUnavailable(false);
    // The write that failed may or may not have happened: nothing is stacked on it blindly.
    expect(await failure(state.markDone(done(3)))).toBe(error);
    const loaded = await state.load();
    expect([...(loaded?.done ?? [])]).toEqual([1]);
    await state.markDone(done(3));
    expect([...((await (await clusterSweepState(api, policy)).load())?.done ?? [])]).toEqual([1, 3]);
  });

  it("reads its own write after a lost response, rather than taking it for another writer's", async () => {
    const api = createFakeCluster();
    const clock = virtualClock();
    const state = await clusterSweepState(api, policy, { clock });
    await state.begin(checkpoint("s1"));
    api.failNext("replace", new ClusterError("Unavailable", undefined, "connection reset"), {
      afterWrite: true,
    });
    await state.markDone(done(1));
    await state.markDone(done(2));
    expect(journalIds(stored(api) as ConfigMapObject)).toEqual([1, 2]);
    // The same for the first write, which creates the ConfigMap.
    const other = { ...policy, name: "other" };
    const fresh = await clusterSweepState(api, other, { clock });
    api.failNext("create", new ClusterError("Unavailable", undefined, "connection reset"), {
      afterWrite: true,
    });
    await fresh.begin(checkpoint("s9"));
    expect((await (await clusterSweepState(api, other)).load())?.checkpoint.sweepId).toBe("s9");
  });

  it("stops with a Conflict when another replica writes the same policy, never overwriting it", async () => {
    const api = createFakeCluster();
    const old = await clusterSweepState(api, policy);
    await old.begin(checkpoint("s1"));
    await old.markDone(done(1));
    // The other replica takes over (the lease moved) and goes on with the sweep.
    const leader = await clusterSweepState(api, policy);
    await leader.load();
    await leader.markDone(done(2));

    const error = await failure(old.markDone(done(3)));
    expect(error).toBeInstanceOf(SweepStateConflict);
    expect((error as Error).message).toContain("another operator replica is sweeping this policy");
    expect(await failure(old.finish())).toBe(error);
    expect(await failure(old.replaceJournal.set(4, { importSentAt: 1 }))).toBe(error);
    const loaded = await (await clusterSweepState(api, policy)).load();
    expect([...(loaded?.done ?? [])]).toEqual([1, 2]);
  });

  it("stops with a Conflict when two replicas start the same policy's first sweep", async () => {
    const api = createFakeCluster();
    const a = await clusterSweepState(api, policy);
    const b = await clusterSweepState(api, policy);
    await a.begin(checkpoint("s1"));
    expect(await failure(b.begin(checkpoint("s2")))).toBeInstanceOf(SweepStateConflict);
    expect((await (await clusterSweepState(api, policy)).load())?.checkpoint.sweepId).toBe("s1");
  });

  it("stops when its ConfigMap was deleted under it (the policy is being deleted)", async () => {
    const api = createFakeCluster();
    const state = await clusterSweepState(api, policy);
    await state.begin(checkpoint("s1"));
    await deleteSweepState(api, policy);
    const error = await failure(state.markDone(done(1)));
    expect(error).toBeInstanceOf(SweepStateConflict);
    expect((error as Error).message).toContain("was deleted by someone else");
    expect(stored(api)).toBeUndefined();
  });

  it("waits out a moment of 403s, as from an API server that has just restarted", async () => {
    const api = createFakeCluster();
    const forbidden = new ClusterError("Forbidden", 403, 'configmaps "hush-sweep-retention" is forbidden');
    api.failNext("get", forbidden, { times: 2 });
    const state = await clusterSweepState(api, policy, { clock: instantClock() });
    await state.begin(checkpoint("s1"));
    expect((await state.load())?.checkpoint.sweepId).toBe("s1");
  });

  it("names the problem when it may not read or write ConfigMaps", async () => {
    const api = createFakeCluster();
    api.failNext(
      "get",
      new ClusterError("Forbidden", 403, 'configmaps "hush-sweep-retention" is forbidden'),
      {
        times: 1000,
      },
    );
    await expect(clusterSweepState(api, policy, { clock: instantClock() })).rejects.toThrow(
      /could not be read \(ConfigMap privacy\/hush-sweep-retention\): Forbidden: configmaps .* is forbidden/,
    );
  });
});

// ---- compaction ----

describe("cluster sweep state: compaction", () => {
  type Op =
    | { op: "take"; ids: number[] }
    | { op: "done"; item: DoneItem }
    | { op: "owe"; id: number }
    | { op: "reload" };
  const id = fc.integer({ min: 1, max: 40 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant("take" as const), ids: fc.array(id, { minLength: 1, maxLength: 4 }) }),
    fc.record({
      op: fc.constant("done" as const),
      item: fc.oneof(
        fc.record({
          id,
          result: fc.constantFrom("acted" as const, "skipped" as const),
          residual: fc.constantFrom(0, 2, null),
        }),
        fc.record({
          id,
          result: fc.constant("failed" as const),
          residual: fc.constant(null),
          failureKind: fc.constantFrom("RateLimited", "NotFound"),
        }),
      ),
    }),
    fc.record({ op: fc.constant("owe" as const), id }),
    fc.record({ op: fc.constant("reload" as const) }),
  );

  it("reads the same from a compacted journal as from every line written", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 120 }), async (ops) => {
        const api = createFakeCluster();
        const reference = memorySweepState();
        let state = await clusterSweepState(api, policy, { compactAfterLines: 7 });
        await reference.begin(checkpoint("s1"));
        await state.begin(checkpoint("s1"));
        for (const step of ops) {
          if (step.op === "reload") {
            state = await clusterSweepState(api, policy, { compactAfterLines: 7 });
            await state.load();
            continue;
          }
          const apply = (store: SweepStateStore) =>
            step.op === "take"
              ? store.markTaken(step.ids)
              : step.op === "done"
                ? store.markDone(step.item)
                : store.owe(owed(step.id));
          await apply(reference);
          await apply(state);
        }
        const expected = await reference.load();
        const actual = await (await clusterSweepState(api, policy)).load();
        expect(actual?.tally).toEqual(expected?.tally);
        expect([...(actual?.done ?? [])]).toEqual([...(expected?.done ?? [])]);
        expect(actual?.inFlight).toEqual(expected?.inFlight);
        expect(actual?.owed).toEqual(expected?.owed);
      }),
      { numRuns: 150 },
    );
  });
});

/** The ids a ConfigMap's journal holds as handled. */
function journalIds(map: ConfigMapObject | KubeObject): number[] {
  const binary = (map as ConfigMapObject).binaryData ?? {};
  const text = ["journal.gz", "journal-recent.gz"]
    .map((key) => (binary[key] ? gunzipSync(Buffer.from(binary[key], "base64")).toString("utf8") : ""))
    .join("");
  return text
    .split("\n")
    .filter((line) => /^[asf] /.test(line))
    .map((line) => Number(line.split(" ")[1]));
}
