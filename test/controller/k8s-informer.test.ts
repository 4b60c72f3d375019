import { afterEach, describe, expect, it } from "vitest";
import { ClusterError, type KubeObject, type WatchEventType } from "../../src/controller/cluster.js";
import {
  createInformer,
  type InformerRuntimeOptions,
  type ListPage,
  type ListWatchInformer,
  type ListWatchSource,
  type RawWatchEvent,
} from "../../src/controller/k8s-informer.js";
import { ManualClock, settle } from "./manual-clock.js";

/** A watch the test drives: send events, end it as the server would, or break it. */
interface FakeWatch {
  resourceVersion: string;
  timeoutSeconds: number;
  openedAt: number;
  closed: boolean;
  send(type: string, object: unknown): void;
  end(): void;
  fail(error: Error): void;
}

/** The API server as the informer sees it: a store with resourceVersions, pages, and watches. */
class FakeSource implements ListWatchSource<KubeObject> {
  readonly objects = new Map<string, KubeObject>();
  revision = 100;
  readonly lists: { limit: number; continue?: string }[] = [];
  readonly watches: FakeWatch[] = [];
  /** Errors the next list calls throw, in order. */
  readonly listFailures: Error[] = [];
  /** Errors the next watch calls throw before opening, in order. */
  readonly watchFailures: Error[] = [];

  constructor(private readonly clock: ManualClock) {}

  put(name: string, fields: Record<string, unknown> = {}, namespace = "ns"): KubeObject {
    this.revision += 1;
    const object: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: String(this.revision) },
      ...fields,
    };
    this.objects.set(`${namespace}/${name}`, object);
    return structuredClone(object);
  }

  remove(name: string, namespace = "ns"): KubeObject {
    const object = this.objects.get(`${namespace}/${name}`)!;
    this.objects.delete(`${namespace}/${name}`);
    this.revision += 1;
    return {
      ...structuredClone(object),
      metadata: { ...object.metadata, resourceVersion: String(this.revision) },
    };
  }

  async list(options: {
    limit: number;
    continue?: string;
    signal: AbortSignal;
  }): Promise<ListPage<KubeObject>> {
    this.lists.push({ limit: options.limit, ...(options.continue ? { continue: options.continue } : {}) });
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    const all = [...this.objects.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const start = options.continue ? Number(options.continue) : 0;
    const end = start + options.limit;
    return {
      items: all.slice(start, end).map((o) => structuredClone(o)),
      resourceVersion: String(this.revision),
      ...(end < all.length ? { continue: String(end) } : {}),
    };
  }

  watch(
    options: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal },
    onEvent: (event: RawWatchEvent) => void,
  ): Promise<void> {
    const failure = this.watchFailures.shift();
    if (failure) return Promise.reject(failure);
    return new Promise<void>((resolve, reject) => {
      const watch: FakeWatch = {
        resourceVersion: options.resourceVersion,
        timeoutSeconds: options.timeoutSeconds,
        openedAt: this.clock.now(),
        closed: false,
        send: (type, object) => {
          if (!watch.closed) onEvent({ type, object });
        },
        end: () => {
          watch.closed = true;
          resolve();
        },
        fail: (error) => {
          watch.closed = true;
          reject(error);
        },
      };
      options.signal.addEventListener("abort", () => watch.fail(new Error("aborted")), { once: true });
      this.watches.push(watch);
    });
  }

  /** The watch open now. */
  get current(): FakeWatch {
    const open = this.watches.filter((w) => !w.closed);
    expect(open).toHaveLength(1);
    return open[0]!;
  }
}

const gone = () => new ClusterError("Gone", 410, "too old resource version: 5 (90)");
const status410 = {
  kind: "Status",
  apiVersion: "v1",
  status: "Failure",
  code: 410,
  reason: "Expired",
  message: "too old resource version: 5 (90)",
};

let informer: ListWatchInformer<KubeObject> | undefined;
afterEach(async () => {
  await informer?.stop();
  informer = undefined;
});

function setup(options: InformerRuntimeOptions & { pageSize?: number } = {}) {
  const clock = new ManualClock();
  const source = new FakeSource(clock);
  const events: string[] = [];
  const restarts: string[] = [];
  const errors: ClusterError[] = [];
  informer = createInformer(source, {
    clock,
    random: () => 0,
    onRestart: (reason) => restarts.push(reason),
    onError: (error) => errors.push(error),
    ...options,
  });
  informer.onChange((type: WatchEventType, object) =>
    events.push(`${type} ${object.metadata.name}@${object.metadata.resourceVersion}`),
  );
  return { clock, source, events, restarts, errors, informer };
}

