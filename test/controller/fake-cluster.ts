import { randomUUID } from "node:crypto";
import {
  type ClusterApi,
  ClusterError,
  type EventInput,
  type Informer,
  type InformerOptions,
  type KindName,
  type KubeObject,
  keyText,
  type ObjectKey,
  type WatchEventType,
} from "../../src/controller/cluster.js";

// An in-memory Kubernetes API server behind the ClusterApi port, for unit tests of the operator's
// pieces. It keeps the semantics the operator relies on, as kube-apiserver 1.20 has them (the
// registry's strategies for custom resources, ConfigMaps and Leases):
// - every write gets the next resourceVersion (one counter for the whole store, as etcd's
//   revision); a write that changes nothing is not a write (same resourceVersion, no event);
// - replace / replaceStatus with a stale resourceVersion: Conflict; without one: Invalid for the
//   custom resources (they refuse unconditional updates), an unconditional write for the others;
// - create of an existing name: AlreadyExists; writes to a missing object: NotFound;
// - ZendeskAccount and RedactionPolicy have a status subresource: create, replace and mergePatch
//   never change status, replaceStatus changes nothing else; generation starts at 1 and grows
//   when anything outside metadata changes (spec), and once when deletion starts;
// - delete of an object with finalizers only sets deletionTimestamp; no finalizer may be added
//   afterwards, and removing the last one deletes the object;
// - mergePatch is RFC 7386 (null removes a member, lists are replaced whole), and a
//   metadata.resourceVersion (or uid) in the patch is a precondition: Conflict when it differs;
// - ConfigMaps and Secrets hold at most 1 MiB (keys plus values, binaryData counted decoded);
// - informers list (an add for each object listed), then deliver add/update/delete in write
//   order (see the delivery option for when), honouring namespace,
//   labelSelector and fieldSelector (metadata.name, metadata.namespace); a change that makes an
//   object leave or enter a selection is a delete or an add. Cached objects are frozen: a
//   reconciler that mutates one (a bug on a real informer, whose cache shares them) throws.
// Test handles: inspect objects and Events, count writes, inject errors (failNext), and take the
// API server away (setUnavailable). Owner-reference garbage collection is off unless asked for,
// as in envtest; the project's test cluster runs the garbage collector.

export type FakeMethod =
  | "get"
  | "create"
  | "replace"
  | "mergePatch"
  | "replaceStatus"
  | "delete"
  | "createEvent";
type WriteMethod = Exclude<FakeMethod, "get">;

export interface FakeClusterOptions {
  /** Epoch ms for creationTimestamp and deletionTimestamp; Date.now by default. */
  now?: () => number;
  /**
   * When informers hear of a write: "sync" within the write; "microtask" (default) just after it,
   * before the writer's await resumes; "later" on a later turn of the event loop (setImmediate),
   * as a real watch event arrives after the response: the writer runs on with a stale cache, and
   * `settled()` waits for the deliveries.
   */
  delivery?: "sync" | "microtask" | "later";
  /** Delete dependents whose owners are all gone, as kube-controller-manager's garbage collector. */
  garbageCollection?: boolean;
}

export interface FailNextOptions {
  /** Only calls for this kind fail; any kind by default. */
  kind?: KindName;
  /** How many calls fail; 1 by default. */
  times?: number;
  /**
   * The write is applied, then the error is thrown: the response was lost (a timeout or a dropped
   * connection after the server committed), so the caller cannot tell whether it happened.
   */
  afterWrite?: boolean;
}

export interface FakeWriteCounts extends Record<WriteMethod, number> {
  /** All writes the store applied (failed and no-op calls excluded). */
  total: number;
}

export interface FakeWrite {
  method: WriteMethod;
  kind: KindName;
  key: ObjectKey;
  resourceVersion: string;
}

export interface FakeCluster extends ClusterApi {
  /** Copies of the stored objects, of one kind or all. */
  objects<T extends KubeObject = KubeObject>(kind?: KindName): T[];
  /** A copy of one stored object, bypassing failures and counts. */
  peek<T extends KubeObject = KubeObject>(kind: KindName, key: ObjectKey): T | undefined;
  /** Stores objects as create would (status kept, for test set-up), without failures or counts. */
  seed<T extends KubeObject>(...objects: T[]): T[];
  /** Events written, oldest first. */
  readonly events: readonly EventInput[];
  /** Applied writes by method, and their log in order. */
  readonly writes: Readonly<FakeWriteCounts>;
  readonly writeLog: readonly FakeWrite[];
  /** Calls made by method, failed ones included. */
  readonly requests: Readonly<Record<FakeMethod, number>>;
  /** The next call(s) of `method` throw `error`. */
  failNext(method: FakeMethod, error: ClusterError, options?: FailNextOptions): void;
  /** While unavailable every call throws ClusterError Unavailable (503); informers wait. */
  setUnavailable(unavailable: boolean): void;
  /** Resolves once informers have heard of every write so far (for delivery "later"). */
  settled(): Promise<void>;
}

const CUSTOM_KINDS: ReadonlySet<KindName> = new Set(["ZendeskAccount", "RedactionPolicy"]);
const API_VERSIONS: Record<KindName, string> = {
  ZendeskAccount: "hush.dev/v1alpha1",
  RedactionPolicy: "hush.dev/v1alpha1",
  Secret: "v1",
  ConfigMap: "v1",
  Lease: "coordination.k8s.io/v1",
};
const RESOURCES: Record<KindName, string> = {
  ZendeskAccount: "zendeskaccounts.hush.dev",
  RedactionPolicy: "redactionpolicies.hush.dev",
  Secret: "secrets",
  ConfigMap: "configmaps",
  Lease: "leases.coordination.k8s.io",
};
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
/** ConfigMap and Secret validation: keys plus values at most this many bytes. */
export const MAX_DATA_BYTES = 1024 * 1024;
const MAX_NOTE_BYTES = 1024;

export function createFakeCluster(options: FakeClusterOptions = {}): FakeCluster {
  return new Fake(options);
}

/**
 * RFC 7386: members of `patch` replace those of `target`, null removes, non-objects replace whole.
 * An undefined member changes nothing: JSON on the wire leaves it out.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

type Change = { type: WatchEventType; kind: KindName; object: KubeObject; old?: KubeObject };

class Fake implements FakeCluster {
  private readonly store = new Map<string, KubeObject>();
  private readonly listeners = new Set<(change: Change) => void>();
  private readonly failures: Array<{ method: FakeMethod; error: ClusterError; options: FailNextOptions }> =
    [];
  private readonly eventLog: EventInput[] = [];
  private readonly log: FakeWrite[] = [];
  private readonly counts: FakeWriteCounts = {
    create: 0,
    replace: 0,
    mergePatch: 0,
    replaceStatus: 0,
    delete: 0,
    createEvent: 0,
    total: 0,
  };
  private readonly calls: Record<FakeMethod, number> = {
    get: 0,
    create: 0,
    replace: 0,
    mergePatch: 0,
    replaceStatus: 0,
    delete: 0,
    createEvent: 0,
  };
  private revision = 0;
  private unavailable = false;
  private availableAgain: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: FakeClusterOptions) {
    this.now = options.now ?? Date.now;
  }

  get events(): readonly EventInput[] {
    return this.eventLog;
  }
  get writes(): Readonly<FakeWriteCounts> {
    return { ...this.counts };
  }
  get writeLog(): readonly FakeWrite[] {
    return this.log;
  }
  get requests(): Readonly<Record<FakeMethod, number>> {
    return { ...this.calls };
  }

  objects<T extends KubeObject = KubeObject>(kind?: KindName): T[] {
    return [...this.store.values()]
      .filter((o) => !kind || o.kind === kind)
      .map((o) => structuredClone(o) as T);
  }

  peek<T extends KubeObject = KubeObject>(kind: KindName, key: ObjectKey): T | undefined {
    const stored = this.store.get(storeKey(kind, key));
    return stored && (structuredClone(stored) as T);
  }

  seed<T extends KubeObject>(...objects: T[]): T[] {
    return objects.map((object) => {
      const created = this.insert(checkKind(object), object, { keepStatus: true });
      return structuredClone(created) as T;
    });
  }

  failNext(method: FakeMethod, error: ClusterError, options: FailNextOptions = {}): void {
    this.failures.push({ method, error, options: { ...options, times: options.times ?? 1 } });
  }

  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
    if (unavailable) {
      if (!this.availableAgain) {
        let resolve = (): void => undefined;
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        this.availableAgain = { promise, resolve };
      }
    } else {
      this.availableAgain?.resolve();
      this.availableAgain = undefined;
    }
  }

  /** Resolves when the server is reachable (for informers, which wait instead of failing). */
  async whenAvailable(): Promise<void> {
    while (this.availableAgain) await this.availableAgain.promise;
  }

  // ---- the port ----

  get<T extends KubeObject = KubeObject>(kind: KindName, key: ObjectKey): Promise<T | undefined> {
    return this.call("get", kind, () => this.peek<T>(kind, key));
  }

  create<T extends KubeObject>(object: T): Promise<T> {
    const kind = checkKind(object);
    return this.call("create", kind, () => {
      if (object.metadata.resourceVersion) {
        // The registry's storage refuses it with an InternalError (500), which k8s-errors.ts
        // files under Unavailable like any 5xx: a caller that retries those retries in vain.
        throw new ClusterError(
          "Unavailable",
          500,
          "resourceVersion should not be set on objects to be created",
        );
      }
      const created = this.insert(kind, object);
      this.wrote("create", kind, created);
      return structuredClone(created) as T;
    });
  }

  replace<T extends KubeObject>(object: T): Promise<T> {
    const kind = checkKind(object);
    return this.call("replace", kind, () => {
      const current = this.existing(kind, object.metadata);
      checkPreconditions(kind, current, object.metadata, CUSTOM_KINDS.has(kind));
      return this.update("replace", kind, current, structuredClone(object)) as T;
    });
  }

  mergePatch<T extends KubeObject = KubeObject>(kind: KindName, key: ObjectKey, patch: object): Promise<T> {
    return this.call("mergePatch", kind, () => {
      const current = this.existing(kind, key);
      const meta = (patch as { metadata?: { resourceVersion?: unknown; uid?: unknown } }).metadata;
      checkPreconditions(
        kind,
        current,
        { resourceVersion: stringOrUndefined(meta?.resourceVersion), uid: stringOrUndefined(meta?.uid) },
        false,
      );
      const next = applyMergePatch(current, patch) as KubeObject;
      if (
        next.metadata?.name !== current.metadata.name ||
        next.metadata?.namespace !== current.metadata.namespace
      )
        throw invalid(kind, current.metadata.name, "metadata.name and metadata.namespace cannot be changed");
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      return this.update("mergePatch", kind, current, next) as T;
    });
  }

  replaceStatus<T extends KubeObject>(object: T): Promise<T> {
    const kind = checkKind(object);
    return this.call("replaceStatus", kind, () => {
      if (!CUSTOM_KINDS.has(kind))
        throw new ClusterError(
          "NotFound",
          404,
          `the server could not find the requested resource (${kind}/status)`,
        );
      const current = this.existing(kind, object.metadata);
      checkPreconditions(kind, current, object.metadata, true);
      const next = structuredClone(current);
      if (object["status"] === undefined) delete next["status"];
      else next["status"] = structuredClone(object["status"]);
      return this.commitUpdate("replaceStatus", kind, current, next) as T;
    });
  }

  delete(kind: KindName, key: ObjectKey): Promise<void> {
    return this.call("delete", kind, () => {
      const current = this.store.get(storeKey(kind, key));
      if (!current) return;
      if (!current.metadata.finalizers?.length) {
        this.remove(kind, current, "delete");
        return;
      }
      if (current.metadata.deletionTimestamp) return;
      const next = structuredClone(current);
      next.metadata.deletionTimestamp = isoSeconds(this.now());
      if ((next.metadata.generation ?? 0) > 0) next.metadata.generation = (next.metadata.generation ?? 0) + 1;
      this.commitUpdate("delete", kind, current, next);
    });
  }

  createEvent(event: EventInput): Promise<void> {
    return this.call("createEvent", event.regarding.kind, () => {
      if (Buffer.byteLength(event.note) > MAX_NOTE_BYTES)
        throw new ClusterError(
          "Invalid",
          422,
          `Event is invalid: note: Too long: must have at most 1024 bytes`,
        );
      if (!event.reason || !event.action)
        throw new ClusterError("Invalid", 422, "Event is invalid: reason and action are required");
      this.eventLog.push(structuredClone(event));
      this.counts.createEvent += 1;
      this.counts.total += 1;
    });
  }

  informer<T extends KubeObject = KubeObject>(kind: KindName, options: InformerOptions = {}): Informer<T> {
    return new FakeInformer<T>(this, kind, options, (deliver) => this.schedule(deliver));
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  // ---- for FakeInformer ----

  private readonly pending = new Set<Promise<void>>();

  /** Runs an informer's delivery as the delivery option says. */
  schedule(deliver: () => void): void {
    const delivery = this.options.delivery ?? "microtask";
    if (delivery === "sync") {
      deliver();
      return;
    }
    if (delivery === "microtask") {
      queueMicrotask(deliver);
      return;
    }
    const done = new Promise<void>((resolve) =>
      setImmediate(() => {
        this.pending.delete(done);
        deliver();
        resolve();
      }),
    );
    this.pending.add(done);
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(kind: KindName): KubeObject[] {
    return [...this.store.values()].filter((o) => o.kind === kind);
  }

  // ---- storage ----

  private async call<R>(method: FakeMethod, kind: KindName, operation: () => R): Promise<R> {
    this.calls[method] += 1;
    // A request takes a turn of the event loop at least, as a real one does.
    await Promise.resolve();
    if (this.unavailable)
      throw new ClusterError(
        "Unavailable",
        503,
        "the API server is unavailable (the fake cluster is switched off)",
      );
    const failure = this.takeFailure(method, kind);
    if (failure && !failure.afterWrite) throw failure.error;
    const result = operation();
    if (failure) throw failure.error;
    return result;
  }

  private takeFailure(
    method: FakeMethod,
    kind: KindName,
  ): { error: ClusterError; afterWrite: boolean } | undefined {
    const index = this.failures.findIndex(
      (f) => f.method === method && (f.options.kind === undefined || f.options.kind === kind),
    );
    const failure = this.failures[index];
    if (!failure) return undefined;
    failure.options.times = (failure.options.times ?? 1) - 1;
    if (failure.options.times <= 0) this.failures.splice(index, 1);
    return { error: failure.error, afterWrite: failure.options.afterWrite === true };
  }

  private existing(kind: KindName, key: { name?: string; namespace?: string }): KubeObject {
    const current = this.store.get(storeKey(kind, { namespace: key.namespace ?? "", name: key.name ?? "" }));
    if (!current) throw new ClusterError("NotFound", 404, `${RESOURCES[kind]} "${key.name}" not found`);
    return current;
  }

  private insert(kind: KindName, object: KubeObject, how: { keepStatus?: boolean } = {}): KubeObject {
    validate(kind, object);
    const key = storeKey(kind, object.metadata as ObjectKey);
    if (this.store.has(key))
      throw new ClusterError(
        "AlreadyExists",
        409,
        `${RESOURCES[kind]} "${object.metadata.name}" already exists`,
      );
    const created = structuredClone(object);
    const { deletionTimestamp: _d, generation: _g, ...metadata } = created.metadata;
    created.metadata = {
      ...metadata,
      uid: randomUUID(),
      creationTimestamp: isoSeconds(this.now()),
      resourceVersion: String(++this.revision),
      ...(CUSTOM_KINDS.has(kind) ? { generation: 1 } : {}),
    };
    // The status subresource: create cannot set status.
    if (CUSTOM_KINDS.has(kind) && !how.keepStatus) delete created["status"];
    this.store.set(key, created);
    this.emit({ type: "add", kind, object: created });
    return created;
  }

  /** replace and mergePatch: the server keeps what it owns and status, and counts generations. */
  private update(method: WriteMethod, kind: KindName, current: KubeObject, next: KubeObject): KubeObject {
    const custom = CUSTOM_KINDS.has(kind);
    next.metadata = {
      ...next.metadata,
      name: current.metadata.name,
      namespace: current.metadata.namespace,
      resourceVersion: current.metadata.resourceVersion,
    };
    for (const owned of ["uid", "creationTimestamp", "deletionTimestamp", "generation"] as const) {
      if (current.metadata[owned] === undefined) delete next.metadata[owned];
      else (next.metadata as unknown as Record<string, unknown>)[owned] = current.metadata[owned];
    }
    if (custom) {
      if (current["status"] === undefined) delete next["status"];
      else next["status"] = structuredClone(current["status"]);
      if (!sameJson(withoutMetadata(current), withoutMetadata(next)))
        next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    if (current.metadata.deletionTimestamp) {
      const before = new Set(current.metadata.finalizers ?? []);
      const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length > 0)
        throw invalid(
          kind,
          current.metadata.name,
          `metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        );
    }
    validate(kind, next);
    return this.commitUpdate(method, kind, current, next);
  }

  /** Stores `next` as a new version unless it changes nothing; deletes a deleting object without finalizers. */
  private commitUpdate(
    method: WriteMethod,
    kind: KindName,
    current: KubeObject,
    next: KubeObject,
  ): KubeObject {
    if (next.metadata.finalizers?.length === 0) delete next.metadata.finalizers;
    if (sameJson(current, next)) return structuredClone(current);
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers) {
      // The last finalizer is gone: the object goes, and the caller gets its final state.
      return structuredClone(this.remove(kind, next, method));
    }
    next.metadata.resourceVersion = String(++this.revision);
    this.store.set(storeKey(kind, next.metadata as ObjectKey), next);
    this.wrote(method, kind, next);
    this.emit({ type: "update", kind, object: next, old: current });
    return structuredClone(next);
  }

  private remove(kind: KindName, object: KubeObject, method: WriteMethod): KubeObject {
    this.store.delete(storeKey(kind, object.metadata as ObjectKey));
    const gone = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.revision) } };
    this.wrote(method, kind, gone);
    this.emit({ type: "delete", kind, object: gone });
    if (this.options.garbageCollection && object.metadata.uid) this.collectDependents(object.metadata);
    return gone;
  }

  private collectDependents(owner: KubeObject["metadata"]): void {
    const live = new Set([...this.store.values()].map((o) => o.metadata.uid));
    for (const dependent of [...this.store.values()]) {
      const refs = dependent.metadata.ownerReferences ?? [];
      if (dependent.metadata.namespace !== owner.namespace || !refs.some((r) => r.uid === owner.uid))
        continue;
      if (refs.some((r) => live.has(r.uid))) continue;
      const kind = dependent.kind as KindName;
      if (dependent.metadata.finalizers?.length) {
        if (dependent.metadata.deletionTimestamp) continue;
        const next = structuredClone(dependent);
        next.metadata.deletionTimestamp = isoSeconds(this.now());
        this.commitUpdate("delete", kind, dependent, next);
      } else this.remove(kind, dependent, "delete");
    }
  }

  private wrote(method: WriteMethod, kind: KindName, object: KubeObject): void {
    this.counts[method] += 1;
    this.counts.total += 1;
    this.log.push({
      method,
      kind,
      key: { namespace: object.metadata.namespace ?? "", name: object.metadata.name },
      resourceVersion: object.metadata.resourceVersion ?? "",
    });
  }

  private emit(change: Change): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}

/** A list+watch cache over the fake's store. */
class FakeInformer<T extends KubeObject> implements Informer<T> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: Array<(type: WatchEventType, object: T) => void> = [];
  private readonly selects: (object: KubeObject) => boolean;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  synced = false;

  constructor(
    private readonly fake: Fake,
    private readonly kind: KindName,
    options: InformerOptions,
    private readonly schedule: (deliver: () => void) => void,
  ) {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector);
    this.selects = (object) =>
      (options.namespace === undefined || object.metadata.namespace === options.namespace) &&
      labels(object.metadata.labels ?? {}) &&
      fields(object);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.fake.whenAvailable();
    if (!this.running) return;
    // Subscribing and listing in one synchronous step: no write falls between them.
    this.cache.clear();
    this.unsubscribe = this.fake.subscribe((change) => this.observe(change));
    const listed = this.fake.snapshot(this.kind).filter(this.selects);
    for (const object of listed) this.cache.set(cacheKey(object), frozenCopy(object) as T);
    this.synced = true;
    for (const object of listed) this.deliver("add", this.cache.get(cacheKey(object)) as T);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get(key: ObjectKey): T | undefined {
    return this.cache.get(keyText(key));
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  onChange(handler: (type: WatchEventType, object: T) => void): void {
    this.handlers.push(handler);
  }

  private observe(change: Change): void {
    if (change.kind !== this.kind) return;
    const apply = (): void => {
      if (!this.running) return;
      const key = cacheKey(change.object);
      const was = this.cache.has(key);
      const now = change.type !== "delete" && this.selects(change.object);
      const object = frozenCopy(change.object) as T;
      if (now) this.cache.set(key, object);
      else this.cache.delete(key);
      if (now) this.emitTo(was ? "update" : "add", object);
      else if (was) this.emitTo("delete", object);
    };
    this.schedule(apply);
  }

  private deliver(type: WatchEventType, object: T): void {
    this.schedule(() => this.running && this.emitTo(type, object));
  }

  private emitTo(type: WatchEventType, object: T): void {
    for (const handler of this.handlers) handler(type, object);
  }
}

// ---- helpers ----

function checkKind(object: KubeObject): KindName {
  const kind = object.kind as KindName;
  if (!(kind in API_VERSIONS))
    throw new ClusterError(
      "NotFound",
      404,
      `the server could not find the requested resource (kind ${object.kind})`,
    );
  if (object.apiVersion !== API_VERSIONS[kind])
    throw new ClusterError(
      "NotFound",
      404,
      `the server could not find the requested resource (${kind} is served as ${API_VERSIONS[kind]}, not ${object.apiVersion})`,
    );
  return kind;
}

function validate(kind: KindName, object: KubeObject): void {
  const { name, namespace } = object.metadata ?? {};
  if (!namespace) throw invalid(kind, name ?? "", "metadata.namespace: Required value");
  if (!name || name.length > 253 || !DNS_SUBDOMAIN.test(name))
    throw invalid(
      kind,
      name ?? "",
      "metadata.name: Invalid value: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (at most 253)",
    );
  if (kind !== "ConfigMap" && kind !== "Secret") return;
  let size = 0;
  for (const field of ["data", "binaryData"] as const) {
    const values = (object[field] ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(values)) {
      if (!DATA_KEY.test(key) || key.length > 253)
        throw invalid(
          kind,
          name,
          `${field}[${key}]: Invalid value: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
        );
      const encoded = field === "binaryData" || kind === "Secret";
      size += key.length + (encoded ? Buffer.from(value, "base64").length : Buffer.byteLength(value));
    }
  }
  if (size > MAX_DATA_BYTES)
    throw invalid(kind, name, `[]: Too long: must have at most ${MAX_DATA_BYTES} bytes (has ${size})`);
}

function checkPreconditions(
  kind: KindName,
  current: KubeObject,
  given: { resourceVersion?: string | undefined; uid?: string | undefined },
  required: boolean,
): void {
  const name = current.metadata.name;
  if (given.uid && given.uid !== current.metadata.uid)
    throw new ClusterError(
      "Conflict",
      409,
      `Operation cannot be fulfilled on ${RESOURCES[kind]} "${name}": Precondition failed: UID in precondition: ${given.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  if (!given.resourceVersion) {
    if (required)
      throw invalid(
        kind,
        name,
        "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
      );
    return;
  }
  if (given.resourceVersion !== current.metadata.resourceVersion)
    throw new ClusterError(
      "Conflict",
      409,
      `Operation cannot be fulfilled on ${RESOURCES[kind]} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
}

const invalid = (kind: KindName, name: string, detail: string): ClusterError =>
  new ClusterError("Invalid", 422, `${kind} "${name}" is invalid: ${detail}`);

/** Selectors as the API server parses them: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated. */
function parseLabelSelector(selector: string | undefined): (labels: Record<string, string>) => boolean {
  const terms = (selector ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^(!?)([A-Za-z0-9._/-]+)(?:\s*(==|=|!=)\s*([A-Za-z0-9._-]*))?$/.exec(term);
      if (!m)
        throw new ClusterError(
          "Invalid",
          400,
          `unable to parse requirement: "${term}" (the fake cluster supports =, ==, !=, existence and !key)`,
        );
      const [, not, key = "", op, value] = m;
      if (not) return (l: Record<string, string>) => !(key in l);
      if (!op) return (l: Record<string, string>) => key in l;
      if (op === "!=") return (l: Record<string, string>) => l[key] !== value;
      return (l: Record<string, string>) => l[key] === value;
    });
  return (labels) => terms.every((t) => t(labels));
}

function parseFieldSelector(selector: string | undefined): (object: KubeObject) => boolean {
  const terms = (selector ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^metadata\.(name|namespace)\s*(==|=|!=)\s*(.*)$/.exec(term);
      if (!m)
        throw new ClusterError(
          "Invalid",
          400,
          `field label not supported: "${term}" (metadata.name and metadata.namespace are)`,
        );
      const [, field = "name", op, value] = m;
      return (o: KubeObject) => (o.metadata[field as "name" | "namespace"] === value) === (op !== "!=");
    });
  return (object) => terms.every((t) => t(object));
}

const storeKey = (kind: KindName, key: ObjectKey): string => `${kind}|${key.namespace}|${key.name}`;
const cacheKey = (object: KubeObject): string =>
  keyText({ namespace: object.metadata.namespace ?? "", name: object.metadata.name });

const isoSeconds = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

const stringOrUndefined = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withoutMetadata(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, ...rest } = object;
  return rest;
}

/** Equal as JSON with sorted keys (undefined members do not count, as on the wire). */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isPlainObject(value))
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

function frozenCopy(object: KubeObject): KubeObject {
  return deepFreeze(structuredClone(object));
}

function deepFreeze<V>(value: V): V {
  if (typeof value === "object" && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