describe("informer: list and watch", () => {
  it("lists in pages, caches every object, reports each as added and resolves start once synced", async () => {
    const { source, events, informer } = setup({ pageSize: 2 });
    for (const name of ["a", "b", "c", "d", "e"]) source.put(name);
    expect(informer.synced).toBe(false);
    await informer.start();
    expect(informer.synced).toBe(true);
    expect(source.lists).toEqual([{ limit: 2 }, { limit: 2, continue: "2" }, { limit: 2, continue: "4" }]);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(["a", "b", "c", "d", "e"]);
    expect(informer.get({ namespace: "ns", name: "c" })?.metadata.uid).toBe("uid-c");
    expect(informer.get({ namespace: "other", name: "c" })).toBeUndefined();
    expect(events).toEqual(["add a@101", "add b@102", "add c@103", "add d@104", "add e@105"]);
  });

  it("watches from the list's resourceVersion for a server timeout between 5 and 10 minutes", async () => {
    const low = setup({ random: () => 0 });
    low.source.put("a");
    await low.informer.start();
    await settle();
    expect(low.source.current.resourceVersion).toBe("101");
    expect(low.source.current.timeoutSeconds).toBe(300);
    await low.informer.stop();

    const high = setup({ random: () => 0.9999 });
    await high.informer.start();
    await settle();
    expect(high.source.current.timeoutSeconds).toBe(600);
  });

  it("applies watch events to the cache and tells handlers add, update and delete", async () => {
    const { source, events, informer } = setup();
    source.put("a");
    await informer.start();
    await settle();
    const watch = source.current;
    watch.send("ADDED", source.put("b"));
    watch.send("MODIFIED", source.put("a", { data: { x: "1" } }));
    watch.send("DELETED", source.remove("b"));
    expect(events).toEqual(["add a@101", "add b@102", "update a@103", "delete b@104"]);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(["a"]);
    expect(informer.get({ namespace: "ns", name: "a" })?.["data"]).toEqual({ x: "1" });
  });

  it("reports an object deleted and created again under the same name as an update with a new uid", async () => {
    const { source, events, informer } = setup();
    source.put("a");
    await informer.start();
    await settle();
    source.remove("a");
    const recreated = source.put("a");
    recreated.metadata.uid = "uid-a-2";
    // A watch that missed the DELETED (it happened across a reconnect) sees only the new object.
    source.current.send("ADDED", recreated);
    expect(events).toEqual(["add a@101", "update a@103"]);
    expect(informer.get({ namespace: "ns", name: "a" })?.metadata.uid).toBe("uid-a-2");
  });

  it("fills in apiVersion and kind, which list items of built-in kinds lack", async () => {
    const { source, informer } = setup({ defaults: { apiVersion: "v1", kind: "Secret" } });
    const object = source.put("a");
    source.objects.set("ns/a", { metadata: object.metadata } as KubeObject);
    await informer.start();
    expect(informer.get({ namespace: "ns", name: "a" })).toMatchObject({ apiVersion: "v1", kind: "Secret" });
  });

  it("keeps the resourceVersion of bookmarks and watches again from there when the server ends the watch", async () => {
    const { clock, source, restarts, informer } = setup();
    await informer.start();
    await settle();
    // A bookmark's object has only a resourceVersion; the informer must not cache it.
    source.current.send("BOOKMARK", {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { resourceVersion: "555" },
    });
    source.current.send("BOOKMARK", {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { resourceVersion: "556" },
    });
    await clock.advance(299_000);
    source.current.end();
    await settle();
    expect(restarts).toEqual(["Closed"]);
    expect(source.watches).toHaveLength(2);
    expect(source.current.resourceVersion).toBe("556");
    expect(source.lists).toHaveLength(1);
    expect(informer.list()).toEqual([]);
  });

  it("does not reconnect at once, again and again, to a server that ends watches without sending anything", async () => {
    const { clock, source, restarts } = setup();
    await informer!.start();
    await settle();
    source.current.end();
    await settle();
    expect(source.watches).toHaveLength(1);
    await clock.advance(800);
    expect(source.watches).toHaveLength(2);
    source.current.end();
    await clock.advance(1_599);
    expect(source.watches).toHaveLength(2);
    await clock.advance(1);
    expect(source.watches).toHaveLength(3);
    expect(restarts).toEqual(["Closed", "Closed"]);
  });
});

describe("informer: 410 Gone", () => {
  async function syncedWithChanges(deliver: (source: FakeSource) => void) {
    const harness = setup();
    const { source, informer } = harness;
    source.put("kept");
    source.put("changed");
    source.put("vanished");
    await informer.start();
    await settle();
    // Changes the watch never delivered (they were compacted away with its resourceVersion).
    source.put("changed", { data: { v: "2" } });
    source.remove("vanished");
    source.put("new");
    harness.events.length = 0;
    deliver(source);
    await settle();
    return harness;
  }

  it("relists on an ERROR event with code 410 and reports only what changed: delete, update, add", async () => {
    const { source, events, restarts, informer } = await syncedWithChanges((source) =>
      source.current.send("ERROR", status410),
    );
    expect(restarts).toEqual(["Expired"]);
    expect(source.lists).toHaveLength(2);
    expect(events.sort()).toEqual(["add new@106", "delete vanished@103", "update changed@104"]);
    expect(
      informer
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["changed", "kept", "new"]);
    expect(source.current.resourceVersion).toBe("106");
  });

  it("relists when opening the watch answers 410", async () => {
    const { source, restarts, informer } = await syncedWithChanges((source) => {
      source.watchFailures.push(gone());
      source.current.send("BOOKMARK", { metadata: { resourceVersion: "103" } });
      source.current.end();
    });
    await settle();
    expect(restarts).toEqual(["Closed", "Expired"]);
    expect(source.lists).toHaveLength(2);
    expect(informer.get({ namespace: "ns", name: "new" })).toBeDefined();
  });

  it("relists from scratch when a list's continue token expired", async () => {
    const { source, informer } = setup({ pageSize: 1 });
    source.put("a");
    source.put("b");
    const list = source.list.bind(source);
    let calls = 0;
    source.list = async (options) => {
      calls += 1;
      if (calls === 2) {
        source.lists.push({
          limit: options.limit,
          ...(options.continue ? { continue: options.continue } : {}),
        });
        throw gone();
      }
      return list(options);
    };
    await informer.start();
    expect(source.lists).toEqual([
      { limit: 1 },
      { limit: 1, continue: "1" },
      { limit: 1 },
      { limit: 1, continue: "1" },
    ]);
    expect(informer.list()).toHaveLength(2);
  });

  it("backs off when 410s come in a row without anything delivered in between", async () => {
    const { clock, source, restarts, informer } = setup();
    await informer.start();
    await settle();
    source.current.send("ERROR", status410);
    await settle();
    expect(source.lists).toHaveLength(2);
    source.current.send("ERROR", status410);
    await settle();
    expect(source.lists).toHaveLength(2);
    await clock.advance(800);
    expect(source.lists).toHaveLength(3);
    expect(restarts).toEqual(["Expired", "Expired"]);
  });
});

describe("informer: errors and stalls", () => {
  it("retries a failing watch forever with capped, jittered exponential backoff, and reports each error", async () => {
    const { clock, source, restarts, errors, informer } = setup({ random: () => 0.5 });
    await informer.start();
    await settle();
    const start = clock.now();
    const attempts: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      source.current.fail(new ClusterError("Unavailable", 503, "etcd is restarting"));
      await settle();
      await clock.advance(clock.nextWakeAt! - clock.now());
      attempts.push(source.current.openedAt - start);
    }
    const gaps = attempts.map((at, i) => at - (i === 0 ? 0 : attempts[i - 1]!));
    // 0.9 × 1, 2, 4, 8, 16 s, then 0.9 × the 30 s cap.
    expect(gaps).toEqual([900, 1_800, 3_600, 7_200, 14_400, 27_000, 27_000, 27_000, 27_000]);
    expect(restarts).toEqual(Array(9).fill("Error"));
    expect(errors.map((e) => e.message)).toEqual(Array(9).fill("etcd is restarting"));
    expect(source.lists).toHaveLength(1);
  });

  it("starts the backoff over once a watch delivers something", async () => {
    const { clock, source, informer } = setup();
    await informer.start();
    await settle();
    for (let i = 0; i < 3; i += 1) {
      source.current.fail(new ClusterError("Unavailable", undefined, "connection refused"));
      await settle();
      await clock.advance(clock.nextWakeAt! - clock.now());
    }
    source.current.send("ADDED", source.put("a"));
    const before = clock.now();
    source.current.fail(new ClusterError("Unavailable", undefined, "connection reset"));
    await settle();
    await clock.advance(clock.nextWakeAt! - clock.now());
    expect(clock.now() - before).toBe(800);
    expect(source.current.resourceVersion).toBe("101");
  });

  it("keeps retrying a list that fails, and resolves start only when one succeeds", async () => {
    const { clock, source, restarts, errors, informer } = setup();
    source.put("a");
    source.listFailures.push(
      new ClusterError(
        "Forbidden",
        403,
        'configmaps is forbidden: User "x" cannot list resource "configmaps"',
      ),
      new ClusterError("Unavailable", undefined, "cannot reach the Kubernetes API server (ECONNREFUSED)"),
    );
    let started = false;
    void informer.start().then(() => {
      started = true;
    });
    await settle();
    expect(started).toBe(false);
    await clock.advance(800);
    expect(started).toBe(false);
    await clock.advance(1_600);
    expect(started).toBe(true);
    expect(restarts).toEqual(["Error", "Error"]);
    expect(errors.map((e) => e.kind)).toEqual(["Forbidden", "Unavailable"]);
    expect(informer.list()).toHaveLength(1);
  });

  it("turns a thrown non-ClusterError into an Error restart too", async () => {
    const { clock, source, restarts, errors, informer } = setup();
    await informer.start();
    await settle();
    source.current.fail(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    await clock.advance(800);
    expect(restarts).toEqual(["Error"]);
    expect(errors[0]?.kind).toBe("Unavailable");
    expect(errors[0]?.message).not.toContain("read ECONNRESET");
    expect(source.watches).toHaveLength(2);
  });

  it("treats an ERROR event other than 410 as an error, and keeps the cache", async () => {
    const { clock, source, restarts, errors, informer } = setup();
    source.put("a");
    await informer.start();
    await settle();
    source.current.send("ERROR", {
      kind: "Status",
      code: 500,
      reason: "InternalError",
      message: "etcdserver: request timed out",
    });
    await clock.advance(800);
    expect(restarts).toEqual(["Error"]);
    expect(errors[0]).toMatchObject({ kind: "Unavailable", message: "etcdserver: request timed out" });
    expect(source.lists).toHaveLength(1);
    expect(informer.list()).toHaveLength(1);
    expect(source.current.resourceVersion).toBe("101");
  });

  it("drops a watch that stays silent past its timeout plus the margin, and watches again", async () => {
    const { clock, source, restarts, informer } = setup({ stallMarginMs: 30_000 });
    await informer.start();
    await settle();
    const first = source.current;
    await clock.advance(329_999);
    expect(first.closed).toBe(false);
    await clock.advance(1);
    expect(first.closed).toBe(true);
    expect(restarts).toEqual(["Stalled"]);
    expect(source.current.resourceVersion).toBe(first.resourceVersion);
  });

  it("counts the watchdog's time from the last event or bookmark, not from the start", async () => {
    const { clock, source, restarts, informer } = setup({ stallMarginMs: 30_000 });
    await informer.start();
    await settle();
    const first = source.current;
    await clock.advance(200_000);
    first.send("BOOKMARK", { metadata: { resourceVersion: "150" } });
    await clock.advance(329_999);
    expect(first.closed).toBe(false);
    await clock.advance(1);
    expect(first.closed).toBe(true);
    expect(restarts).toEqual(["Stalled"]);
    expect(source.current.resourceVersion).toBe("150");
  });

  it("keeps going when a handler throws, still calls the other handlers, and counts the failures", async () => {
    const { source, events, informer } = setup();
    informer.onChange(() => {
      throw new Error("handler bug");
    });
    const later: string[] = [];
    informer.onChange((type, object) => later.push(`${type} ${object.metadata.name}`));
    source.put("a");
    await informer.start();
    await settle();
    source.current.send("ADDED", source.put("b"));
    expect(informer.handlerErrors).toBe(2);
    expect(later).toEqual(["add a", "add b"]);
    expect(events).toHaveLength(2);
    expect(informer.list()).toHaveLength(2);
  });
});

describe("informer: stop", () => {
  it("closes the watch, stops retrying and leaves no timer behind", async () => {
    const { clock, source, restarts, informer } = setup();
    await informer.start();
    await settle();
    const watch = source.current;
    await informer.stop();
    expect(watch.closed).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
    await clock.advance(3_600_000);
    expect(source.watches).toHaveLength(1);
    expect(restarts).toEqual([]);
  });

  it("does not open a watch when stopped right after the first list", async () => {
    const { source, informer } = setup();
    await informer.start();
    await informer.stop();
    await settle();
    expect(source.watches.filter((w) => !w.closed)).toEqual([]);
  });

  it("stops during a backoff wait", async () => {
    const { clock, source, informer } = setup();
    await informer.start();
    await settle();
    source.current.fail(new ClusterError("Unavailable", 503, "down"));
    await settle();
    expect(clock.pendingSleeps).toBe(1);
    await informer.stop();
    expect(clock.pendingSleeps).toBe(0);
    expect(source.watches).toHaveLength(1);
  });

  it("rejects start when stopped before the first list completed, naming why", async () => {
    const { source, informer } = setup();
    source.listFailures.push(new ClusterError("Unavailable", undefined, "down"));
    const started = informer.start();
    await settle();
    await informer.stop();
    await expect(started).rejects.toThrow(/stopped before its first list/);
    await expect(informer.start()).rejects.toThrow(/was stopped/);
  });
});
